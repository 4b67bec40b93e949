// WAL checkpoints of the SQLite file on a worker thread. By default the connection whose commit
// takes the write-ahead log past 1,000 pages copies the log back into the database file within
// that COMMIT: on the server's one JavaScript thread, which then serves nothing else for several
// milliseconds. That copying was about two thirds of a small write transaction's time under
// load. Here the writer's own threshold is raised to a backstop, and a worker thread with its
// own connection checkpoints PASSIVE every 200 ms (never waiting for the writer or a reader,
// copying what it may; an idle log costs nothing), on the machine's other core. See
// docs/architecture.md, "Writes".
import { Worker } from "node:worker_threads";
import { createRequire } from "node:module";

/** Pages the writer lets the log reach before it checkpoints by itself (about 40 MB). */
export const WRITER_AUTOCHECKPOINT_PAGES = 10_000;
/** How often the worker checkpoints, in milliseconds. */
const INTERVAL_MS = 200;

// Plain JavaScript, so that the worker needs no TypeScript loader.
const WORKER = `
const { workerData, parentPort } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 0 });
let stopped = false;
parentPort.on("message", () => { stopped = true; });
const tick = () => {
  if (stopped) { db.close(); parentPort.postMessage("closed"); return; }
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch { /* busy: the next tick tries again */ }
  setTimeout(tick, workerData.intervalMs);
};
tick();
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(file: string): Checkpointer {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER, { eval: true, workerData: { file, driver, intervalMs: INTERVAL_MS } });
  // A worker that fails leaves the writer's backstop threshold in charge; it never stops the server.
  let exited = false;
  worker.on("error", () => undefined);
  worker.once("exit", () => (exited = true));
  worker.unref();
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        worker.once("exit", () => resolve());
        worker.once("message", () => void worker.terminate());
        worker.postMessage("stop");
      }),
  };
}
