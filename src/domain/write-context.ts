// Who acts, and the one context every domain write takes: the transaction, the lock that
// serialises writes on the same logical keys, the acting user, and the changes the write
// announces once its transaction has committed (docs/architecture.md, "Writes" and "Live
// updates").
import type { Database, Tx } from "../db/database.ts";

export type Scope = "read" | "write" | "admin";

/** The user a request (or a CLI command, or an ingested event) acts as, with the scopes it holds. */
export interface Actor {
  id: number;
  uid: string;
  handle: string;
  scopes: readonly Scope[];
}

/** What happened to a run, as its subscribers hear it. */
export type RunChangeKind = "STARTED" | "FINISHED" | "UPDATED" | "TRASHED" | "RESTORED";
/** What happened to an artifact: a new family, a new version of a family, the trash and back. */
export type ArtifactChangeKind = "CREATED" | "VERSIONED" | "TRASHED" | "RESTORED";

/**
 * A change a write makes, named by the record's uid; announced only after its transaction commits.
 * A run's change carries the status its write left: the row read once the change is announced may
 * already hold a later write's (a run finished right after it started), and subscribers filter
 * each event by the status it had.
 */
export type Change = { model: "Run"; kind: RunChangeKind; uid: string; status: string } | { model: "Artifact"; kind: ArtifactChangeKind; uid: string };

export interface WriteContext {
  /** the transaction's client: every read and write of the operation goes through it */
  tx: Tx;
  /**
   * What runs the transaction's raw statements (src/openlineage/sql.ts): on SQLite the
   * writer's connection itself, on PostgreSQL the transaction's client.
   */
  sql: Pick<Database, "provider" | "writerStatement">;
  /** takes transaction-scoped locks on logical keys ("artifact:hash:…") until the transaction ends */
  lock(...keys: string[]): Promise<void>;
  actor: Actor;
  /** queues a change, announced once the transaction commits (never after a rollback) */
  changed: (change: Change) => void;
  /**
   * Notes a record that a raw statement created ("ParamValue", id); the client notes the
   * records it creates itself. The request's answer may show them (src/schema/visibility.ts).
   */
  created: (model: string, id: number) => void;
}

/**
 * The write context of a transaction that `db.write` opened; its changes go to `changes`, the
 * records its raw statements create to `created` (as "Model:id").
 */
export function writeContext(
  db: Pick<Database, "lock" | "provider" | "writerStatement">,
  tx: Tx,
  actor: Actor,
  client: Tx = tx,
  changes: Change[] = [],
  created: string[] = [],
): WriteContext {
  return {
    tx: client,
    sql: { provider: db.provider, writerStatement: db.writerStatement },
    lock: (...keys) => db.lock(tx, ...keys),
    actor,
    changed: (change) => changes.push(change),
    created: (model, id) => created.push(`${model}:${id}`),
  };
}

/**
 * Who hears the changes of a database's committed writes: the live-update hubs of the apps
 * serving it. Keyed by the writer client, which every view of the database shares (a request
 * routed to the primary holds another Database object over the same writer).
 */
const listeners = new WeakMap<Database["prisma"], Set<(changes: Change[]) => void>>();

/** Registers a listener of the changes committed on db; returns the function that removes it. */
export function onChanges(db: Database, listener: (changes: Change[]) => void): () => void {
  let set = listeners.get(db.prisma);
  if (!set) listeners.set(db.prisma, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

/**
 * Runs fn as one transaction of db and, once it has committed, announces the changes fn
 * queued. An attempt that is retried (a lost race on PostgreSQL) starts a new queue, so a
 * change that was rolled back is never announced; a write that fails announces nothing.
 */
export async function writeAnnounced<T>(db: Database, fn: (tx: Tx, changes: Change[]) => Promise<T>): Promise<T> {
  let changes: Change[] = [];
  const value = await db.write((tx) => {
    changes = [];
    return fn(tx, changes);
  });
  announce(db, changes);
  return value;
}

/** Announces the changes of a write that has committed (writeAnnounced, or a statement of its own: Database.writeStatement). */
export function announce(db: Database, changes: Change[]): void {
  if (changes.length) for (const listener of listeners.get(db.prisma) ?? []) listener(changes);
}
