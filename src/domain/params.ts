// Params: declared names with a dtype, validated values, typed projections for filters,
// and attaching values to runs and artifacts.
import { createHash } from "node:crypto";
import type { Tx } from "../db/database.ts";
import { AppError, invalid } from "./errors.ts";

export const DTYPES = [
  "int",
  "float",
  "num",
  "str",
  "bool",
  "date",
  "datetime",
  "dict",
  "list[int]",
  "list[float]",
  "list[num]",
  "list[str]",
  "list[bool]",
  "list[date]",
  "list[datetime]",
] as const;
export type Dtype = (typeof DTYPES)[number];

export function isDtype(value: string): value is Dtype {
  return (DTYPES as readonly string[]).includes(value);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function isValidDate(text: string): boolean {
  const time = Date.parse(DATE.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(time)) return false;
  // Date.parse rolls 2024-02-30 over to March; a real date round-trips.
  return new Date(time).toISOString().slice(0, 10) === text.slice(0, 10) || !DATE.test(text);
}

function scalarMatches(dtype: string, value: unknown): boolean {
  switch (dtype) {
    case "int":
      return typeof value === "number" && Number.isSafeInteger(value);
    case "float":
    case "num":
      return typeof value === "number" && Number.isFinite(value);
    case "str":
      return typeof value === "string";
    case "bool":
      return typeof value === "boolean";
    case "date":
      return typeof value === "string" && DATE.test(value) && isValidDate(value);
    case "datetime":
      return typeof value === "string" && DATETIME.test(value) && isValidDate(value);
    case "dict":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    default:
      return false;
  }
}

export function valueMatchesDtype(dtype: Dtype, value: unknown): boolean {
  const list = /^list\[(.+)\]$/.exec(dtype);
  if (list) return Array.isArray(value) && value.every((item) => scalarMatches(list[1], item));
  return scalarMatches(dtype, value);
}

/**
 * The dtype a value of an unknown param gets when it is declared on the fly (lamindb's rules,
 * except for numbers). Every number infers `num`: JSON cannot tell 0.0 from 0, so a float
 * param whose first value happens to be whole would otherwise become `int` and refuse the
 * fractional values that follow.
 */
export function inferDtype(value: unknown): Dtype | null {
  if (Array.isArray(value)) {
    if (value.length === 0) return null;
    const inner = value.map(inferDtype);
    if (inner.every((d) => d === "num")) return "list[num]";
    for (const d of ["str", "bool", "date", "datetime"] as const) {
      if (inner.every((x) => x === d)) return `list[${d}]`;
    }
    if (inner.every((x) => x === "str" || x === "date" || x === "datetime")) return "list[str]";
    return null;
  }
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isFinite(value) ? "num" : null;
  if (typeof value === "string") {
    if (DATE.test(value) && isValidDate(value)) return "date";
    if (DATETIME.test(value) && isValidDate(value)) return "datetime";
    return "str";
  }
  if (typeof value === "object" && value !== null) return "dict";
  return null;
}

/** Whether a param value holds a whole number that JSON may have rounded (|n| > 2^53 − 1), outside dicts. */
function hasInexactInteger(value: unknown): boolean {
  if (typeof value === "number") return Number.isInteger(value) && !Number.isSafeInteger(value);
  return Array.isArray(value) && value.some(hasInexactInteger);
}

/** JSON with object keys sorted, so that equal values hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function hashValue(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("base64url").slice(0, 22);
}

/** The typed columns written beside a value so that filters compare by type on every database. */
export function projections(dtype: Dtype, value: unknown) {
  switch (dtype) {
    case "int":
    case "float":
    case "num":
      return { valueNumber: value as number, valueText: null, valueDate: null };
    case "str":
      return { valueNumber: null, valueText: value as string, valueDate: null };
    case "bool":
      return { valueNumber: value ? 1 : 0, valueText: String(value), valueDate: null };
    case "date":
      return { valueNumber: null, valueText: value as string, valueDate: new Date(`${value as string}T00:00:00Z`) };
    case "datetime":
      return { valueNumber: null, valueText: value as string, valueDate: new Date(value as string) };
    default:
      return { valueNumber: null, valueText: null, valueDate: null };
  }
}

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_.\-/]*$/;

export function validateParamName(name: string, field = "name"): void {
  if (!PARAM_NAME.test(name) || name.length > 128) {
    throw invalid(field, `${JSON.stringify(name)} is not a valid param name (a letter or _ first, then letters, digits, _ . - /; at most 128)`);
  }
}

export async function defineParam(tx: Tx, input: { name: string; dtype: string }, userId: number) {
  validateParamName(input.name);
  if (!isDtype(input.dtype)) {
    throw invalid("dtype", `${JSON.stringify(input.dtype)} is not a supported dtype; use one of ${DTYPES.join(", ")}`);
  }
  const existing = await tx.param.findUnique({ where: { name: input.name } });
  if (existing) {
    if (existing.dtype !== input.dtype) {
      throw new AppError("CONFLICT", `param ${JSON.stringify(input.name)} is already declared with dtype ${existing.dtype}, not ${input.dtype}`, {
        field: "dtype",
      });
    }
    return existing;
  }
  return tx.param.create({ data: { name: input.name, dtype: input.dtype, createdById: userId } });
}

export interface ParamTarget {
  runId?: number;
  artifactId?: number;
}

/**
 * Validates every name and value first, then writes: an unknown name or a dtype mismatch
 * rejects the whole call, naming every offending key. A value replaces the target's earlier
 * value of the same param.
 */
export async function addParamValues(tx: Tx, target: ParamTarget, values: unknown, options: { defineMissing: boolean; userId: number; field?: string }) {
  const field = options.field ?? "values";
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    throw invalid(field, "expected a JSON object mapping param names to values");
  }
  const entries = Object.entries(values as Record<string, unknown>);
  if (entries.length === 0) return [];
  for (const [name] of entries) validateParamName(name, `${field}.${name}`);

  const declared = await tx.param.findMany({ where: { name: { in: entries.map(([name]) => name) } } });
  const byName = new Map(declared.map((param) => [param.name, param]));
  // float params take any finite number; whole-number dtypes (and inferred ones) must be exact.
  const inexact = entries
    .filter(([name, value]) => !["float", "list[float]"].includes(byName.get(name)?.dtype ?? "") && hasInexactInteger(value))
    .map(([name]) => name);
  if (inexact.length) {
    throw new AppError(
      "VALIDATION_FAILED",
      `${inexact.map((name) => JSON.stringify(name)).join(", ")}: a whole number beyond 2^53 − 1 cannot be carried exactly by JSON (it was rounded); ` +
        "store it as a string, or declare the param float",
      { field, params: inexact },
    );
  }

  const unknown = entries.filter(([name]) => !byName.has(name)).map(([name, value]) => ({ name, inferredDtype: inferDtype(value) }));
  if (unknown.length && !options.defineMissing) {
    const hints = unknown.map((u) => `defineParam(input: { name: ${JSON.stringify(u.name)}, dtype: ${JSON.stringify(u.inferredDtype ?? "…")} })`);
    throw new AppError(
      "VALIDATION_FAILED",
      `unknown param${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => JSON.stringify(u.name)).join(", ")}: declare with ${hints.join(", ")} or pass defineMissing: true`,
      { field, unknownParams: unknown },
    );
  }
  const uninferable = unknown.filter((u) => u.inferredDtype == null);
  if (uninferable.length) {
    throw new AppError(
      "VALIDATION_FAILED",
      `cannot infer a dtype for ${uninferable.map((u) => JSON.stringify(u.name)).join(", ")} (null, empty or mixed lists): declare ${uninferable.length > 1 ? "them" : "it"} with defineParam first`,
      { field, unknownParams: uninferable },
    );
  }
  const mismatches = entries
    .filter(([name]) => byName.has(name))
    .filter(([name, value]) => !valueMatchesDtype(byName.get(name)!.dtype as Dtype, value))
    .map(([name, value]) => ({ name, dtype: byName.get(name)!.dtype, value }));
  if (mismatches.length) {
    throw new AppError(
      "VALIDATION_FAILED",
      `value does not match the declared dtype for ${mismatches.map((m) => `${JSON.stringify(m.name)} (expected ${m.dtype}, got ${JSON.stringify(m.value)})`).join(", ")}`,
      { field, mismatches },
    );
  }

  for (const u of unknown) {
    byName.set(u.name, await defineParam(tx, { name: u.name, dtype: u.inferredDtype! }, options.userId));
  }
  const paramValueIds: number[] = [];
  for (const [name, value] of entries) {
    const param = byName.get(name)!;
    const hash = hashValue(value);
    const existing = await tx.paramValue.findUnique({ where: { paramId_hash: { paramId: param.id, hash } } });
    const paramValue =
      existing ??
      (await tx.paramValue.create({
        data: {
          paramId: param.id,
          value: value as object,
          hash,
          ...projections(param.dtype as Dtype, value),
          createdById: options.userId,
        },
      }));
    paramValueIds.push(paramValue.id);
  }
  const paramIds = [...byName.values()].map((param) => param.id);
  if (target.runId != null) {
    const runId = target.runId;
    await tx.runParamValue.deleteMany({ where: { runId, paramValue: { paramId: { in: paramIds } } } });
    await tx.runParamValue.createMany({ data: paramValueIds.map((paramValueId) => ({ runId, paramValueId })) });
  } else if (target.artifactId != null) {
    const artifactId = target.artifactId;
    await tx.artifactParamValue.deleteMany({ where: { artifactId, paramValue: { paramId: { in: paramIds } } } });
    await tx.artifactParamValue.createMany({ data: paramValueIds.map((paramValueId) => ({ artifactId, paramValueId })) });
  }
  return paramValueIds;
}

export type ParamPredicate = {
  name: string;
  eq?: unknown;
  ne?: unknown;
  gt?: unknown;
  gte?: unknown;
  lt?: unknown;
  lte?: unknown;
  in?: unknown[] | null;
};

type ValueWhere = Record<string, unknown>;

/**
 * Turns typed param predicates into a Prisma where clause on runs (or artifacts): numbers
 * compare as numbers, dates and datetimes as instants, strings as text.
 */
export async function paramPredicatesWhere(db: Pick<Tx, "param">, predicates: ParamPredicate[], field = "filter.params"): Promise<ValueWhere[]> {
  if (predicates.length === 0) return [];
  const params = await db.param.findMany({ where: { name: { in: predicates.map((p) => p.name) } } });
  const byName = new Map(params.map((param) => [param.name, param]));
  return predicates.map((predicate) => {
    const param = byName.get(predicate.name);
    if (!param) throw invalid(`${field}.name`, `unknown param ${JSON.stringify(predicate.name)}`);
    const dtype = param.dtype as Dtype;
    const coerce = (op: string, value: unknown) => {
      if (!valueMatchesDtype(dtype, value) && !(dtype === "int" && typeof value === "number" && Number.isFinite(value))) {
        throw invalid(`${field}.${op}`, `${JSON.stringify(value)} cannot be compared with param ${JSON.stringify(param.name)} of dtype ${dtype}`);
      }
      return value;
    };
    const equal = (op: string, value: unknown): ValueWhere => {
      const v = coerce(op, value);
      const projected = projections(dtype, v);
      if (projected.valueNumber != null && dtype !== "bool") return { valueNumber: projected.valueNumber };
      if (projected.valueDate != null) return { valueDate: projected.valueDate };
      return { hash: hashValue(v) };
    };
    const ordered = (op: "gt" | "gte" | "lt" | "lte", value: unknown): ValueWhere => {
      const v = coerce(op, value);
      const projected = projections(dtype, v);
      if (dtype === "bool" || (projected.valueNumber == null && projected.valueDate == null && projected.valueText == null)) {
        throw invalid(`${field}.${op}`, `param ${JSON.stringify(param.name)} of dtype ${dtype} has no order`);
      }
      if (projected.valueNumber != null) return { valueNumber: { [op]: projected.valueNumber } };
      if (projected.valueDate != null) return { valueDate: { [op]: projected.valueDate } };
      return { valueText: { [op]: projected.valueText } };
    };
    const conditions: ValueWhere[] = [{ paramId: param.id }];
    if (predicate.eq !== undefined && predicate.eq !== null) conditions.push(equal("eq", predicate.eq));
    if (predicate.ne !== undefined && predicate.ne !== null) conditions.push({ NOT: equal("ne", predicate.ne) });
    for (const op of ["gt", "gte", "lt", "lte"] as const) {
      if (predicate[op] !== undefined && predicate[op] !== null) conditions.push(ordered(op, predicate[op]));
    }
    // Prisma drops an empty OR; an empty list must match nothing.
    if (predicate.in) conditions.push(predicate.in.length ? { OR: predicate.in.map((value) => equal("in", value)) } : { id: { in: [] } });
    return { paramValues: { some: { paramValue: { AND: conditions } } } };
  });
}
