// The SQLite side of the database: the writer and reader clients on one file and the raw
// read-only connection of the lineage walks and planned pages (queryRows), on a thread of its own.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/sqlite/client.ts";
import { migrateSqlite } from "./migrate.ts";
import { withSqlFunctions } from "./sqlite-functions.ts";
import type { ReadOptions } from "./read-options.ts";
import { startSqliteReader } from "./sqlite-reader.ts";
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
  // The raw read path (queryRows) runs on a thread of its own (src/db/sqlite-reader.ts).
  const rawReader = startSqliteReader(file, busyTimeoutMs);
  return {
    file,
    writer,
    reader,
    readRows: (sql: string, params: readonly unknown[], options?: ReadOptions) => rawReader.readRows(sql, params, options),
    writerStatement,
    closeRaw: () => rawReader.close(),
  };
}
