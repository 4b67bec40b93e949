// Migrations are derived from prisma/schema.prisma, never written by hand:
//   tsx scripts/migrations.ts new <name>   writes the next migration for SQLite and PostgreSQL
//   tsx scripts/migrations.ts check        fails when a migration is stale or one is missing
// Each SQLite migration folder keeps the datamodel it leads to (datamodel.prisma), so the next
// migration is the diff from it, and a check can re-derive every committed migration.sql.
// The SQL comes from Prisma's schema engine run as WebAssembly (scripts/schema-engine.ts): the same
// script `prisma migrate diff --script` prints, without the CLI's native engine.
// PostgreSQL diffs ask the server a few questions: DATABASE_URL (default: the local server).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { derivePostgresSchema } from "./derive-postgres-schema.ts";
import { openSchemaEngine, type Provider, type SchemaEngine } from "./schema-engine.ts";

const SQLITE_DIR = "prisma/migrations";
const POSTGRES_DIR = "prisma/postgres/migrations";
const SOURCE = "prisma/schema.prisma";
const databaseUrl = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

const engines = new Map<Provider, Promise<SchemaEngine>>();
function engine(provider: Provider): Promise<SchemaEngine> {
  let opened = engines.get(provider);
  if (!opened) engines.set(provider, (opened = openSchemaEngine(provider, databaseUrl)));
  return opened;
}

const isEmpty = (sql: string) => !sql.replace(/--.*$/gm, "").trim();

/** A SQLite datamodel as the engine of a provider reads it. */
function datamodelFor(provider: Provider, sqliteDatamodel: string): string {
  return provider === "sqlite" ? sqliteDatamodel : derivePostgresSchema(sqliteDatamodel);
}

function migrationNames(): string[] {
  if (!existsSync(SQLITE_DIR)) return [];
  return readdirSync(SQLITE_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

function snapshotOf(name: string): string {
  const snapshot = readFileSync(path.join(SQLITE_DIR, name, "datamodel.prisma"), "utf8");
  // Snapshots written before Prisma 7 have a datasource url, an error since: it never affected the SQL.
  return snapshot.replace(/^(datasource db \{\n {2}provider = "sqlite"\n) {2}url +=.*\n/m, "$1");
}

async function diffFor(provider: Provider, previous: string | null, next: string): Promise<string> {
  return (await engine(provider)).diff(previous == null ? null : datamodelFor(provider, previous), datamodelFor(provider, next));
}

const [command, name] = process.argv.slice(2);
const source = readFileSync(SOURCE, "utf8");
const names = migrationNames();

if (command === "new") {
  if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error("usage: migrations.ts new <snake_case_name>");
  const previous = names.length ? snapshotOf(names.at(-1)!) : null;
  const sqlite = await diffFor("sqlite", previous, source);
  if (isEmpty(sqlite)) {
    console.log("the datamodel has not changed since the last migration: nothing to write");
    process.exit(0);
  }
  const postgres = await diffFor("postgresql", previous, source);
  const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const folder = `${stamp}_${name}`;
  for (const [dir, sql] of [
    [SQLITE_DIR, sqlite],
    [POSTGRES_DIR, postgres],
  ] as const) {
    mkdirSync(path.join(dir, folder), { recursive: true });
    writeFileSync(path.join(dir, folder, "migration.sql"), sql);
  }
  writeFileSync(path.join(SQLITE_DIR, folder, "datamodel.prisma"), source);
  console.log(`wrote ${SQLITE_DIR}/${folder} and ${POSTGRES_DIR}/${folder}`);
} else if (command === "check") {
  const problems: string[] = [];
  const postgresNames = existsSync(POSTGRES_DIR) ? readdirSync(POSTGRES_DIR).sort() : [];
  if (JSON.stringify(postgresNames) !== JSON.stringify(names)) {
    problems.push(`the SQLite and PostgreSQL migration folders differ: ${names.join(",")} vs ${postgresNames.join(",")}`);
  }
  let previous: string | null = null;
  for (const migration of names) {
    const next = snapshotOf(migration);
    for (const [provider, dir] of [
      ["sqlite", SQLITE_DIR],
      ["postgresql", POSTGRES_DIR],
    ] as const) {
      const expected = await diffFor(provider, previous, next);
      const file = path.join(dir, migration, "migration.sql");
      const actual = existsSync(file) ? readFileSync(file, "utf8") : "";
      if (actual !== expected) problems.push(`${file} is not what the datamodel derives`);
    }
    previous = next;
  }
  const pending = await diffFor("sqlite", previous, source);
  if (!isEmpty(pending)) problems.push(`prisma/schema.prisma changed since the last migration: run npm run migration:new -- <name>`);
  if (problems.length) {
    console.error(problems.join("\n"));
    process.exit(1);
  }
  console.log(`migrations up to date (${names.length})`);
} else {
  console.error("usage: migrations.ts new <name> | check");
  process.exit(2);
}

// The PostgreSQL engine holds a connection pool open until it is closed.
for (const opened of engines.values()) await (await opened).close();
