// Prepared statements kept per SQLite connection, for Prisma's adapter and for the service's own
// statements inside a write transaction (Database.writerStatement).
import type BetterSqlite3 from "better-sqlite3";
import { LRUCache } from "lru-cache";

type Statement = BetterSqlite3.Statement<unknown[], unknown>;

/** The part of a statement Prisma's adapter uses: `prepare(sql).bind(args)`, then these. */
interface BoundStatement {
  readonly reader: boolean;
  run(): BetterSqlite3.RunResult;
  columns(): BetterSqlite3.ColumnDefinition[];
  raw(): { all(): unknown[] };
}

/** Runs one statement on the connection: rows typed as Prisma types them, and the rows changed. */
export type StatementRunner = (sql: string, params: readonly unknown[]) => { rows: Record<string, unknown>[]; changes: number };

/**
 * Prisma's adapter prepares every statement anew (`prepare(sql).bind(args)`), which took about
 * a tenth of a write's CPU. Here `prepare` hands out a one-use binding of a statement kept per
 * SQL text (the most recently used 500): better-sqlite3 binds a statement once for good, so
 * the arguments are passed at each execution instead. Statements run synchronously and one at a
 * time on a connection, so a kept statement is never in use twice. Returns a runner of the same
 * kept statements.
 */
export function keepPreparedStatements(connection: BetterSqlite3.Database): StatementRunner {
  const prepare = connection.prepare.bind(connection);
  const kept = new LRUCache<string, Statement>({ max: 500 });
  const use = (sql: string) => {
    let statement = kept.get(sql);
    if (!statement) kept.set(sql, (statement = prepare<unknown[], unknown>(sql)));
    return statement;
  };
  const bound = (statement: Statement, args: unknown[]): BoundStatement => ({
    reader: statement.reader,
    run: () => statement.run(...args),
    columns: () => statement.columns(),
    raw: () => ({ all: () => statement.raw(true).all(...args) }),
  });
  Object.assign(connection, {
    prepare: (sql: string) => {
      const statement = use(sql);
      return { bind: (args: unknown[]) => bound(statement, args), run: () => statement.run() };
    },
  });
  return (sql, params) => runTyped(use(sql), params.map(toSqlite));
}

/** What better-sqlite3 binds, from the values the service passes (Prisma's formats on SQLite). */
export function toSqlite(value: unknown): unknown {
  switch (typeof value) {
    case "object":
      return value instanceof Date ? value.toISOString().replace("Z", "+00:00") : value;
    case "boolean":
      return value ? 1 : 0;
    case "undefined":
      return null;
    default:
      return value;
  }
}

/** How a column's value is read: as Prisma returns it for the column's declared type (expressions: as stored). */
type Reader = (value: unknown) => unknown;

const asStored: Reader = (value) => value;

function readerOf(declared: string | null): Reader {
  switch (declared?.toUpperCase()) {
    case "INTEGER":
    case "INT":
      // The connection reads integers as bigints (safe integers); Prisma gives INTEGER as numbers.
      return (value) => (typeof value === "bigint" ? Number(value) : value);
    case "DATETIME":
      return (value) => (value == null ? value : new Date(value as string | number));
    case "BOOLEAN":
      return (value) => (value == null ? value : Boolean(value));
    case "JSONB":
    case "JSON":
      return (value) => (typeof value === "string" ? (JSON.parse(value) as unknown) : value);
    case "BIGINT":
      return (value) => (value == null ? value : BigInt(value as number | string));
    default:
      return asStored;
  }
}

/** A statement's columns and how each is read, worked out once per kept statement. */
const shapes = new WeakMap<Statement, { names: string[]; readers: Reader[] }>();

function shapeOf(statement: Statement) {
  let shape = shapes.get(statement);
  if (!shape) {
    const columns = statement.columns();
    shape = { names: columns.map((column) => column.name), readers: columns.map((column) => readerOf(column.type)) };
    shapes.set(statement, shape);
  }
  return shape;
}

function runTyped(statement: Statement, params: unknown[]) {
  if (!statement.reader) return { rows: [], changes: statement.run(...params).changes };
  const { names, readers } = shapeOf(statement);
  const values = statement.raw(true).all(...params) as unknown[][];
  const rows = values.map((row) => {
    const typed: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) typed[names[i]] = readers[i](row[i]);
    return typed;
  });
  return { rows, changes: rows.length };
}
