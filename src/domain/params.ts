// Params: declaring names with a dtype, and attaching checked values to runs and artifacts
// (docs/design.md, "Params").
import { conflict, invalid, validationFailed } from "./errors.ts";
import { DTYPES, hasInexactInteger, hashValue, inferDtype, isDtype, projections, valueMatchesDtype, type Dtype } from "./dtypes.ts";
import { findArtifact, findRun } from "./lookups.ts";
import type { WriteContext } from "./write-context.ts";

export { canonicalJson, DTYPES, hashValue, inferDtype, isDtype, projections, valueMatchesDtype, type Dtype } from "./dtypes.ts";
export { paramPredicatesWhere, type ParamPredicate } from "./param-filters.ts";

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_.\-/]*$/;

export function validateParamName(name: string, field = "name"): void {
  if (!PARAM_NAME.test(name) || name.length > 128) {
    throw invalid(field, `${JSON.stringify(name)} is not a valid param name (a letter or _ first, then letters, digits, _ . - /; at most 128)`);
  }
}

export async function defineParam({ tx, actor }: WriteContext, input: { name: string; dtype: string }) {
  validateParamName(input.name);
  if (!isDtype(input.dtype)) {
    throw invalid("dtype", `${JSON.stringify(input.dtype)} is not a supported dtype; use one of ${DTYPES.join(", ")}`);
  }
  const existing = await tx.param.findUnique({ where: { name: input.name } });
  if (existing) {
    if (existing.dtype !== input.dtype) {
      throw conflict(`param ${JSON.stringify(input.name)} is already declared with dtype ${existing.dtype}, not ${input.dtype}`, { field: "dtype" });
    }
    return existing;
  }
  return tx.param.create({ data: { name: input.name, dtype: input.dtype, createdById: actor.id } });
}

export interface ParamTarget {
  runId?: number;
  artifactId?: number;
}

type Param = { id: number; name: string; dtype: string };
type Entry = [name: string, value: unknown];
type UnknownParam = { name: string; inferredDtype: Dtype | null };

/** The entries of a values object, or VALIDATION_FAILED when it is none or names a param badly. */
function entriesOf(values: unknown, field: string): Entry[] {
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    throw invalid(field, "expected a JSON object mapping param names to values");
  }
  const entries = Object.entries(values as Record<string, unknown>);
  for (const [name] of entries) validateParamName(name, `${field}.${name}`);
  return entries;
}

/**
 * Checks every entry against the declared params before anything is written, naming every
 * offender: inexact whole numbers, unknown names (unless they may be declared), values that
 * cannot be inferred or do not match their dtype. Returns the names to declare.
 */
function checkEntries(entries: Entry[], declared: Map<string, Param>, defineMissing: boolean, field: string): UnknownParam[] {
  const quoted = (names: string[]) => names.map((name) => JSON.stringify(name)).join(", ");
  // float params take any finite number; whole-number dtypes (and inferred ones) must be exact.
  const inexact = entries
    .filter(([name, value]) => !["float", "list[float]"].includes(declared.get(name)?.dtype ?? "") && hasInexactInteger(value))
    .map(([name]) => name);
  if (inexact.length) {
    throw validationFailed(
      `${quoted(inexact)}: a whole number beyond 2^53 − 1 cannot be carried exactly by JSON (it was rounded); store it as a string, or declare the param float`,
      { field, params: inexact },
    );
  }
  const unknown = entries.filter(([name]) => !declared.has(name)).map(([name, value]) => ({ name, inferredDtype: inferDtype(value) }));
  if (unknown.length && !defineMissing) {
    const hints = unknown.map((u) => `defineParam(input: { name: ${JSON.stringify(u.name)}, dtype: ${JSON.stringify(u.inferredDtype ?? "…")} })`);
    const names = quoted(unknown.map((u) => u.name));
    throw validationFailed(`unknown param${unknown.length > 1 ? "s" : ""} ${names}: declare with ${hints.join(", ")} or pass defineMissing: true`, {
      field,
      unknownParams: unknown,
    });
  }
  const uninferable = unknown.filter((u) => u.inferredDtype == null);
  if (uninferable.length) {
    const names = quoted(uninferable.map((u) => u.name));
    throw validationFailed(
      `cannot infer a dtype for ${names} (null, empty or mixed lists): declare ${uninferable.length > 1 ? "them" : "it"} with defineParam first`,
      {
        field,
        unknownParams: uninferable,
      },
    );
  }
  const mismatches = entries.flatMap(([name, value]) => {
    const param = declared.get(name);
    return param && !valueMatchesDtype(param.dtype as Dtype, value) ? [{ name, dtype: param.dtype, value }] : [];
  });
  if (mismatches.length) {
    const listed = mismatches.map((m) => `${JSON.stringify(m.name)} (expected ${m.dtype}, got ${JSON.stringify(m.value)})`).join(", ");
    throw validationFailed(`value does not match the declared dtype for ${listed}`, { field, mismatches });
  }
  return unknown;
}

/** Stores each value once per (param, value): an existing one is reused. Returns their ids, in entry order. */
async function storeValues({ tx, actor }: WriteContext, entries: Entry[], params: Map<string, Param>): Promise<number[]> {
  const ids: number[] = [];
  for (const [name, value] of entries) {
    const param = params.get(name)!; // declared or defined by now
    const hash = hashValue(value);
    const existing = await tx.paramValue.findUnique({ where: { paramId_hash: { paramId: param.id, hash } } });
    const stored =
      existing ??
      (await tx.paramValue.create({
        data: { paramId: param.id, value: value as object, hash, ...projections(param.dtype as Dtype, value), createdById: actor.id },
      }));
    ids.push(stored.id);
  }
  return ids;
}

/** Links the values to the target, replacing its earlier values of the same params. */
async function relink({ tx }: WriteContext, target: ParamTarget, paramIds: number[], paramValueIds: number[]): Promise<void> {
  const ofParams = { paramValue: { paramId: { in: paramIds } } };
  if (target.runId != null) {
    const runId = target.runId;
    await tx.runParamValue.deleteMany({ where: { runId, ...ofParams } });
    await tx.runParamValue.createMany({ data: paramValueIds.map((paramValueId) => ({ runId, paramValueId })) });
  } else if (target.artifactId != null) {
    const artifactId = target.artifactId;
    await tx.artifactParamValue.deleteMany({ where: { artifactId, ...ofParams } });
    await tx.artifactParamValue.createMany({ data: paramValueIds.map((paramValueId) => ({ artifactId, paramValueId })) });
  }
}

/**
 * Validates every name and value first, then writes: an unknown name or a dtype mismatch
 * rejects the whole call, naming every offending key. A value replaces the target's earlier
 * value of the same param.
 */
export async function addParamValues(w: WriteContext, target: ParamTarget, values: unknown, options: { defineMissing: boolean; field?: string }) {
  const field = options.field ?? "values";
  const entries = entriesOf(values, field);
  if (entries.length === 0) return [];
  const declared = await w.tx.param.findMany({ where: { name: { in: entries.map(([name]) => name) } } });
  const params = new Map<string, Param>(declared.map((param) => [param.name, param]));
  for (const missing of checkEntries(entries, params, options.defineMissing, field)) {
    params.set(missing.name, await defineParam(w, { name: missing.name, dtype: missing.inferredDtype! }));
  }
  const paramValueIds = await storeValues(w, entries, params);
  await relink(
    w,
    target,
    [...params.values()].map((param) => param.id),
    paramValueIds,
  );
  return paramValueIds;
}

export interface AddParamValuesInput {
  runUid?: string | null;
  artifactUid?: string | null;
  values?: unknown;
  defineMissing?: boolean | null;
}

/** Adds values to the one run or artifact the input names: exactly one of runUid and artifactUid. */
export async function addParamValuesTo(w: WriteContext, input: AddParamValuesInput) {
  if ((input.runUid == null) === (input.artifactUid == null)) throw invalid("runUid", "give exactly one of runUid and artifactUid");
  const options = { defineMissing: input.defineMissing ?? false };
  if (input.runUid != null) {
    const run = await findRun(w.tx, input.runUid, "runUid");
    await addParamValues(w, { runId: run.id }, input.values, options);
    w.changed({ model: "Run", kind: "UPDATED", uid: run.uid });
    return { run, artifact: null };
  }
  const artifact = await findArtifact(w.tx, input.artifactUid ?? "", "artifactUid");
  await addParamValues(w, { artifactId: artifact.id }, input.values, options);
  return { run: null, artifact };
}
