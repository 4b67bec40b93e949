// Opens the database the service runs on (embedded SQLite by default, PostgreSQL when a
// postgresql:// URL is given, optionally with read replicas), migrates it, and owns the rules
// for writing to it safely and for where reads go.
import type { Prisma, PrismaClient } from "../generated/sqlite/client.ts";
import { openPostgres, openSqlite, type Connections } from "./connections.ts";
import { retryOnRace } from "./postgres.ts";
import type { StatementListener } from "./read-router.ts";
import type { DatabaseState } from "./replicas.ts";
import type { ReadOptions } from "./read-options.ts";
import type { StatementRunner } from "./sqlite-statements.ts";

export type Provider = "sqlite" | "postgresql";
export type { PrismaClient, DatabaseState };
/** The client handed to a write: the transaction's client. */
export type Tx = Prisma.TransactionClient;

export interface DatabaseOptions {
  /** postgresql://… selects PostgreSQL; otherwise the SQLite file in dataDir is used. */
  databaseUrl?: string;
  /** PostgreSQL read replicas of databaseUrl that serve queries (README: read replicas). */
  readDatabaseUrls?: readonly string[];
  /** A replica further behind than this is skipped; default 10 s. */
  maxReplicaLagMs?: number;
  /** How often the replicas' lag is measured; default 1 s. */
  replicaCheckIntervalMs?: number;
  dataDir?: string;
  /** Milliseconds a write may wait for the database before failing with a retryable error. */
  busyTimeoutMs?: number;
  poolSize?: number;
}

export interface Database {
  provider: Provider;
  /** The client of the writer connection (the primary); multi-statement writes go through `write`. */
  prisma: PrismaClient;
  /**
   * The client for request reads. On SQLite it is a read-only connection of its own, so that
   * a read never sees a write transaction that is still open (and may yet roll back). On
   * PostgreSQL with read replicas it serves each statement on a fit replica, else on the primary.
   */
  reader: PrismaClient;
  /** Where the data lives, for logs: the SQLite file or the PostgreSQL URL without password. */
  location: string;
  /**
   * Runs fn as one transaction. On SQLite every write of the process goes through one queue
   * (a concurrent plain write would otherwise be rolled back with an open transaction); on
   * PostgreSQL transactions run in parallel and `lock` serialises those touching the same keys.
   */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Runs one read-only SQL statement with positional parameters (`?` on SQLite, `$1` on
   * PostgreSQL) and returns its rows. On SQLite it uses a read-only connection of its own with
   * prepared statements kept across requests (Prisma's adapter prepares every statement anew,
   * which costs more than a small lineage walk itself); on PostgreSQL it is a small read-only
   * pool per server that runs each text as a named prepared statement, so that repeated walks
   * skip planning (a few ms for the lineage statement). Routed like `reader`. On SQLite the
   * connection is on a thread of its own, and `options.bytes` names a text column its rows hold
   * as UTF-8 bytes (db/sqlite-reader.ts); PostgreSQL's rows hold it as text.
   */
  queryRows<T>(sql: string, params: readonly unknown[], options?: ReadOptions): Promise<T[]>;
  /**
   * SQLite only (null on PostgreSQL): runs one statement of the open write transaction straight
   * on the writer's connection, with a kept prepared statement and without a trip through
   * Prisma's query engine (which cost more than the statements of a small OpenLineage batch).
   * Rows come typed as Prisma types them by the columns' declared types (DATETIME → Date,
   * BOOLEAN → boolean, JSONB → parsed JSON, INTEGER → number, BIGINT → bigint). Valid only
   * inside `write`.
   */
  writerStatement: StatementRunner | null;
  /**
   * Runs one write statement as a write of its own and returns the rows it wrote (RETURNING).
   * On PostgreSQL it runs outside a transaction (one round trip, where BEGIN, the statement and
   * COMMIT are three); on SQLite it is a transaction of the write queue like any other. Commit
   * listeners hear it when it returned a row. For a write that one statement makes whole
   * (docs/architecture.md, "Writes").
   */
  writeStatement<T>(sql: string, params: readonly unknown[]): Promise<T[]>;
  /** The same database with every read (reader, queryRows) on the primary: mutations and read-your-writes. */
  onPrimary(): Database;
  /** The primary and each replica with its last measured state; the primary's is not measured here (see /ready). */
  states(): DatabaseState[];
  /** Serialises concurrent writes on the same logical keys until the transaction ends. */
  lock(tx: Tx, ...keys: string[]): Promise<void>;
  /** Registers a listener called once per SQL statement with the database that served it; returns the function that removes it. */
  onStatement(listener: StatementListener): () => void;
  /**
   * Registers a listener called after each write transaction commits (never after a rollback);
   * returns the function that removes it. Caches of answers use it to forget what changed.
   */
  onCommit(listener: () => void): () => void;
  close(): Promise<void>;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return !!url && /^postgres(ql)?:\/\//.test(url);
}

export class ReplicasNeedPostgresError extends Error {
  constructor() {
    super("read replicas (--read-database-url) need PostgreSQL (--database-url); the embedded SQLite database has none");
  }
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
  const listeners = new Set<StatementListener>();
  const emit: StatementListener = (sql, served) => {
    for (const listener of listeners) listener(sql, served);
  };
  const replicaUrls = options.readDatabaseUrls ?? [];
  if (!isPostgresUrl(options.databaseUrl) && replicaUrls.length > 0) throw new ReplicasNeedPostgresError();
  const connections = isPostgresUrl(options.databaseUrl)
    ? await openPostgres(options.databaseUrl, replicaUrls, {
        busyTimeoutMs,
        poolSize: options.poolSize ?? 10,
        maxLagMs: options.maxReplicaLagMs ?? 10_000,
        checkIntervalMs: options.replicaCheckIntervalMs ?? 1_000,
        emit,
      })
    : await openSqlite(options.dataDir, busyTimeoutMs, emit);
  return assemble(connections, listeners, busyTimeoutMs);
}

/** Database.write and Database.writeStatement; committed tells the commit listeners. */
function writePaths(connections: Connections, busyTimeoutMs: number, committed: <T>(value: T) => T) {
  const { provider, writer } = connections;
  const transactionOptions = { maxWait: busyTimeoutMs, timeout: 30_000 };
  const transact = <T>(fn: (tx: Tx) => Promise<T>) => writer.$transaction((tx) => fn(tx), transactionOptions);
  // SQLite: every write of the process, one after the other.
  let queue: Promise<unknown> = Promise.resolve();
  const queued = <T>(run: () => Promise<T>): Promise<T> => {
    const result = queue.then(run, run);
    queue = result.catch(() => undefined);
    return result;
  };
  return {
    write: <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
      const run = () => transact(fn).then(committed);
      return provider === "sqlite" ? queued(run) : retryOnRace(run);
    },
    writeStatement: <T>(sql: string, params: readonly unknown[]): Promise<T[]> => {
      // A statement that wrote no row committed nothing a listener need hear of.
      const heard = (rows: T[]) => (rows.length ? committed(rows) : rows);
      if (provider !== "sqlite") return writer.$queryRawUnsafe<T[]>(sql, ...params).then(heard);
      const statement = () => new Promise<T[]>((resolve) => resolve(connections.writerStatement!(sql, params).rows as T[]));
      return queued(() => transact(statement)).then(heard);
    },
    drained: () => queue.catch(() => undefined),
  };
}

function assemble(connections: Connections, listeners: Set<StatementListener>, busyTimeoutMs: number): Database {
  const { provider, writer } = connections;
  const commitListeners = new Set<() => void>();
  const committed = <T>(value: T): T => {
    for (const listener of commitListeners) listener();
    return value;
  };
  const writes = writePaths(connections, busyTimeoutMs, committed);
  const readRows =
    <T>(onPrimary: boolean) =>
    (sql: string, params: readonly unknown[], options?: ReadOptions) =>
      connections.readRows<T>(sql, params, onPrimary, options);

  const database: Database = {
    provider,
    prisma: writer,
    reader: connections.reader,
    location: connections.location,
    write: writes.write,
    queryRows: <T>(sql: string, params: readonly unknown[], options?: ReadOptions) => readRows<T>(false)(sql, params, options),
    writerStatement: connections.writerStatement,
    writeStatement: writes.writeStatement,
    onPrimary: () => primary,
    states: () => connections.states(),
    async lock(tx: Tx, ...keys: string[]) {
      if (provider !== "postgresql") return; // SQLite writes are already serialised
      for (const key of [...new Set(keys)].sort()) {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
      }
    },
    onStatement(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onCommit(listener) {
      commitListeners.add(listener);
      return () => commitListeners.delete(listener);
    },
    async close() {
      await writes.drained();
      await connections.close();
    },
  };
  const primary: Database = {
    ...database,
    reader: connections.primaryReader,
    queryRows: <T>(sql: string, params: readonly unknown[], options?: ReadOptions) => readRows<T>(true)(sql, params, options),
  };
  return database;
}
