// The ids of a planned page as one hand-built statement: the list's where clause, order, cursor
// and page size, written as the SQL Prisma writes for the same findMany (docs/architecture.md,
// "Pages built in the database"). Prisma's client costs the server more than the small
// statement it sends; a where clause this file does not know returns null, and the page's ids
// are read through Prisma.
import type { Provider } from "../db/database.ts";
import { toSqlite } from "../db/sqlite-statements.ts";
import { getDatamodel } from "../generated/pothos-types.ts";
import { CATALOGUE, isModel, type ColumnType, type Model } from "./catalogue.ts";

/** The page arguments of a Prisma findMany as Pothos' connection helpers make them. */
export interface PageQuery {
  take: number;
  skip: number;
  cursor?: { id: number };
}

export type OrderBy = Record<string, "asc" | "desc" | undefined>[];

export interface IdsStatement {
  sql: string;
  params: unknown[];
  /** the rows come in the reverse of the list's order (a page read backwards, as Prisma reads it) */
  reversed: boolean;
}

type Where = Record<string, unknown>;

/** A model's columns a where clause may name, with how their values bind. */
function columnsOf(model: Model): Map<string, ColumnType> {
  // a versioned record's family (lookups.ts, familyWhere) is its stem, a column no field exposes
  const columns = new Map<string, ColumnType>("version" in CATALOGUE[model] ? [["stem", "text"]] : []);
  for (const source of Object.values(CATALOGUE[model])) {
    if (source.kind === "column") columns.set(source.column, source.type);
    if (source.kind === "one") columns.set(source.column, "int");
  }
  return columns;
}

const COLUMNS = new Map<Model, Map<string, ColumnType>>(Object.keys(CATALOGUE).map((model) => [model as Model, columnsOf(model as Model)]));

/** The columns that may hold NULL, by model, from the Prisma schema. */
const NULLABLE = new Map<string, Set<string>>(
  Object.entries(getDatamodel().datamodel.models).map(([model, { fields }]) => [
    model,
    new Set(fields.filter((field) => field.kind === "scalar" && !field.isRequired).map((field) => field.name)),
  ]),
);

const quote = (identifier: string) => `"${identifier}"`;

class Unsupported extends Error {}

/**
 * The statement of a page's ids, or null when the where clause holds something this file does
 * not write (then Prisma reads the page). Rows have one column, `id`.
 */
export function pageIdsStatement(provider: Provider, model: string, where: object, orderBy: OrderBy, query: PageQuery): IdsStatement | null {
  if (!isModel(model)) return null;
  const params: unknown[] = [];
  const bind = (value: unknown, type: ColumnType | "int[]" | "text[]"): string => {
    params.push(bindable(provider, value));
    if (provider === "sqlite") return "?";
    const placeholder = `$${params.length}`;
    if (type === "datetime") return `${placeholder}::timestamp`;
    return type.endsWith("[]") ? `${placeholder}::${type}` : placeholder;
  };
  // SQLite plans a bound LIMIT with its value and then marks the statement to be planned again
  // whenever that parameter is bound anew, which the driver does on every run: about 6 % of a
  // dashboard page's statement. The page's size and offset are checked integers, so SQLite gets
  // them in the text (a few texts: the page sizes clients ask for, offset 0 or 1).
  const count = (value: number): string => {
    if (!Number.isSafeInteger(value) || value < 0) throw new Unsupported();
    return provider === "sqlite" ? String(value) : bind(value, "int");
  };
  try {
    const table = quote(model);
    const conditions = whereConditions(provider, model, where as Where, bind);
    // Prisma pages backwards (a negative take) by reading in the reverse order, then reverses the rows.
    const reversed = query.take < 0;
    const order = orderBy.map((entry) => {
      const keys = Object.keys(entry);
      if (keys.length !== 1 || !COLUMNS.get(model)?.has(keys[0])) throw new Unsupported();
      const direction = entry[keys[0]];
      return { column: keys[0], descending: (direction === "desc") !== reversed };
    });
    if (order.at(-1)?.column !== "id") throw new Unsupported();
    if (query.cursor) {
      if (typeof query.cursor.id !== "number" || Object.keys(query.cursor).length !== 1) throw new Unsupported();
      // With a NULL on either side Prisma's cursor condition holds for every row, and Prisma finds
      // the cursor's row among the rows it read and slices the page in memory.
      if (order.some(({ column }) => NULLABLE.get(model)?.has(column))) throw new Unsupported();
      conditions.push(cursorCondition(model, order, query.cursor.id, bind));
    }
    const sql = [
      `SELECT id FROM ${table}`,
      conditions.length ? ` WHERE ${conditions.join(" AND ")}` : "",
      ` ORDER BY ${order.map(({ column, descending }) => `${quote(column)} ${descending ? "DESC" : "ASC"}`).join(", ")}`,
      ` LIMIT ${count(Math.abs(query.take))} OFFSET ${count(query.skip)}`,
    ].join("");
    return { sql, params, reversed };
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
}

/**
 * Rows from the cursor's row on, in the page's order, the cursor's row included (the caller
 * skips it), as Prisma writes it: for an order (c1, …, cn, id), the rows where c1 … c(k-1)
 * equal the cursor row's and ck is past it, for each k, or where all equal and id is at or
 * past the cursor's. A cursor row that is gone matches nothing. (An order on a column that may
 * be NULL Prisma pages in memory instead; such a page is left to Prisma, see pageIdsStatement.)
 */
function cursorCondition(
  model: Model,
  order: { column: string; descending: boolean }[],
  id: number,
  bind: (value: unknown, type: ColumnType) => string,
): string {
  const at = (column: string) => `(SELECT ${quote(column)} FROM ${quote(model)} WHERE id = ${bind(id, "int")})`;
  const alternatives = order.map(({ column, descending }, index) => {
    const last = index === order.length - 1;
    const equal = order.slice(0, index).map((previous) => `${quote(previous.column)} = ${at(previous.column)}`);
    return [...equal, `${quote(column)} ${descending ? "<" : ">"}${last ? "=" : ""} ${at(column)}`].join(" AND ");
  });
  return alternatives.length === 1 ? alternatives[0] : `((${alternatives.join(") OR (")}))`;
}

/** The conditions of a where clause on `model`, on the columns of the innermost table of the statement. */
function whereConditions(provider: Provider, model: Model, where: Where, bind: (value: unknown, type: ColumnType | "int[]" | "text[]") => string): string[] {
  const columns = COLUMNS.get(model) as Map<string, ColumnType>;
  const conditions: string[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    const relation = CATALOGUE[model][key];
    if (relation?.kind === "one" && key !== relation.column) {
      // a to-one relation's where: its key points at a row that matches
      if (value === null || typeof value !== "object" || Object.values(value).every((v) => v === undefined)) throw new Unsupported();
      const inner = whereConditions(provider, relation.model, value as Where, bind);
      conditions.push(`${quote(relation.column)} IN (SELECT id FROM ${quote(relation.model)} WHERE ${inner.join(" AND ")})`);
      continue;
    }
    const type = columns.get(key);
    if (!type) throw new Unsupported();
    conditions.push(...columnConditions(provider, quote(key), type, value, bind));
  }
  return conditions;
}

function columnConditions(
  provider: Provider,
  column: string,
  type: ColumnType,
  value: unknown,
  bind: (value: unknown, type: ColumnType | "int[]" | "text[]") => string,
): string[] {
  if (value === null) return [`${column} IS NULL`];
  if (typeof value !== "object" || value instanceof Date) return [`${column} = ${bind(scalar(value, type), type)}`];
  const filter = value as Record<string, unknown>;
  const conditions: string[] = [];
  const insensitive = filter.mode === "insensitive";
  if (filter.mode !== undefined && !insensitive) throw new Unsupported();
  // Prisma's LIKE on PostgreSQL is ILIKE with `mode: "insensitive"`; on SQLite the service's like() ignores case (db/sqlite-functions.ts).
  const like = provider === "postgresql" && insensitive ? "ILIKE" : "LIKE";
  for (const [operator, operand] of Object.entries(filter)) {
    if (operand === undefined || operator === "mode") continue;
    switch (operator) {
      case "not":
        if (operand !== null) throw new Unsupported();
        conditions.push(`${column} IS NOT NULL`);
        break;
      case "equals":
        conditions.push(operand === null ? `${column} IS NULL` : `${column} = ${bind(scalar(operand, type), type)}`);
        break;
      case "contains":
      case "startsWith":
        if (type !== "text" || typeof operand !== "string") throw new Unsupported();
        conditions.push(`${column} ${like} ${bind(`${operator === "contains" ? "%" : ""}${operand}%`, type)}`);
        break;
      case "gte":
      case "lt":
        conditions.push(`${column} ${operator === "gte" ? ">=" : "<"} ${bind(scalar(operand, type), type)}`);
        break;
      case "in": {
        if (!Array.isArray(operand) || (type !== "text" && type !== "int")) throw new Unsupported();
        const values = operand.map((item) => scalar(item, type));
        if (values.length === 0) conditions.push("1 = 0");
        else if (provider === "sqlite") conditions.push(`${column} IN (SELECT value FROM json_each(${bind(JSON.stringify(values), "text")}))`);
        else conditions.push(`${column} = ANY(${bind(values, type === "text" ? "text[]" : "int[]")})`);
        break;
      }
      default:
        throw new Unsupported();
    }
  }
  return conditions;
}

/** A value compared with a column of the type, checked to be of that type. */
function scalar(value: unknown, type: ColumnType): unknown {
  const ok =
    (type === "text" && typeof value === "string") ||
    (type === "int" && typeof value === "number" && Number.isInteger(value)) ||
    (type === "boolean" && typeof value === "boolean") ||
    (type === "datetime" && value instanceof Date && !Number.isNaN(value.getTime()));
  if (!ok) throw new Unsupported();
  return value;
}

/** A value as the driver binds it, in the form Prisma stores it (on PostgreSQL a datetime is cast from its ISO text). */
function bindable(provider: Provider, value: unknown): unknown {
  if (provider === "sqlite") return toSqlite(value);
  return value instanceof Date ? value.toISOString() : value;
}
