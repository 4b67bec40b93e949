// The PostgreSQL side of the database: the session settings of every connection, the Prisma
// client of one server, the small read-only pools of the lineage walks (queryRows) and the
// retry of a transaction that lost a race.
import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaClient } from "../generated/postgres/client.ts";
import type { PrismaClient as ServiceClient } from "../generated/sqlite/client.ts";

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

/** The URL without its password, for logs and /ready. */
export function redactUrl(databaseUrl: string): string {
  return databaseUrl.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

export interface PoolSettings {
  poolSize: number;
  busyTimeoutMs: number;
}

/** The adapter of one server's Prisma connections. */
export function postgresAdapter(databaseUrl: string, settings: PoolSettings): PrismaPg {
  return new PrismaPg({ ...postgresSession(databaseUrl), max: settings.poolSize, connectionTimeoutMillis: settings.busyTimeoutMs });
}

/**
 * A Prisma client on the given adapter, typed as the service's client. Both generated clients
 * come from one datamodel (the PostgreSQL schema is derived from the SQLite one and checked by
 * `npm run check:generated`), so they have the same models, arguments and results; TypeScript
 * cannot relate the conditional types of two generated namespaces, hence the one conversion.
 * onQuery, when given, hears every statement the client runs.
 */
export function postgresClient(adapter: SqlDriverAdapterFactory, onQuery?: (sql: string) => void): ServiceClient {
  const client = new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
  if (onQuery) client.$on("query", (event) => onQuery(event.query));
  return client as unknown as ServiceClient;
}

/**
 * The lineage walks' pool on one server: read-only by the server's word, a few connections,
 * each keeping its prepared statements. An idle connection that breaks (database restarted)
 * is dropped by the pool and replaced on the next query; the listener only keeps the error
 * from being thrown as an unhandled event.
 */
export class ReadPool {
  readonly pool: pg.Pool;
  private readonly prepared = new WeakMap<pg.PoolClient, Set<string>>();
  /**
   * Named statements live on a server connection; behind a pooler in transaction mode
   * (PgBouncer before 1.21, or without max_prepared_statements) consecutive statements of one
   * client connection may reach different server connections. Once the server says a name is
   * missing or taken, the pool runs unnamed statements only.
   */
  private named = true;
  /** The names of the texts run lately. */
  private readonly names = new Map<string, string>();

  constructor(databaseUrl: string, settings: PoolSettings) {
    const session = postgresSession(databaseUrl);
    this.pool = new pg.Pool({
      ...session,
      options: `${session.options} -c default_transaction_read_only=on`,
      max: Math.min(4, settings.poolSize),
      connectionTimeoutMillis: settings.busyTimeoutMs,
    });
    this.pool.on("error", () => undefined);
    // A connection the server ends while it is checked out (a restart) emits its error on the
    // client as well as failing the query: without a listener that would be an uncaught exception.
    this.pool.on("connect", (client) => client.on("error", () => undefined));
  }

  /**
   * Runs sql as a named prepared statement (named by a hash of its text, so one name never
   * stands for two texts): PostgreSQL plans it on the first runs and then keeps a generic
   * plan, where an unnamed statement is planned anew every time.
   */
  async query<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
    const client = await this.pool.connect();
    const name = this.named ? this.nameOn(client, sql) : undefined;
    try {
      const result = await client.query<T & pg.QueryResultRow>({ name, text: sql, values: [...params] });
      // Statement texts vary with depth and maxNodes; the bound keeps a long-lived connection small.
      client.release((this.prepared.get(client)?.size ?? 0) > PREPARED_PER_CONNECTION);
      return result.rows;
    } catch (error) {
      client.release(error instanceof Error ? error : true);
      if (name && isPoolerStatementError(error)) {
        this.named = false;
        return this.query(sql, params);
      }
      throw error;
    }
  }

  end(): Promise<void> {
    return this.pool.end();
  }

  private nameOn(client: pg.PoolClient, sql: string): string {
    let name = this.names.get(sql);
    if (name === undefined) {
      // a hash of a page's text (some 2 KB) on every request was 1 % of the server's time per page
      if (this.names.size >= NAMES_KEPT) this.names.clear();
      name = `lr_${createHash("sha1").update(sql).digest("hex")}`;
      this.names.set(sql, name);
    }
    let names = this.prepared.get(client);
    if (!names) this.prepared.set(client, (names = new Set()));
    names.add(name);
    return name;
  }
}

/** Statement names the pool keeps by their text; past it they are all made again. */
const NAMES_KEPT = 1_000;

/** Prepared statements one pooled connection may keep; past it the connection is replaced. */
const PREPARED_PER_CONNECTION = 256;

/** "prepared statement … does not exist" (26000) or "… already exists" (42P05). */
function isPoolerStatementError(error: unknown): boolean {
  const code = error instanceof pg.DatabaseError ? error.code : undefined;
  return code === "26000" || code === "42P05";
}

// Codes of a PostgreSQL transaction that lost a race to a concurrent one (a unique key
// inserted meanwhile, a serialisation failure or a deadlock): running it again is correct,
// because every write is written as get-or-create.
const RACE_CODES = new Set(["P2002", "P2034"]);

export async function retryOnRace<T>(run: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = error instanceof Error && "code" in error ? error.code : undefined;
      if (attempt >= attempts || typeof code !== "string" || !RACE_CODES.has(code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt * Math.random()));
    }
  }
}
