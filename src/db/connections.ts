// What each provider opens: the writer and reader clients, the raw read path of the lineage
// walks, the replicas (PostgreSQL), and how to close it all.
import pg from "pg";
import type { PrismaClient } from "../generated/sqlite/client.ts";
import { migratePostgres } from "./migrate.ts";
import { postgresAdapter, postgresClient, postgresSession, ReadPool, redactUrl, type PoolSettings } from "./postgres.ts";
import { readRouterFactory, routeRead, type StatementListener } from "./read-router.ts";
import { ReplicaSet, type DatabaseState, type ReplicaOptions } from "./replicas.ts";
import { openSqliteFile } from "./sqlite.ts";
import { startCheckpointer } from "./sqlite-checkpoint.ts";
import type { ReadOptions } from "./read-options.ts";
import type { StatementRunner } from "./sqlite-statements.ts";

export interface Connections {
  provider: "sqlite" | "postgresql";
  writer: PrismaClient;
  /** Reads a replica may serve. */
  reader: PrismaClient;
  /** Reads that must see the primary's last commit. */
  primaryReader: PrismaClient;
  location: string;
  readRows<T>(sql: string, params: readonly unknown[], onPrimary: boolean, options?: ReadOptions): Promise<T[]>;
  /** SQLite: statements of an open write transaction on the writer's connection (Database.writerStatement). */
  writerStatement: StatementRunner | null;
  states(): DatabaseState[];
  close(): Promise<void>;
}

export async function openSqlite(dataDir: string | undefined, busyTimeoutMs: number, emit: StatementListener): Promise<Connections> {
  const { file, writer, reader, readRows, writerStatement, closeRaw } = openSqliteFile(dataDir, busyTimeoutMs, (sql) => emit(sql, "primary"));
  for (const client of [writer, reader]) await client.$connect();
  // The migration step already switched the file to WAL (a persistent setting).
  await writer.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  const checkpointer = startCheckpointer(file);
  return {
    provider: "sqlite",
    writer,
    reader,
    primaryReader: reader,
    location: file,
    writerStatement,
    async readRows<T>(sql: string, params: readonly unknown[], _onPrimary: boolean, options?: ReadOptions) {
      emit(sql, "primary");
      // The statement's columns are the caller's to know: rows are typed by the caller.
      return (await readRows(sql, params, options)) as T[];
    },
    states: () => [{ name: "primary", role: "primary", location: file, state: "up", lagSeconds: 0 }],
    async close() {
      for (const client of [reader, writer]) await client.$disconnect();
      await closeRaw();
      await checkpointer.stop();
    },
  };
}

export async function openPostgres(
  databaseUrl: string,
  replicaUrls: readonly string[],
  options: ReplicaOptions & PoolSettings & { emit: StatementListener },
): Promise<Connections> {
  await migratePostgres(databaseUrl);
  const { emit } = options;
  const location = redactUrl(databaseUrl);
  const primaryAdapter = postgresAdapter(databaseUrl, options);
  const writer = postgresClient(primaryAdapter, (sql) => emit(sql, "primary"));
  await writer.$connect();
  const primaryRows = new ReadPool(databaseUrl, options);
  // The replicas' lag is measured against the primary's WAL position, on a connection of its own.
  const probe = new pg.Pool({ ...postgresSession(databaseUrl), max: 1, connectionTimeoutMillis: options.busyTimeoutMs });
  probe.on("error", () => undefined);
  const replicas = replicaUrls.length > 0 ? await ReplicaSet.open(probe, replicaUrls, options) : undefined;
  const reader = replicas ? postgresClient(readRouterFactory(primaryAdapter, replicas, emit)) : writer;
  if (reader !== writer) await reader.$connect();
  const primaryState: DatabaseState = { name: "primary", role: "primary", location, state: "up", lagSeconds: 0 };
  return {
    provider: "postgresql",
    writer,
    reader,
    primaryReader: writer,
    location,
    writerStatement: null,
    readRows: <T>(sql: string, params: readonly unknown[], onPrimary: boolean) =>
      routeRead(
        onPrimary ? undefined : replicas,
        (replica) => replica.rows.query<T>(sql, params),
        () => primaryRows.query<T>(sql, params),
        (served) => emit(sql, served),
      ),
    states: () => [primaryState, ...(replicas?.replicas.map((replica) => replica.state) ?? [])],
    async close() {
      await replicas?.close();
      for (const client of new Set([reader, writer])) await client.$disconnect();
      await primaryRows.end();
      await probe.end();
    },
  };
}
