// Opens the database the service runs on (embedded SQLite by default, PostgreSQL when a
// postgresql:// URL is given), migrates it, and owns the rules for writing to it safely.
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { type Prisma, PrismaClient } from "../generated/sqlite/client.ts";
import { PrismaClient as PostgresPrismaClient } from "../generated/postgres/client.ts";
import { migratePostgres, migrateSqlite } from "./migrate.ts";
import { registerSqlFunctions, withSqlFunctions } from "./sqlite-functions.ts";

export type Provider = "sqlite" | "postgresql";
export type { PrismaClient };
/** The client handed to a write: the transaction's client. */
export type Tx = Prisma.TransactionClient;

export interface DatabaseOptions {
  /** postgresql://… selects PostgreSQL; otherwise the SQLite file in dataDir is used. */
  databaseUrl?: string;
  dataDir?: string;
  /** Milliseconds a write may wait for the database before failing with a retryable error. */
  busyTimeoutMs?: number;
  poolSize?: number;
}

export interface Database {
  provider: Provider;
  /** The client of the writer connection; multi-statement writes go through `write`. */
  prisma: PrismaClient;
  /**
   * The client for request reads. On SQLite it is a read-only connection of its own, so that
   * a read never sees a write transaction that is still open (and may yet roll back).
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
   * pool of its own that runs each text as a named prepared statement, so that repeated walks
   * skip planning (a few ms for the lineage statement).
   */
  queryRows<T>(sql: string, params: readonly unknown[]): Promise<T[]>;
  /** Serialises concurrent writes on the same logical keys until the transaction ends. */
  lock(tx: Tx, ...keys: string[]): Promise<void>;
  /** Registers a listener called once per SQL statement; returns the function that removes it. */
  onStatement(listener: (sql: string) => void): () => void;
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

/** What each provider opens: the clients, where the data lives, its read path and how to close what it opened. */
interface Connections {
  provider: Provider;
  writer: PrismaClient;
  reader: PrismaClient;
  location: string;
  readRows: <T>(sql: string, params: readonly unknown[]) => Promise<T[]>;
  /** Closes the connections of the read path (the clients are closed by the caller). */
  closeReadPath: () => Promise<void>;
}

const LOG_QUERIES = [{ emit: "event" as const, level: "query" as const }];

async function openPostgres(databaseUrl: string, options: DatabaseOptions, busyTimeoutMs: number): Promise<Connections> {
  await migratePostgres(databaseUrl);
  const session = postgresSession(databaseUrl);
  const adapter = new PrismaPg({ ...session, max: options.poolSize ?? 10, connectionTimeoutMillis: busyTimeoutMs });
  // The lineage walks (queryRows): read-only by the server's word, a few connections, each
  // keeping its prepared statements. An idle connection that breaks (database restarted) is
  // dropped by the pool and replaced on the next query; the listener only keeps the error
  // from being thrown as an unhandled event.
  const readPool = new pg.Pool({
    ...session,
    options: `${session.options} -c default_transaction_read_only=on`,
    max: Math.min(4, options.poolSize ?? 10),
    connectionTimeoutMillis: busyTimeoutMs,
  });
  readPool.on("error", () => undefined);
  const prepared = new WeakMap<pg.PoolClient, Set<string>>();
  // Both generated clients share one model and datamodel; the SQLite client's types
  // describe the PostgreSQL client exactly.
  const writer = new PostgresPrismaClient({ adapter, log: LOG_QUERIES }) as unknown as PrismaClient;
  return {
    provider: "postgresql",
    writer,
    reader: writer,
    location: databaseUrl.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@"),
    readRows: (sql, params) => queryPrepared(readPool, prepared, sql, params),
    closeReadPath: () => readPool.end(),
  };
}

function openSqlite(options: DatabaseOptions, busyTimeoutMs: number): Connections {
  const dataDir = path.resolve(options.dataDir ?? "data");
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "lineage.db");
  migrateSqlite(file);
  const writer = new PrismaClient({ adapter: withSqlFunctions(new PrismaBetterSqlite3({ url: `file:${file}`, timeout: busyTimeoutMs })), log: LOG_QUERIES });
  // In WAL mode a reader works on the last committed snapshot and never waits for the writer.
  const reader = new PrismaClient({
    adapter: withSqlFunctions(new PrismaBetterSqlite3({ url: `file:${file}`, timeout: busyTimeoutMs, readonly: true })),
    log: LOG_QUERIES,
  });
  const rawReader = registerSqlFunctions(new BetterSqlite3(file, { readonly: true, timeout: busyTimeoutMs }));
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    provider: "sqlite",
    writer,
    reader,
    location: file,
    // A statement that fails to prepare rejects, as a query on the other read paths would.
    readRows: <T>(sql: string, params: readonly unknown[]) =>
      new Promise<T[]>((resolve) => {
        let statement = statements.get(sql);
        if (!statement) {
          // Statement texts vary only with the shape of a query; the bound keeps odd callers cheap.
          if (statements.size >= 256) statements.clear();
          statement = rawReader.prepare(sql);
          statements.set(sql, statement);
        }
        resolve(statement.all(...params) as T[]);
      }),
    closeReadPath: () => {
      rawReader.close();
      return Promise.resolve();
    },
  };
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
  const listeners = new Set<(sql: string) => void>();
  const commitListeners = new Set<() => void>();
  const committed = <T>(value: T): T => {
    for (const listener of commitListeners) listener();
    return value;
  };
  const { provider, writer, reader, location, readRows, closeReadPath } = isPostgresUrl(options.databaseUrl)
    ? await openPostgres(options.databaseUrl, options, busyTimeoutMs)
    : openSqlite(options, busyTimeoutMs);
  for (const client of new Set([reader, writer])) {
    (client as unknown as { $on(event: "query", cb: (e: { query: string }) => void): void }).$on("query", (event) => {
      for (const listener of listeners) listener(event.query);
    });
    await client.$connect();
  }

  let queue: Promise<unknown> = Promise.resolve();
  const transactionOptions = { maxWait: busyTimeoutMs, timeout: 30_000 };

  const database: Database = {
    provider,
    prisma: writer,
    reader,
    location,
    write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      const run = () => writer.$transaction((tx) => fn(tx), transactionOptions).then(committed);
      if (provider !== "sqlite") return retryOnRace(run);
      const result = queue.then(run, run);
      queue = result.catch(() => undefined);
      return result;
    },
    async queryRows<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
      for (const listener of listeners) listener(sql);
      return readRows<T>(sql, params);
    },
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
      await queue.catch(() => undefined);
      for (const client of new Set([reader, writer])) await client.$disconnect();
      await closeReadPath();
    },
  };
  if (provider === "sqlite") {
    // The migration step already switched the file to WAL (a persistent setting).
    await writer.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  }
  return database;
}

/**
 * Connection settings for every PostgreSQL connection of the service. JIT compilation is off:
 * the lineage statement is one large recursive query whose estimated cost, on a database whose
 * statistics are young (every new database), passes jit_above_cost, and PostgreSQL then spends
 * ~180 ms compiling it to run a query of a few ms. The service's statements are short
 * index-bound reads and writes that JIT never speeds up. Options given in the URL are kept
 * (node-postgres lets the URL's `options` replace the configured ones, so they are merged here).
 */
export function postgresSession(databaseUrl: string): { connectionString: string; options: string } {
  const url = new URL(databaseUrl);
  const own = url.searchParams.get("options") ?? process.env.PGOPTIONS ?? "";
  if (!url.searchParams.has("options")) return { connectionString: databaseUrl, options: `${own} -c jit=off`.trim() };
  url.searchParams.delete("options");
  return { connectionString: url.toString(), options: `${own} -c jit=off`.trim() };
}

/** Prepared statements one pooled connection may keep; past it the connection is replaced. */
const PREPARED_PER_CONNECTION = 256;

/**
 * Runs sql as a named prepared statement (named by a hash of its text, so one name never
 * stands for two texts) on a connection of the pool: PostgreSQL plans it on the first runs
 * and then keeps a generic plan, where an unnamed statement is planned anew every time.
 */
async function queryPrepared<T>(pool: pg.Pool, prepared: WeakMap<pg.PoolClient, Set<string>>, sql: string, params: readonly unknown[]): Promise<T[]> {
  const name = `lr_${createHash("sha1").update(sql).digest("hex")}`;
  const client = await pool.connect();
  let names = prepared.get(client);
  if (!names) prepared.set(client, (names = new Set()));
  names.add(name);
  try {
    const result = await client.query<T & pg.QueryResultRow>({ name, text: sql, values: params as unknown[] });
    // Statement texts vary with depth and maxNodes; the bound keeps a long-lived connection small.
    client.release(names.size > PREPARED_PER_CONNECTION);
    return result.rows;
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
}

// Codes of a PostgreSQL transaction that lost a race to a concurrent one (a unique key
// inserted meanwhile, a serialisation failure or a deadlock): running it again is correct,
// because every write is written as get-or-create.
const RACE_CODES = new Set(["P2002", "P2034"]);

async function retryOnRace<T>(run: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= attempts || !code || !RACE_CODES.has(code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt * Math.random()));
    }
  }
}
