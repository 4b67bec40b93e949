// What the service sets up on every SQLite connection Prisma's adapter opens: SQL functions, so
// that SQL behaves as on PostgreSQL (today: LIKE with ILIKE's semantics), and a cache of
// prepared statements; the writer leaves WAL checkpoints to a worker thread.
import type { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type BetterSqlite3 from "better-sqlite3";
import { WRITER_AUTOCHECKPOINT_PAGES } from "./sqlite-checkpoint.ts";
import { keepPreparedStatements, type StatementRunner } from "./sqlite-statements.ts";

/**
 * Registers the service's SQL functions and keeps prepared statements on every connection the
 * adapter opens; `onStatements` receives each connection's runner of kept statements.
 */
export function withSqlFunctions(factory: PrismaBetterSqlite3, onStatements?: (run: StatementRunner) => void): PrismaBetterSqlite3 {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    // The adapter keeps its better-sqlite3 connection in a public field.
    const connection = (adapter as unknown as { client: BetterSqlite3.Database }).client;
    // Set up first: an optional call skips evaluating its arguments when there is no callback.
    const run = keepPreparedStatements(registerSqlFunctions(connection));
    onStatements?.(run);
    // The log is checkpointed on a worker thread (src/db/sqlite-checkpoint.ts); this is its backstop.
    if (!connection.readonly) {
      connection.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
      // Said, not inherited from the driver's build: in WAL mode a commit reaches the log in
      // the operating system's cache, so it survives the process being killed; only a power
      // loss or an OS crash may take back the last commits (docs/architecture.md, "Writes").
      connection.pragma("synchronous = NORMAL");
    }
    return adapter;
  };
  return factory;
}

/** The SQL function that writes a number as JSON.stringify does (registerSqlFunctions). */
export const JSON_NUMBER = "lr_json_number";

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
  // A number as JSON.stringify writes it, for JSON built in SQL (src/pages/sql.ts): SQLite
  // writes a real its own way (0.33333333333333332, 1.0e-07) and an integer with every digit.
  connection.function(JSON_NUMBER, { deterministic: true }, (value: SqlValue) =>
    typeof value === "number" || typeof value === "bigint" ? JSON.stringify(Number(value)) : null,
  );
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
