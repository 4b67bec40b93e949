// One statement that answers the records of a page as JSON, built by the database the way the
// resolvers would answer them: each record an object of the selected fields under their
// response names, in the order asked, relations nested (docs/architecture.md, "Pages built in
// the database").
import type { Provider } from "../db/database.ts";
import { JSON_NUMBER } from "../db/sqlite-functions.ts";
import type { ColumnType, FieldSource, Model } from "./catalogue.ts";
import type { IdsStatement } from "./ids.ts";

/** A record's selection, planned: the model and its fields in response order. */
export interface RecordPlan {
  model: Model;
  fields: FieldPlan[];
}

export type FieldPlan = { key: string } & (
  | { kind: "typename"; typename: string }
  | (Extract<FieldSource, { kind: "column" | "params" }> & { includeTrashed?: undefined })
  | (Exclude<FieldSource, { kind: "column" | "params" }> & { record: RecordPlan; includeTrashed: boolean })
);

/** PostgreSQL builds an object from at most 100 arguments: 50 fields. */
export const MAX_FIELDS_PER_RECORD = 50;

const quote = (identifier: string) => `"${identifier}"`;

/** A response name or type name as an SQL string literal (GraphQL names hold no quote). */
function literal(name: string): string {
  if (!/^[_A-Za-z][_0-9A-Za-z]*$/.test(name)) throw new Error(`not a GraphQL name: ${name}`);
  return `'${name}'`;
}

// The largest integer a JSON number carries exactly; the BigInt scalar writes larger ones as strings.
const SAFE = "9007199254740991";

interface Dialect {
  column(expression: string, type: ColumnType): string;
  object(pairs: string[]): string;
  /**
   * A list's records as one JSON array, in order: `element` (a record built on `alias`) for each
   * row of `rows` (the FROM and WHERE of the list, `alias` its records' table), whose `columns`
   * the element reads.
   */
  list(element: string, rows: string, order: string, alias: string, columns: string[]): string;
  params(name: string, value: string, order: string): string;
  /** a stored JSON value (ParamValue.value) as the params loader answers it: parsed, then written by JSON.stringify */
  storedJson(column: string): string;
  /**
   * The page's records in the order of the ids given as the statement's one parameter. The
   * caller checks that the rows come back one per id in that order (pages/answer.ts).
   */
  page(table: string, alias: string): { from: string; order?: string };
  /** that parameter, from the ids */
  ids(ids: number[]): unknown;
  /** a record as its JSON text, which the driver hands over as a string */
  text(record: string): string;
  /** the page's records in the order of the ids a subquery reads: one statement for the page */
  pageOf(statement: string, table: string, alias: string): { from: string; order?: string };
}

const POSTGRES: Dialect = {
  column(expression, type) {
    if (type === "datetime") return `to_char(${expression}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    if (type === "bigint") return `CASE WHEN ${expression} BETWEEN -${SAFE} AND ${SAFE} THEN to_json(${expression}) ELSE to_json(${expression}::text) END`;
    return expression;
  },
  object: (pairs) => `json_build_object(${pairs.join(", ")})`,
  list: (element, rows, order) => `(SELECT coalesce(json_agg(${element} ORDER BY ${order}), '[]'::json) FROM ${rows})`,
  params: (name, value, order) => `coalesce(json_object_agg(${name}, ${value} ORDER BY ${order}), '{}'::json)`,
  storedJson: (column) => column,
  page: (table, alias) => ({ from: `unnest($1::int[]) WITH ORDINALITY AS page(id, n) JOIN ${table} ${alias} ON ${alias}.id = page.id`, order: "page.n" }),
  ids: (ids) => ids,
  // as text: node-postgres would parse a json column
  text: (record) => `(${record})::text`,
  // ARRAY() keeps the order of its subquery's rows, which the ids' ORDER BY sets
  pageOf: (statement, table, alias) => ({
    from: `unnest(ARRAY(${statement})) WITH ORDINALITY AS page(id, n) JOIN ${table} ${alias} ON ${alias}.id = page.id`,
    order: "page.n",
  }),
};

/**
 * A REAL as JSON.stringify writes it. Where 15 significant digits give the number back and need
 * no exponent, they are what JSON.stringify writes (the shortest digits that give the number
 * back: at most one 15-digit decimal does, and printf's %g drops trailing zeros); other numbers
 * (16 or 17 digits, exponents) go to the service's function, a call into JavaScript each.
 */
export function realAsJson(column: string): string {
  const digits = `printf('%.15g', ${column})`;
  return `CASE WHEN instr(${digits}, 'e') = 0 AND CAST(${digits} AS REAL) = ${column} THEN json(${digits}) ELSE json(${JSON_NUMBER}(${column})) END`;
}

/** A GLOB of an instant as ISO text to the millisecond, before its zone (sqliteDatetime). */
const ISO_MS = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]";

/**
 * A datetime column as the DateTime scalar writes it (`toISOString()`). SQLite keeps a datetime as
 * the text its writer gave: Prisma's adapter and the service's own statements write
 * `2025-01-02T03:04:05.678+00:00`, a bulk load may write `toISOString()`'s `…Z`. Either form is
 * recognised by one GLOB and given as it is (its zone written `Z`), at a fraction of the cost of
 * strftime's parse and format; any other form (SQLite's own `CURRENT_TIMESTAMP`, say) goes
 * through strftime.
 */
export function sqliteDatetime(expression: string): string {
  return `CASE WHEN ${expression} GLOB '${ISO_MS}Z' THEN ${expression} WHEN ${expression} GLOB '${ISO_MS}+00:00' THEN substr(${expression}, 1, 23) || 'Z' ELSE strftime('%Y-%m-%dT%H:%M:%fZ', ${expression}) END`;
}

// SQLite keeps JSON as text, marked as JSON by a subtype. A scalar subquery hands its value to
// the enclosing json_object with that mark (SQLite 3.45 and later; a unit spec in
// test/unit/page-sql.test.ts holds the bundled SQLite to it), so the enclosing object embeds a
// nested object or list as it is, without parsing it again. Booleans are stored as 0 and 1.
const SQLITE: Dialect = {
  column(expression, type) {
    if (type === "datetime") return sqliteDatetime(expression);
    if (type === "boolean") return `CASE WHEN ${expression} IS NULL THEN NULL WHEN ${expression} THEN json('true') ELSE json('false') END`;
    if (type === "bigint") return `CASE WHEN ${expression} BETWEEN -${SAFE} AND ${SAFE} THEN ${expression} ELSE CAST(${expression} AS TEXT) END`;
    return expression;
  },
  object: (pairs) => `json_object(${pairs.join(", ")})`,
  // The rows are ordered by a subquery, which an index usually reads in that order (a list's
  // links by their key, a parent's children by id), where an ordered aggregate sorts every list;
  // the elements are built by the aggregate, so that their JSON keeps its mark. SQLite keeps a
  // FROM subquery's ORDER BY when the outer query aggregates with anything but count(), min()
  // or max() (select.c; a unit spec in test/unit/page-sql.test.ts holds the bundled SQLite to it).
  list: (element, rows, order, alias, columns) =>
    `(SELECT json_group_array(${element}) FROM (SELECT ${columns.map((column) => `${alias}.${column}`).join(", ")} FROM ${rows} ORDER BY ${order}) ${alias})`,
  params: (name, value, order) => `json_group_object(${name}, ${value} ORDER BY ${order})`,
  // A JSON column has NUMERIC affinity on SQLite: a stored number came back as an INTEGER or a
  // REAL, which SQLite would write its own way; text is JSON as JSON.stringify wrote it.
  storedJson: (column) =>
    `CASE typeof(${column}) WHEN 'text' THEN json(${column}) WHEN 'integer' THEN CASE WHEN ${column} BETWEEN -${SAFE} AND ${SAFE} THEN ${column} ELSE json(${JSON_NUMBER}(${column})) END WHEN 'real' THEN ${realAsJson(column)} ELSE json(CAST(${column} AS TEXT)) END`,
  // json_each gives the ids in their order and each finds its row by its primary key: the plan
  // keeps that order, and a sort of the finished records (some 70 KB for 100 runs) is saved
  page: (table, alias) => ({ from: `json_each(?) AS page JOIN ${table} ${alias} ON ${alias}.id = page.value` }),
  ids: (ids) => JSON.stringify(ids),
  text: (record) => record,
  // The ids' subquery (ORDER BY … LIMIT) hands its rows to json_group_array in its order, and
  // json_each gives them back in the array's: a unit spec in test/unit/page-sql.test.ts holds
  // the bundled SQLite to it.
  pageOf: (statement, table, alias) => ({
    from: `json_each((SELECT json_group_array(id) FROM (${statement}))) AS page JOIN ${table} ${alias} ON ${alias}.id = page.value`,
  }),
};

/** The columns of its table a record's fields read (quoted): its own, a relation's key, its id. */
function columnsRead(plan: RecordPlan): string[] {
  const columns = new Set<string>();
  for (const field of plan.fields) {
    if (field.kind === "column" || field.kind === "one") columns.add(quote(field.column));
    else if (field.kind !== "typename") columns.add("id");
  }
  return columns.size ? [...columns] : ["id"];
}

/**
 * The statement of one page, `SELECT id, <record> AS node FROM <the ids, in order>`, and its
 * parameters: the ids given, or those the page's ids statement reads (its subquery).
 */
export function pageStatement(provider: Provider, plan: RecordPlan, ids: number[] | IdsStatement): { sql: string; params: unknown[] } {
  const dialect = provider === "sqlite" ? SQLITE : POSTGRES;
  let aliases = 0;
  const next = () => `t${++aliases}`;

  function record(plan: RecordPlan, alias: string): string {
    return dialect.object(plan.fields.flatMap((field) => [literal(field.key), value(field, alias)]));
  }

  function value(field: FieldPlan, alias: string): string {
    switch (field.kind) {
      case "typename":
        return literal(field.typename);
      case "column":
        return dialect.column(`${alias}.${quote(field.column)}`, field.type);
      case "one": {
        const inner = next();
        return `(SELECT ${record(field.record, inner)} FROM ${quote(field.model)} ${inner} WHERE ${inner}.id = ${alias}.${quote(field.column)})`;
      }
      case "children": {
        const inner = next();
        const trash = field.trashable && !field.includeTrashed ? ` AND ${inner}."trashedAt" IS NULL` : "";
        const rows = `${quote(field.model)} ${inner} WHERE ${inner}.${quote(field.column)} = ${alias}.id${trash}`;
        return dialect.list(record(field.record, inner), rows, `${inner}.id`, inner, columnsRead(field.record));
      }
      case "links": {
        const link = next();
        const inner = next();
        const trash = field.trashable && !field.includeTrashed ? ` AND ${inner}."trashedAt" IS NULL` : "";
        const rows = `${quote(field.table)} ${link} JOIN ${quote(field.model)} ${inner} ON ${inner}.id = ${link}.${quote(field.target)} WHERE ${link}.${quote(field.owner)} = ${alias}.id${trash}`;
        return dialect.list(record(field.record, inner), rows, `${link}.${quote(field.order)}`, inner, columnsRead(field.record));
      }
      case "params": {
        // As loaders/params.ts reads them: in name order, each value as its JSON text.
        const link = next();
        const values = next();
        const params = next();
        const object = dialect.params(`${params}.name`, dialect.storedJson(`${values}.value`), `${params}.name`);
        return `(SELECT ${object} FROM ${quote(field.table)} ${link} JOIN "ParamValue" ${values} ON ${values}.id = ${link}."paramValueId" JOIN "Param" ${params} ON ${params}.id = ${values}."paramId" WHERE ${link}.${quote(field.owner)} = ${alias}.id)`;
      }
    }
  }

  const root = next();
  const subquery = Array.isArray(ids) ? null : ids;
  const { from, order } = subquery ? dialect.pageOf(subquery.sql, quote(plan.model), root) : dialect.page(quote(plan.model), root);
  const sql = `SELECT ${root}.id AS id, ${dialect.text(record(plan, root))} AS node FROM ${from}${order ? ` ORDER BY ${order}` : ""}`;
  return { sql, params: subquery ? subquery.params : [dialect.ids(ids as number[])] };
}
