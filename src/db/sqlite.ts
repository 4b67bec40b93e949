// The SQLite side of the database: the writer and reader clients on one file and the raw
// read-only connection of the lineage walks (queryRows), with prepared statements kept.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import BetterSqlite3 from "better-sqlite3";
import { PrismaClient } from "../generated/sqlite/client.ts";
import { migrateSqlite } from "./migrate.ts";
import { registerSqlFunctions, withSqlFunctions } from "./sqlite-functions.ts";
import type { StatementRunner } from "./sqlite-statements.ts";

/** A client on the file whose statements onQuery hears. */
function sqliteClient(
  file: string,
  busyTimeoutMs: number,
  readonly: boolean,
  onQuery: (sql: string) => void,
  onStatements?: (run: StatementRunner) => void,
): PrismaClient {
  const adapter = withSqlFunctions(new PrismaBetterSqlite3({ url: `file:${file}`, timeout: busyTimeoutMs, readonly }), onStatements);
  const client = new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
  client.$on("query", (event) => onQuery(event.query));
  return client;
}

export function openSqliteFile(dataDir: string | undefined, busyTimeoutMs: number, onQuery: (sql: string) => void) {
  const dir = path.resolve(dataDir ?? "data");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "lineage.db");
  migrateSqlite(file);
  let writerRunner: StatementRunner | undefined;
  const writer = sqliteClient(file, busyTimeoutMs, false, onQuery, (run) => (writerRunner = run));
  // Statements of an open write transaction, on the writer's connection (Database.writerStatement).
  const writerStatement: StatementRunner = (sql, params) => {
    if (!writerRunner) throw new Error("the SQLite writer connection is not open");
    onQuery(sql);
    return writerRunner(sql, params);
  };
  // In WAL mode a reader works on the last committed snapshot and never waits for the writer.
  const reader = sqliteClient(file, busyTimeoutMs, true, onQuery);
  const rawReader = registerSqlFunctions(new BetterSqlite3(file, { readonly: true, timeout: busyTimeoutMs }));
  const statements = new Map<string, BetterSqlite3.Statement<unknown[], unknown>>();
  // A statement that fails to prepare rejects, as a query on the other read paths would.
  const readRows = (sql: string, params: readonly unknown[]) =>
    new Promise<unknown[]>((resolve) => {
      let statement = statements.get(sql);
      if (!statement) {
        // Statement texts vary only with the shape of a query; the bound keeps odd callers cheap.
        if (statements.size >= 256) statements.clear();
        statement = rawReader.prepare<unknown[], unknown>(sql);
        statements.set(sql, statement);
      }
      resolve(statement.all(...params));
    });
  return { file, writer, reader, readRows, writerStatement, closeRaw: () => rawReader.close() };
}
