// Group commit for SQLite, where writes are serial and each commit waits for the disk: events
// of concurrent requests that arrive while a write is running are written together, in the
// next transaction, as one batch would be (ingestion does not depend on event order). A failed
// group fails every request in it, and each then writes its events alone (src/openlineage/ingest.ts).
//
// SQLite answers synchronously, so a transaction runs to its end in promise callbacks without
// ever giving the event loop back: requests that arrived meanwhile are not even read until it
// ends. Before each group is taken, the loop therefore turns once (setImmediate), so that every
// request already on the wire reaches this queue and joins the group.
import type { Database, Tx } from "../db/database.ts";
import { writeAnnounced, type Actor, type Change } from "../domain/write-context.ts";

interface Waiting<E, P> {
  events: E[];
  actor: Actor;
  resolve: (placed: P[]) => void;
  reject: (error: unknown) => void;
}

/** Most events one group transaction takes; the rest wait for the next. */
const MAX_GROUP = 1_000;

/** Writes events in the transaction given; what they changed goes to `changes`, announced after the commit. */
type Writer<E, P> = (db: Database, tx: Tx, events: E[], actor: Actor, changes: Change[]) => Promise<P[]>;

// Keyed by the writer client, which every view of the database shares.
const queues = new WeakMap<Database["prisma"], { waiting: Waiting<unknown, unknown>[]; running: boolean }>();

export function writeGrouped<E, P>(db: Database, events: E[], actor: Actor, write: Writer<E, P>): Promise<P[]> {
  if (db.provider !== "sqlite") return writeAnnounced(db, (tx, changes) => write(db, tx, events, actor, changes));
  let queue = queues.get(db.prisma);
  if (!queue) queues.set(db.prisma, (queue = { waiting: [], running: false }));
  const state = queue;
  return new Promise<P[]>((resolve, reject) => {
    state.waiting.push({ events, actor, resolve, reject } as Waiting<unknown, unknown>);
    if (!state.running) void drain(db, state, write as Writer<unknown, unknown>);
  });
}

const turnOfTheLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

async function drain(db: Database, state: { waiting: Waiting<unknown, unknown>[]; running: boolean }, write: Writer<unknown, unknown>) {
  state.running = true;
  try {
    while ((await turnOfTheLoop(), state.waiting.length)) {
      // One user per group: rows record who created them.
      const actor = state.waiting[0].actor;
      const group: Waiting<unknown, unknown>[] = [];
      let size = 0;
      for (const item of [...state.waiting]) {
        if (item.actor.id !== actor.id || (group.length && size + item.events.length > MAX_GROUP)) continue;
        group.push(item);
        size += item.events.length;
      }
      state.waiting = state.waiting.filter((item) => !group.includes(item));
      try {
        const placed = await writeAnnounced(db, (tx, changes) =>
          write(
            db,
            tx,
            group.flatMap((item) => item.events),
            actor,
            changes,
          ),
        );
        let offset = 0;
        for (const item of group) {
          item.resolve(placed.slice(offset, offset + item.events.length));
          offset += item.events.length;
        }
      } catch (error) {
        for (const item of group) item.reject(error);
      }
    }
  } finally {
    state.running = false;
  }
}
