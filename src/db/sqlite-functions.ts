// What the service sets up on every SQLite connection Prisma's adapter opens: SQL functions, so
// that SQL behaves as on PostgreSQL (today: LIKE with ILIKE's semantics), and a cache of
// prepared statements; the writer leaves WAL checkpoints to a worker thread.
import type { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type BetterSqlite3 from "better-sqlite3";
import { LRUCache } from "lru-cache";
import { WRITER_AUTOCHECKPOINT_PAGES } from "./sqlite-checkpoint.ts";

/** Registers the service's SQL functions and keeps prepared statements on every connection the adapter opens. */
export function withSqlFunctions(factory: PrismaBetterSqlite3): PrismaBetterSqlite3 {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    // The adapter keeps its better-sqlite3 connection in a public field.
    const connection = (adapter as unknown as { client: BetterSqlite3.Database }).client;
    keepPreparedStatements(registerSqlFunctions(connection));
    // The log is checkpointed on a worker thread (src/db/sqlite-checkpoint.ts); this is its backstop.
    if (!connection.readonly) connection.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
    return adapter;
  };
  return factory;
}

/** The part of a statement Prisma's adapter uses: `prepare(sql).bind(args)`, then these. */
interface BoundStatement {
  readonly reader: boolean;
  run(): BetterSqlite3.RunResult;
  columns(): BetterSqlite3.ColumnDefinition[];
  raw(): { all(): unknown[] };
}

/**
 * Prisma's adapter prepares every statement anew (`prepare(sql).bind(args)`), which took about
 * a tenth of a write's CPU. Here `prepare` hands out a one-use binding of a statement kept per
 * SQL text (the most recently used 500): better-sqlite3 binds a statement once for good, so
 * the arguments are passed at each execution instead. Statements run synchronously and one at a
 * time on a connection, so a kept statement is never in use twice.
 */
function keepPreparedStatements(connection: BetterSqlite3.Database): void {
  const prepare = connection.prepare.bind(connection);
  const kept = new LRUCache<string, BetterSqlite3.Statement<unknown[], unknown>>({ max: 500 });
  const use = (sql: string) => {
    let statement = kept.get(sql);
    if (!statement) kept.set(sql, (statement = prepare<unknown[], unknown>(sql)));
    return statement;
  };
  const bound = (statement: BetterSqlite3.Statement<unknown[], unknown>, args: unknown[]): BoundStatement => ({
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
}

/**
 * Replaces SQLite's LIKE with PostgreSQL's ILIKE semantics: backslash escapes the next
 * character (SQLite has no escape character without an ESCAPE clause, and Prisma writes none),
 * and case is ignored for every letter, not only ASCII. `%` matches any run of characters and
 * `_` one character. With a BINARY column SQLite could not use an index for a case-blind
 * LIKE anyway, so the override costs no index.
 */
export function registerSqlFunctions(connection: BetterSqlite3.Database): BetterSqlite3.Database {
  const patterns = new Map<string, RegExp>();
  // What SQLite hands a user function: TEXT as a string, numbers, a BLOB as a Buffer, NULL.
  type SqlValue = string | number | bigint | Buffer | null;
  const like = (pattern: SqlValue, text: SqlValue, escape: SqlValue = "\\") => {
    if (pattern == null || text == null) return null;
    const [patternText, escapeText] = [String(pattern), String(escape)];
    const key = `${escapeText}\u0000${patternText}`;
    let regex = patterns.get(key);
    if (!regex) {
      if (patterns.size >= 512) patterns.clear();
      regex = likeToRegExp(patternText, escapeText);
      patterns.set(key, regex);
    }
    return regex.test(String(text).toLowerCase()) ? 1 : 0;
  };
  connection.function("like", { deterministic: true }, (pattern: SqlValue, text: SqlValue) => like(pattern, text));
  connection.function("like", { deterministic: true }, (pattern: SqlValue, text: SqlValue, escape: SqlValue) => like(pattern, text, escape));
  return connection;
}

function likeToRegExp(pattern: string, escape: string): RegExp {
  let source = "";
  const chars = [...pattern.toLowerCase()];
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i];
    if (char === escape && i + 1 < chars.length) source += escapeRegExp(chars[++i]);
    else if (char === "%") source += "[\\s\\S]*";
    else if (char === "_") source += "[\\s\\S]";
    else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, "u");
}

const escapeRegExp = (text: string) => text.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
