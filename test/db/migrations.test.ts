// The start-up migration applier: bookkeeping like `prisma migrate deploy`, idempotent,
// refusing edited history, and atomic per migration.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { migratePostgres, migrateSqlite, migrationsDir, readMigrations, type Migration } from "../../src/db/migrate.ts";
import { scratchPostgresDatabase, TEST_DB } from "../harness.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** A fresh empty database of the provider under test, with helpers to migrate and query it. */
async function emptyDatabase() {
  if (TEST_DB === "postgres") {
    const database = await scratchPostgresDatabase("lr_mig");
    cleanups.push(database.drop);
    const url = database.url;
    return {
      migrate: (migrations?: Migration[]) => migratePostgres(url, migrations),
      rows: async (sql: string) => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          return (await client.query(sql)).rows;
        } finally {
          await client.end();
        }
      },
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), "lr-mig-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "db.sqlite");
  return {
    migrate: async (migrations?: Migration[]) => migrateSqlite(file, migrations),
    rows: async (sql: string) => {
      const db = new BetterSqlite3(file);
      try {
        return db.prepare(sql).all() as Record<string, unknown>[];
      } finally {
        db.close();
      }
    },
  };
}

const committed = readMigrations(migrationsDir(TEST_DB === "postgres" ? "postgresql" : "sqlite"));

describe("migration applier", () => {
  it("applies every migration once and records it as prisma migrate deploy does", async () => {
    const db = await emptyDatabase();
    expect(await db.migrate()).toEqual(committed.map((m) => m.name));
    expect(await db.migrate()).toEqual([]);
    const rows = await db.rows(`SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(rows.map((r) => r.migration_name)).toEqual(committed.map((m) => m.name));
    expect(rows.map((r) => r.checksum)).toEqual(committed.map((m) => m.checksum));
    for (const row of rows) {
      expect(row.finished_at).not.toBeNull();
      expect(Number(row.applied_steps_count)).toBe(1);
    }
  });

  it("refuses to start when an applied migration was edited", async () => {
    const db = await emptyDatabase();
    await db.migrate();
    const edited = committed.map((m, i) => (i === 0 ? { ...m, checksum: "0".repeat(64) } : m));
    await expect(db.migrate(edited)).rejects.toThrow(/modified after it was applied/);
  });

  it("rolls a failing migration back whole and records nothing for it", async () => {
    const db = await emptyDatabase();
    await db.migrate();
    const broken: Migration = {
      name: "99999999999999_broken",
      checksum: "f".repeat(64),
      sql: `CREATE TABLE "Half" ("id" INTEGER);\nSELECT * FROM "NoSuchTable";`,
    };
    await expect(db.migrate([...committed, broken])).rejects.toThrow();
    const names = (await db.rows(`SELECT migration_name FROM "_prisma_migrations"`)).map((r) => r.migration_name);
    expect(names).not.toContain(broken.name);
    const half = await db.rows(
      TEST_DB === "postgres" ? `SELECT 1 FROM information_schema.tables WHERE table_name = 'Half'` : `SELECT 1 FROM sqlite_master WHERE name = 'Half'`,
    );
    expect(half).toEqual([]);
  });
});
