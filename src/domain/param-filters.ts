// Typed param predicates of run filters as Prisma where clauses: numbers compare as
// numbers, dates and datetimes as instants, strings as text.
import type { Tx } from "../db/database.ts";
import type { Prisma } from "../generated/sqlite/client.ts";
import { hashValue, projections, valueMatchesDtype, type Dtype } from "./dtypes.ts";
import { invalid } from "./errors.ts";

export type ParamPredicate = {
  name: string;
  eq?: unknown;
  ne?: unknown;
  gt?: unknown;
  gte?: unknown;
  lt?: unknown;
  lte?: unknown;
  in?: readonly unknown[] | null;
};

type ValueWhere = Prisma.ParamValueWhereInput;
type OrderOp = "gt" | "gte" | "lt" | "lte";

/** The conditions on a stored value that one predicate's comparisons make, for a param of a dtype. */
function valueConditions(param: { id: number; name: string; dtype: string }, predicate: ParamPredicate, field: string): ValueWhere[] {
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
  const ordered = (op: OrderOp, value: unknown): ValueWhere => {
    const projected = projections(dtype, coerce(op, value));
    if (dtype === "bool" || (projected.valueNumber == null && projected.valueDate == null && projected.valueText == null)) {
      throw invalid(`${field}.${op}`, `param ${JSON.stringify(param.name)} of dtype ${dtype} has no order`);
    }
    if (projected.valueNumber != null) return { valueNumber: { [op]: projected.valueNumber } };
    if (projected.valueDate != null) return { valueDate: { [op]: projected.valueDate } };
    return { valueText: { [op]: projected.valueText } };
  };
  const conditions: ValueWhere[] = [{ paramId: param.id }];
  if (predicate.eq != null) conditions.push(equal("eq", predicate.eq));
  if (predicate.ne != null) conditions.push({ NOT: equal("ne", predicate.ne) });
  for (const op of ["gt", "gte", "lt", "lte"] as const) {
    if (predicate[op] != null) conditions.push(ordered(op, predicate[op]));
  }
  // Prisma drops an empty OR; an empty list must match nothing.
  if (predicate.in) conditions.push(predicate.in.length ? { OR: predicate.in.map((value) => equal("in", value)) } : { id: { in: [] } });
  return conditions;
}

/**
 * Turns typed param predicates into where clauses on runs: numbers compare as numbers, dates
 * and datetimes as instants, strings as text. An unknown param name is VALIDATION_FAILED.
 */
export async function paramPredicatesWhere(
  db: Pick<Tx, "param">,
  predicates: readonly ParamPredicate[],
  field = "filter.params",
): Promise<Prisma.RunWhereInput[]> {
  if (predicates.length === 0) return [];
  const params = await db.param.findMany({ where: { name: { in: predicates.map((p) => p.name) } } });
  const byName = new Map(params.map((param) => [param.name, param]));
  return predicates.map((predicate) => {
    const param = byName.get(predicate.name);
    if (!param) throw invalid(`${field}.name`, `unknown param ${JSON.stringify(predicate.name)}`);
    return { paramValues: { some: { paramValue: { AND: valueConditions(param, predicate, field) } } } };
  });
}
