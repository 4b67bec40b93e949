// Migrations are derived from prisma/schema.prisma, never written by hand:
//   tsx scripts/migrations.ts new <name>   writes the next migration for SQLite and PostgreSQL
//   tsx scripts/migrations.ts check        fails when a migration is stale or one is missing
// Each SQLite migration folder keeps the datamodel it leads to (datamodel.prisma), so the next
// migration is the diff from it, and a check can re-derive every committed migration.sql.
// PostgreSQL diffs connect through the adapter: DATABASE_URL (default: the local server).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { derivePostgresSchema } from "./derive-postgres-schema.ts";

const SQLITE_DIR = "prisma/migrations";
const POSTGRES_DIR = "prisma/postgres/migrations";
const SOURCE = "prisma/schema.prisma";
const databaseUrl = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const scratch = mkdtempSync(path.join(tmpdir(), "lr-migrations-"));

function prismaDiff(provider: "sqlite" | "postgresql", from: string | null, to: string): string {
  const args = ["prisma", "migrate", "diff", "--script"];
  if (provider === "postgresql") args.push("--config", "prisma.postgres.config.ts");
  args.push(...(from ? ["--from-schema-datamodel", from] : ["--from-empty"]), "--to-schema-datamodel", to);
  return execFileSync("npx", args, {
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_SQLITE_URL: `file:${path.join(scratch, "cli.db")}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

const isEmpty = (sql: string) => !sql.replace(/--.*$/gm, "").trim();

/** Writes a datamodel for a provider to a scratch file and returns its path. */
function datamodelFile(provider: "sqlite" | "postgresql", sqliteDatamodel: string, name: string): string {
  const file = path.join(scratch, `${name}.${provider}.prisma`);
  // Generators are irrelevant to a diff; the derivation only needs them present.
  writeFileSync(file, provider === "sqlite" ? sqliteDatamodel : derivePostgresSchema(sqliteDatamodel));
  return file;
}

function migrationNames(): string[] {
  if (!existsSync(SQLITE_DIR)) return [];
  return readdirSync(SQLITE_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

function snapshotOf(name: string): string {
  return readFileSync(path.join(SQLITE_DIR, name, "datamodel.prisma"), "utf8");
}

function diffFor(provider: "sqlite" | "postgresql", previous: string | null, next: string, label: string): string {
  const from = previous == null ? null : datamodelFile(provider, previous, `${label}-from`);
  return prismaDiff(provider, from, datamodelFile(provider, next, `${label}-to`));
}

const [command, name] = process.argv.slice(2);
const source = readFileSync(SOURCE, "utf8");
const names = migrationNames();

if (command === "new") {
  if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error("usage: migrations.ts new <snake_case_name>");
  const previous = names.length ? snapshotOf(names.at(-1)!) : null;
  const sqlite = diffFor("sqlite", previous, source, "new");
  if (isEmpty(sqlite)) {
    console.log("the datamodel has not changed since the last migration: nothing to write");
    process.exit(0);
  }
  const postgres = diffFor("postgresql", previous, source, "new");
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
      const expected = diffFor(provider, previous, next, migration);
      const file = path.join(dir, migration, "migration.sql");
      const actual = existsSync(file) ? readFileSync(file, "utf8") : "";
      if (actual !== expected) problems.push(`${file} is not what the datamodel derives`);
    }
    previous = next;
  }
  const pending = diffFor("sqlite", previous, source, "pending");
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
