// SQLite's raw read path (queryRows: the lineage walks and the planned pages) on a thread of its
// own. better-sqlite3 runs a statement synchronously: on the server's one JavaScript thread a
// 100-run page's statement held every other request for its whole length. Here a worker thread
// with its own read-only connection runs the statements, one after the other, while the main
// thread goes on with HTTP, GraphQL and the answers, on the machine's other core. In WAL mode a
// statement reads the last committed snapshot, so a read sent after a commit sees it. See
// docs/architecture.md, "Writes", *Reads on SQLite*.
import { Worker } from "node:worker_threads";
import type { ReadOptions } from "./read-options.ts";

/** A statement for the reader thread. */
export interface ReaderRequest {
  id: number;
  sql: string;
  params: unknown[];
  /** a text column handed over as its UTF-8 bytes (ReadOptions.bytes) */
  bytes?: string;
}

/** The reader thread's answer to one request: its rows, or the error it raised. */
export type ReaderReply = { id: number; rows: unknown[] } | { id: number; error: { message: string; code?: string } };

// Plain JavaScript, so that it loads wherever the process runs: the thread's module is
// TypeScript, loaded through tsx when the process does not already load it (a test runner's
// thread, the command-line tool's programmatic loader).
const BOOT = `
const { workerData } = require("node:worker_threads");
import(workerData.module).catch(async (error) => {
  if (error?.code !== "ERR_UNKNOWN_FILE_EXTENSION") throw error;
  (await import(workerData.tsx)).register();
  await import(workerData.module + "?tsx"); // the failed import stays cached under its own URL
});
`;

export interface SqliteReader {
  readRows(sql: string, params: readonly unknown[], options?: ReadOptions): Promise<unknown[]>;
  close(): Promise<void>;
}

/** Starts the reader thread on `file`; a thread that fails is started again by the next statement. */
export function startSqliteReader(file: string, busyTimeoutMs: number): SqliteReader {
  const workerData = {
    file,
    busyTimeoutMs,
    module: new URL("./sqlite-reader-worker.ts", import.meta.url).href,
    tsx: import.meta.resolve("tsx/esm/api"),
  };
  const pending = new Map<number, { resolve: (rows: unknown[]) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let worker: Worker | null = null;
  let closing: Promise<void> | null = null;

  const fail = (error: Error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  const start = (): Worker => {
    const started = new Worker(BOOT, { eval: true, workerData });
    // Idle, the thread keeps no process alive; a statement in flight does.
    started.unref();
    started.on("message", (reply: ReaderReply) => {
      const waiting = pending.get(reply.id);
      if (!waiting) return;
      pending.delete(reply.id);
      if (!pending.size) started.unref();
      if ("rows" in reply) waiting.resolve(reply.rows);
      else waiting.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
    });
    started.on("error", (error) => fail(error));
    started.once("exit", (code) => {
      if (worker === started) worker = null;
      fail(new Error(`the SQLite reader thread stopped (exit code ${code})`));
    });
    return started;
  };

  return {
    readRows(sql, params, options) {
      if (closing) return Promise.reject(new Error("the SQLite reader is closed"));
      worker ??= start();
      const id = nextId++;
      const promise = new Promise<unknown[]>((resolve, reject) => pending.set(id, { resolve, reject }));
      worker.ref();
      worker.postMessage({ id, sql, params: [...params], bytes: options?.bytes } satisfies ReaderRequest);
      return promise;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        if (!worker) return resolve();
        worker.ref(); // until it has closed its connection: nothing else may keep the process alive
        worker.once("exit", () => resolve());
        worker.postMessage("close");
      });
      return closing;
    },
  };
}
