// Run facets that are params in the registry: nominalTime (nominalStartTime, nominalEndTime)
// and executionParameters, declared on the fly. A value the registry cannot take (a name it
// does not allow, a dtype an existing param refuses) stays in the run's facets only: a run
// event is never refused for its params.
import { addParamValues, inferDtype, valueMatchesDtype, type Dtype } from "../domain/params.ts";
import type { Facets } from "./parse.ts";
import type { RunState } from "./runs.ts";
import type { WriteContext } from "../domain/write-context.ts";

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_.\-/]{0,127}$/;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function paramsOf(facets: Facets): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const nominal = isObject(facets.nominalTime) ? facets.nominalTime : {};
  for (const name of ["nominalStartTime", "nominalEndTime"]) if (typeof nominal[name] === "string") values[name] = nominal[name];
  const execution = isObject(facets.executionParameters) ? facets.executionParameters.parameters : undefined;
  for (const item of Array.isArray(execution) ? execution : []) {
    if (!isObject(item)) continue;
    const name = typeof item.key === "string" ? item.key : typeof item.name === "string" ? item.name : null;
    if (name && item.value != null) values[name] = item.value;
  }
  for (const [name, value] of Object.entries(values)) {
    const exact = typeof value !== "number" || Number.isSafeInteger(value) || !Number.isInteger(value);
    if (!PARAM_NAME.test(name) || !exact || inferDtype(value) == null) delete values[name];
  }
  return values;
}

export async function writeRunParams(w: WriteContext, runs: RunState[]): Promise<void> {
  const { tx } = w;
  const wanted = runs.map((run) => ({ run, values: paramsOf(run.facets) })).filter((item) => Object.keys(item.values).length);
  if (!wanted.length) return;
  const names = [...new Set(wanted.flatMap((item) => Object.keys(item.values)))];
  const declared = new Map((await tx.param.findMany({ where: { name: { in: names } }, select: { name: true, dtype: true } })).map((p) => [p.name, p.dtype]));
  for (const { run, values } of wanted) {
    for (const [name, value] of Object.entries(values)) {
      const dtype = declared.get(name) ?? inferDtype(value)!;
      if (!valueMatchesDtype(dtype as Dtype, value)) delete values[name];
      else declared.set(name, dtype);
    }
    if (Object.keys(values).length) await addParamValues(w, { runId: run.id! }, values, { defineMissing: true, field: "run.facets" });
  }
}
