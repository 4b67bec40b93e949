// Params: declaring names with a dtype, and attaching checked values to runs and artifacts
// (docs/design.md, "Params").
import { conflict, invalid, validationFailed } from "./errors.ts";
import { DTYPES, hasInexactInteger, hashValue, inferDtype, isDtype, projections, valueMatchesDtype, type Dtype } from "./dtypes.ts";
import { findArtifact, findRun } from "./lookups.ts";
import { Binds, insertRows, insertSql, JsonValue, selectRows } from "../openlineage/sql.ts";
import type { Tx } from "../db/database.ts";
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
  /** the target was created in this transaction: it has no values to replace */
  isNew?: boolean;
}

export type Param = { id: number; name: string; dtype: string };
export type Entry = [name: string, value: unknown];
export type UnknownParam = { name: string; inferredDtype: Dtype | null };

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
export function checkEntries(entries: Entry[], declared: Map<string, Param>, defineMissing: boolean, field: string): UnknownParam[] {
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

/** A ParamValue row as the raw INSERTs write it: the JSON value and its typed projections. */
export function paramValueRow(param: Param, value: unknown, hash: string, createdAt: Date, createdById: number) {
  return { paramId: param.id, value: new JsonValue(value), hash, ...projections(param.dtype as Dtype, value), createdAt, createdById };
}

/** The params declared under these names, by name: one raw read (a Prisma call costs more than the statement). */
export async function declaredParams(sql: WriteContext["sql"], tx: Tx, names: readonly string[]): Promise<Map<string, Param>> {
  const binds = new Binds(sql.provider);
  const rows = await selectRows<Param>(sql, tx, `SELECT "id", "name", "dtype" FROM "Param" WHERE "name" IN ${binds.list(names, "text")}`, binds.values);
  return new Map(rows.map((param) => [param.name, { ...param, id: Number(param.id) }]));
}

/** The stored values of these (param, hash) keys, each with its id: one raw read. */
export async function storedValues(sql: WriteContext["sql"], tx: Tx, keys: readonly { paramId: number; hash: string }[]) {
  const binds = new Binds(sql.provider);
  const paramIds = binds.list([...new Set(keys.map((k) => k.paramId))], "int");
  const hashes = binds.list([...new Set(keys.map((k) => k.hash))], "text");
  const sqlText = `SELECT "id", "paramId", "hash" FROM "ParamValue" WHERE "paramId" IN ${paramIds} AND "hash" IN ${hashes}`;
  const rows = await selectRows<{ id: number | bigint; paramId: number | bigint; hash: string }>(sql, tx, sqlText, binds.values);
  // the two lists cross: keep the keys asked for
  const asked = new Set(keys.map((k) => `${k.paramId}:${k.hash}`));
  return rows.map((row) => ({ id: Number(row.id), paramId: Number(row.paramId), hash: row.hash })).filter((row) => asked.has(`${row.paramId}:${row.hash}`));
}

type Keyed = { param: Param; value: unknown; hash: string };
type Stored = { id: number | bigint; paramId: number | bigint; hash: string; created: boolean };

/**
 * PostgreSQL: the values stored, and the new run's links to them, in one statement (each
 * statement is a round trip there): the new values are inserted, skipping the ones stored
 * already, which the same statement reads by their key. A value a concurrent write stored after
 * the statement's snapshot is in neither part; the caller reads it (and links it) again.
 */
async function storeAndLink(w: WriteContext, keyed: Keyed[], rows: ReturnType<typeof paramValueRow>[], linkRunId: number | null): Promise<Stored[]> {
  const params: unknown[] = [];
  const insert = insertSql("postgresql", "ParamValue", rows, params);
  params.push(
    keyed.map((k) => k.param.id),
    keyed.map((k) => k.hash),
  );
  const keys = `unnest($${params.length - 1}::int[], $${params.length}::text[]) AS k("paramId", "hash")`;
  const link =
    linkRunId == null ? "" : `, linked AS (INSERT INTO "RunParamValue" ("runId", "paramValueId") SELECT $${params.push(linkRunId)}::int, "id" FROM stored)`;
  return selectRows<Stored>(
    w.sql,
    w.tx,
    `WITH inserted AS (${insert} ON CONFLICT DO NOTHING RETURNING "id", "paramId", "hash"), ` +
      `stored AS (SELECT "id", "paramId", "hash", true AS "created" FROM inserted UNION ALL ` +
      `SELECT v."id", v."paramId", v."hash", false FROM "ParamValue" AS v JOIN ${keys} ON v."paramId" = k."paramId" AND v."hash" = k."hash")${link} ` +
      `SELECT "id", "paramId", "hash", "created" FROM stored`,
    params,
  );
}

/**
 * Stores each value once per (param, value): new ones in one multi-row INSERT that skips the
 * ones stored already (or by a concurrent write), which are then read by their key. Returns
 * the ids in entry order, and whether the new run linkRunId names is linked to them already:
 * on PostgreSQL one statement does all of it (storeAndLink); on SQLite one statement when
 * every value is new, two otherwise.
 */
async function storeValues(
  w: WriteContext,
  entries: Entry[],
  params: Map<string, Param>,
  linkRunId: number | null,
): Promise<{ ids: number[]; linked: boolean }> {
  const keyed: Keyed[] = entries.map(([name, value]) => ({ param: params.get(name)!, value, hash: hashValue(value) })); // declared or defined by now
  const key = (paramId: number, hash: string) => `${paramId}:${hash}`;
  const now = new Date();
  const rows = keyed.map(({ param, value, hash }) => paramValueRow(param, value, hash, now, w.actor.id));
  const postgres = w.sql.provider === "postgresql";
  const stored = postgres
    ? await storeAndLink(w, keyed, rows, linkRunId)
    : (await insertRows<Omit<Stored, "created">>(w.sql, w.tx, "ParamValue", rows, ["id", "paramId", "hash"], { ignoreConflicts: true })).map((row) => ({
        ...row,
        created: true,
      }));
  const ids = new Map<string, number>();
  for (const row of stored) {
    ids.set(key(Number(row.paramId), row.hash), Number(row.id));
    if (row.created) w.created("ParamValue", Number(row.id));
  }
  const missing = keyed.filter((k) => !ids.has(key(k.param.id, k.hash)));
  if (missing.length) {
    const found = await storedValues(
      w.sql,
      w.tx,
      missing.map((k) => ({ paramId: k.param.id, hash: k.hash })),
    );
    for (const row of found) ids.set(key(row.paramId, row.hash), row.id);
    if (postgres && linkRunId != null) {
      await insertRows(
        w.sql,
        w.tx,
        "RunParamValue",
        found.map((row) => ({ runId: linkRunId, paramValueId: row.id })),
      );
    }
  }
  return { ids: keyed.map((k) => ids.get(key(k.param.id, k.hash))!), linked: postgres && linkRunId != null };
}

/** Links the values to the target, replacing its earlier values of the same params (a new target has none). */
async function relink(w: WriteContext, target: ParamTarget, paramIds: number[], paramValueIds: number[]): Promise<void> {
  const { tx } = w;
  const ofParams = { paramValue: { paramId: { in: paramIds } } };
  if (target.runId != null) {
    const runId = target.runId;
    if (!target.isNew) await tx.runParamValue.deleteMany({ where: { runId, ...ofParams } });
    await insertRows(
      w.sql,
      tx,
      "RunParamValue",
      paramValueIds.map((paramValueId) => ({ runId, paramValueId })),
    );
  } else if (target.artifactId != null) {
    const artifactId = target.artifactId;
    await tx.artifactParamValue.deleteMany({ where: { artifactId, ...ofParams } });
    await insertRows(
      w.sql,
      tx,
      "ArtifactParamValue",
      paramValueIds.map((paramValueId) => ({ artifactId, paramValueId })),
    );
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
  const params = await declaredParams(
    w.sql,
    w.tx,
    entries.map(([name]) => name),
  );
  const missing = checkEntries(entries, params, options.defineMissing, field);
  if (missing.length) {
    // Undeclared in this transaction: declared together (a concurrent declaration is a race, retried).
    const defined = await w.tx.param.createManyAndReturn({ data: missing.map((m) => ({ name: m.name, dtype: m.inferredDtype!, createdById: w.actor.id })) });
    for (const param of defined) params.set(param.name, param);
  }
  const { ids, linked } = await storeValues(w, entries, params, target.runId != null && target.isNew ? target.runId : null);
  if (!linked) {
    await relink(
      w,
      target,
      [...params.values()].map((param) => param.id),
      ids,
    );
  }
  return ids;
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
    w.changed({ model: "Run", kind: "UPDATED", uid: run.uid, status: run.status });
    return { run, artifact: null };
  }
  const artifact = await findArtifact(w.tx, input.artifactUid ?? "", "artifactUid");
  await addParamValues(w, { artifactId: artifact.id }, input.values, options);
  return { run: null, artifact };
}
