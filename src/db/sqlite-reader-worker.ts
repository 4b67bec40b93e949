// The SQLite raw reader's thread (src/db/sqlite-reader.ts): one read-only connection with the
// service's SQL functions and its prepared statements kept, answering each statement it is sent
// in the order it was sent.
import { parentPort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import { registerSqlFunctions } from "./sqlite-functions.ts";
import type { ReaderReply, ReaderRequest } from "./sqlite-reader.ts";

const { file, busyTimeoutMs } = workerData as { file: string; busyTimeoutMs: number };
const port = parentPort!;
const connection = registerSqlFunctions(new BetterSqlite3(file, { readonly: true, timeout: busyTimeoutMs }));
const statements = new Map<string, BetterSqlite3.Statement<unknown[], unknown>>();

function run(sql: string, params: unknown[]): unknown[] {
  let statement = statements.get(sql);
  if (!statement) {
    // Statement texts vary only with the shape of a query; the bound keeps odd callers cheap.
    if (statements.size >= 256) statements.clear();
    statement = connection.prepare<unknown[], unknown>(sql);
    statements.set(sql, statement);
  }
  return statement.all(...params);
}

port.on("message", (request: ReaderRequest | "close") => {
  if (request === "close") {
    connection.close();
    port.close();
    return;
  }
  let reply: ReaderReply;
  try {
    reply = { id: request.id, rows: run(request.sql, request.params) };
  } catch (error) {
    const { message, code } = error as { message?: string; code?: string };
    reply = { id: request.id, error: { message: message ?? String(error), code } };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true });
