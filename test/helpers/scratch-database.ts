// Scratch databases for the specs and the benchmarks: a new database on a PostgreSQL server
// (the local one unless TEST_POSTGRES_URL or the caller names another), dropped when done, and
// a temporary folder for an embedded SQLite database.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

/** A database on this server is where scratch databases are created from. */
export const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export interface ScratchDatabaseOptions {
  /** Server to create it on (its admin database's URL); default ADMIN_URL. */
  adminUrl?: string;
  /** A fixed name (benchmarks); a database of that name left by an earlier run is replaced. */
  name?: string;
  /** Prefix of a generated unique name; default lr_test. */
  prefix?: string;
}

async function onServer(adminUrl: string, ...statements: string[]) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (const statement of statements) await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/** A fresh, empty database, and the function that drops it. */
export async function scratchPostgresDatabase(options: ScratchDatabaseOptions | string = {}): Promise<{ url: string; drop: () => Promise<void> }> {
  const { adminUrl = ADMIN_URL, name: fixed, prefix = "lr_test" } = typeof options === "string" ? { prefix: options } : options;
  const name = fixed ?? `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const dropStatement = `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`;
  await onServer(adminUrl, ...(fixed ? [dropStatement] : []), `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => onServer(adminUrl, dropStatement) };
}

/** A new temporary folder (for a SQLite data dir), and the function that removes it. */
export function scratchDataDir(prefix = "lr-test-"): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
