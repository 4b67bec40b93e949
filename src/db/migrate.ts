// Applies the committed migrations of a provider at start-up, bookkeeping them in
// _prisma_migrations exactly as `prisma migrate deploy` does, so either tool can take over.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

const prismaDir = fileURLToPath(new URL("../../prisma/", import.meta.url));

export function migrationsDir(provider: "sqlite" | "postgresql"): string {
  return path.join(prismaDir, provider === "sqlite" ? "migrations" : "postgres/migrations");
}

export function readMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

export class MigrationError extends Error {}

/** Returns the names of the pending migrations, or throws when history and files disagree. */
function pendingMigrations(migrations: Migration[], applied: AppliedRow[]): Migration[] {
  const live = applied.filter((row) => row.rolled_back_at == null);
  const failed = live.find((row) => row.finished_at == null);
  if (failed) {
    throw new MigrationError(`migration ${failed.migration_name} started but did not finish; repair the database and mark it rolled back`);
  }
  const byName = new Map(live.map((row) => [row.migration_name, row]));
  for (const migration of migrations) {
    const row = byName.get(migration.name);
    if (row && row.checksum !== migration.checksum) {
      throw new MigrationError(`migration ${migration.name} was modified after it was applied (checksum mismatch); refusing to start`);
    }
  }
  return migrations.filter((migration) => !byName.has(migration.name));
}

const SQLITE_BOOKKEEPING = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

export function migrateSqlite(file: string, migrations = readMigrations(migrationsDir("sqlite"))): string[] {
  const db = new BetterSqlite3(file, { timeout: 10_000 });
  const appliedNow: string[] = [];
  try {
    db.pragma("journal_mode = WAL");
    db.exec(SQLITE_BOOKKEEPING);
    // BEGIN IMMEDIATE takes the write lock, so concurrent starters apply each migration once.
    for (;;) {
      db.exec("BEGIN IMMEDIATE");
      try {
        const applied = db.prepare(`SELECT * FROM "_prisma_migrations"`).all() as AppliedRow[];
        const next = pendingMigrations(migrations, applied)[0];
        if (!next) {
          db.exec("COMMIT");
          break;
        }
        const startedAt = new Date().toISOString();
        db.exec(next.sql);
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES (?, ?, ?, ?, ?, 1)`,
        ).run(randomUUID(), next.checksum, new Date().toISOString(), next.name, startedAt);
        db.exec("COMMIT");
        appliedNow.push(next.name);
      } catch (error) {
        if (db.inTransaction) db.exec("ROLLBACK");
        throw error;
      }
    }
  } finally {
    db.close();
  }
  return appliedNow;
}

const POSTGRES_BOOKKEEPING = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

// An arbitrary constant shared by every instance of the service: the migration lock.
const MIGRATION_LOCK_KEY = 7_411_630_229;

export async function migratePostgres(connectionString: string, migrations = readMigrations(migrationsDir("postgresql"))): Promise<string[]> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  await client.connect();
  const appliedNow: string[] = [];
  try {
    // One transaction per migration under a transaction-scoped lock, as on SQLite: concurrent
    // starters apply each migration once, and no lock outlives its transaction (a pooler in
    // transaction mode may run each transaction on another server connection).
    for (;;) {
      await client.query("BEGIN");
      try {
        await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
        await client.query(POSTGRES_BOOKKEEPING);
        const { rows } = await client.query<AppliedRow>(`SELECT * FROM "_prisma_migrations"`);
        const next = pendingMigrations(migrations, rows)[0];
        if (!next) {
          await client.query("COMMIT");
          break;
        }
        const startedAt = new Date();
        await client.query(next.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, $4, 1)`,
          [randomUUID(), next.checksum, next.name, startedAt],
        );
        await client.query("COMMIT");
        appliedNow.push(next.name);
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    }
  } finally {
    await client.end();
  }
  return appliedNow;
}
