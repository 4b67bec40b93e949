// Params of a recordRuns call, set-based: every value checked against the declared dtypes
// (or declared on the fly with defineMissingParams) as addParamValues does
// (src/domain/params.ts), each value stored once per (param, value), then linked to its run.
import type { Database } from "../db/database.ts";
import { insertRows } from "../openlineage/sql.ts";
import { conflict } from "./errors.ts";
import { checkEntries, declaredParams, hashValue, paramValueRow, storedValues, type Dtype, type Param } from "./params.ts";
import type { Fresh } from "./record-runs-input.ts";
import type { WriteContext } from "./write-context.ts";

type Entry = { run: Fresh; name: string; value: unknown; field: string };

/** Checks every entry in call order (a param declared by an earlier item binds later ones); returns the params to declare. */
function checkAll(entries: Entry[], declared: Map<string, Param>): Map<string, Dtype> {
  const toDeclare = new Map<string, Dtype>();
  for (const { run, name, value, field } of entries) {
    for (const missing of checkEntries([[name, value]], declared, run.item.defineMissingParams ?? false, field)) {
      declared.set(name, { id: -1, name, dtype: missing.inferredDtype! });
      toDeclare.set(name, missing.inferredDtype!);
    }
  }
  return toDeclare;
}

/** Declares the new params (a concurrent declaration of the same name must agree on the dtype). */
async function declare(
  w: WriteContext,
  db: Pick<Database, "provider" | "writerStatement">,
  toDeclare: Map<string, Dtype>,
  declared: Map<string, Param>,
): Promise<void> {
  if (!toDeclare.size) return;
  const now = new Date();
  const rows = [...toDeclare].map(([name, dtype]) => ({ name, dtype, createdAt: now, createdById: w.actor.id }));
  await insertRows(db, w.tx, "Param", rows, [], { ignoreConflicts: true });
  for (const param of await w.tx.param.findMany({ where: { name: { in: [...toDeclare.keys()] } } })) {
    if (param.dtype !== toDeclare.get(param.name)) {
      throw conflict(`param ${JSON.stringify(param.name)} was just declared with dtype ${param.dtype}; send the call again`, { field: "input" });
    }
    declared.set(param.name, param);
  }
}

/** Stores and links the params of every run of the call. */
export async function writeParams(w: WriteContext, db: Pick<Database, "provider" | "writerStatement">, runs: Fresh[]): Promise<void> {
  const entries: Entry[] = runs.flatMap((run) =>
    (run.item.params ?? []).map((p, j) => ({ run, name: p.name, value: p.value, field: `input[${run.index}].params[${j}]` })),
  );
  if (!entries.length) return;
  const names = [...new Set(entries.map((entry) => entry.name))];
  const declared = await declaredParams(db, w.tx, names);
  await declare(w, db, checkAll(entries, declared), declared);
  const now = new Date();
  const values = new Map<string, ReturnType<typeof paramValueRow>>();
  // each entry's value as stored: its param and hash (the key of its row), computed once
  const keys = entries.map(({ name, value }) => {
    const param = declared.get(name)!;
    const hash = hashValue(value);
    const key = `${param.id}:${hash}`;
    if (!values.has(key)) values.set(key, paramValueRow(param, value, hash, now, w.actor.id));
    return key;
  });
  const rows = [...values.values()];
  type Stored = { id: number | bigint; paramId: number | bigint; hash: string };
  const idOf = new Map<string, number>();
  const note = (stored: Stored[]) => stored.forEach((row) => idOf.set(`${row.paramId}:${row.hash}`, Number(row.id)));
  note(await insertRows<Stored>(db, w.tx, "ParamValue", rows, ["id", "paramId", "hash"], { ignoreConflicts: true }));
  // The values stored before (or by a concurrent write), read by their key.
  const before = rows.filter((row) => !idOf.has(`${row.paramId}:${row.hash}`));
  if (before.length) note(await storedValues(db, w.tx, before));
  const links = entries.map(({ run }, i) => ({ runId: run.runId, paramValueId: idOf.get(keys[i])! }));
  await insertRows(db, w.tx, "RunParamValue", links);
}
