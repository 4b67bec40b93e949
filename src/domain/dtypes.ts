// Param dtypes: which values each dtype takes, the dtype an undeclared value gets, the
// canonical hash a value is stored under and the typed columns filters compare by.
import { createHash } from "node:crypto";

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
export function hasInexactInteger(value: unknown): boolean {
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
