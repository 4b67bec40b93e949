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

function run(sql: string, params: unknown[]): Record<string, unknown>[] {
  let statement = statements.get(sql);
  if (!statement) {
    // Statement texts vary only with the shape of a query; the bound keeps odd callers cheap.
    if (statements.size >= 256) statements.clear();
    statement = connection.prepare<unknown[], unknown>(sql);
    statements.set(sql, statement);
  }
  return statement.all(...params) as Record<string, unknown>[];
}

/** Puts the rows' texts of `column` into one buffer, each row's value a view of its bytes; answers the buffer. */
function asBytes(rows: Record<string, unknown>[], column: string): ArrayBuffer {
  const texts = rows.map((row) => {
    const text = row[column];
    if (typeof text !== "string") throw new Error(`column ${column} is not text`);
    return text;
  });
  // unpooled: its memory is its own, and is handed over whole
  const buffer = Buffer.allocUnsafeSlow(texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0));
  let offset = 0;
  texts.forEach((text, index) => {
    const length = buffer.write(text, offset);
    rows[index][column] = new Uint8Array(buffer.buffer, offset, length);
    offset += length;
  });
  return buffer.buffer;
}

port.on("message", (request: ReaderRequest | "close") => {
  if (request === "close") {
    connection.close();
    port.close();
    return;
  }
  let reply: ReaderReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const rows = run(request.sql, request.params);
    if (request.bytes) transfer = [asBytes(rows, request.bytes)];
    reply = { id: request.id, rows };
  } catch (error) {
    const { message, code } = error as { message?: string; code?: string };
    reply = { id: request.id, error: { message: message ?? String(error), code } };
  }
  port.postMessage(reply, transfer);
});
