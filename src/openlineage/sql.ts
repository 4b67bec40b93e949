// Multi-row INSERT statements for the hot tables of a batch. Prisma's createMany costs about
// a third of a millisecond per row to build (bench/README.md, "OpenLineage"); these write the
// same rows in the same formats Prisma writes and reads (DateTime as ISO text with an offset on
// SQLite, JSON as text or jsonb, booleans as 0/1 on SQLite), in chunks under the parameter limits.
// On SQLite every statement here runs on the writer's connection directly
// (Database.writerStatement), on PostgreSQL through the transaction's client.
import type { Database, Tx } from "../db/database.ts";

/** What running a statement of the write transaction needs of the database. */
type Statements = Pick<Database, "provider" | "writerStatement">;

/** The rows of one statement of the write transaction. */
export async function selectRows<R>(db: Statements, tx: Tx, sql: string, values: readonly unknown[]): Promise<R[]> {
  if (db.writerStatement) return db.writerStatement(sql, values).rows as R[];
  return tx.$queryRawUnsafe<R[]>(sql, ...values);
}

/** Runs one statement of the write transaction that returns no rows. */
export async function runStatement(db: Statements, tx: Tx, sql: string, values: readonly unknown[]): Promise<void> {
  if (db.writerStatement) db.writerStatement(sql, values);
  else await tx.$executeRawUnsafe(sql, ...values);
}

/** A JSON column's value. */
export class JsonValue {
  constructor(readonly value: unknown) {}
}

type Value = string | number | bigint | boolean | Date | JsonValue | null;

const MAX_PARAMS = 30_000;

/** A JSON column's value as text; dates and booleans in SQLite's formats are the writer connection's to bind (src/db/sqlite-statements.ts). */
function bind(value: Value): unknown {
  return value instanceof JsonValue ? JSON.stringify(value.value) : value;
}

/** The INSERT of rows (all with the same columns, at most MAX_PARAMS values), its values appended to params. */
export function insertSql(provider: Database["provider"], table: string, rows: Record<string, Value>[], params: unknown[]): string {
  const columns = Object.keys(rows[0]);
  const tuples = rows.map((row) => {
    const placeholders = columns.map((column) => {
      const value = row[column];
      params.push(bind(value));
      if (provider === "sqlite") return "?";
      return value instanceof JsonValue ? `$${params.length}::jsonb` : `$${params.length}`;
    });
    return `(${placeholders.join(", ")})`;
  });
  return `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${tuples.join(", ")}`;
}

/**
 * Inserts rows (all with the same columns) and returns the `returning` columns of each, in order.
 * With `ignoreConflicts`, a row that would break a unique key is skipped (and not returned).
 */
export async function insertRows<R = Record<string, unknown>>(
  db: Statements,
  tx: Tx,
  table: string,
  rows: Record<string, Value>[],
  returning: string[] = [],
  /** ignoreConflicts: ON CONFLICT DO NOTHING; onConflict: an ON CONFLICT clause of its own, for an upsert. */
  options: { ignoreConflicts?: boolean; onConflict?: string } = {},
): Promise<R[]> {
  if (!rows.length) return [];
  const perChunk = Math.max(1, Math.floor(MAX_PARAMS / Object.keys(rows[0]).length));
  const out: R[] = [];
  for (let start = 0; start < rows.length; start += perChunk) {
    const params: unknown[] = [];
    const onConflict = options.onConflict ? ` ${options.onConflict}` : options.ignoreConflicts ? " ON CONFLICT DO NOTHING" : "";
    const sql = insertSql(db.provider, table, rows.slice(start, start + perChunk), params) + onConflict;
    if (returning.length) out.push(...(await selectRows<R>(db, tx, `${sql} RETURNING ${returning.map((c) => `"${c}"`).join(", ")}`, params)));
    else await runStatement(db, tx, sql, params);
  }
  return out;
}

/**
 * Parameters of a raw statement in the provider's dialect. A list is one parameter (a JSON
 * array read by json_each on SQLite, an array on PostgreSQL), so the statement's text does not
 * change with its length and its plan is reused.
 */
export class Binds {
  readonly values: unknown[] = [];
  constructor(private readonly provider: Database["provider"]) {}
  add(value: unknown): string {
    this.values.push(value);
    return this.provider === "sqlite" ? "?" : `$${this.values.length}`;
  }
  /** A subquery of the values, one column named value. */
  list(values: readonly (string | number)[], type: "text" | "int"): string {
    if (this.provider === "sqlite") return `(SELECT value FROM json_each(${this.add(JSON.stringify(values))}))`;
    return `(SELECT unnest(${this.add(values)}::${type}[]) AS value)`;
  }
}

/** Updates the row(s) `where` names (columns equal to values) with `set`, in one statement, returning nothing. */
export async function updateRow(db: Statements, tx: Tx, table: string, set: Record<string, Value>, where: Record<string, Value>): Promise<void> {
  const params: unknown[] = [];
  const place = (value: Value) => {
    params.push(bind(value));
    if (db.provider === "sqlite") return "?";
    return value instanceof JsonValue ? `$${params.length}::jsonb` : `$${params.length}`;
  };
  const assignments = Object.entries(set).map(([column, value]) => `"${column}" = ${place(value)}`);
  const conditions = Object.entries(where).map(([column, value]) => `"${column}" = ${place(value)}`);
  await runStatement(db, tx, `UPDATE "${table}" SET ${assignments.join(", ")} WHERE ${conditions.join(" AND ")}`, params);
}

/**
 * Takes the transaction-scoped locks of many logical keys in one statement, in one order
 * (PostgreSQL; SQLite writes are serial): the set-based form of `Database.lock`.
 */
export async function lockKeys(db: Pick<Database, "provider">, tx: Tx, keys: string[]): Promise<void> {
  if (db.provider !== "postgresql" || !keys.length) return;
  await tx.$executeRawUnsafe(
    "SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest($1::text[]) AS k ORDER BY 1) AS locks",
    [...new Set(keys)],
  );
}
