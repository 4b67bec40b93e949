// Derives the PostgreSQL Prisma schema from prisma/schema.prisma (the single source of truth).
// Usage: tsx scripts/derive-postgres-schema.ts [--check]   (--check fails when the file is stale)
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const TARGET = "prisma/postgres/schema.prisma";

function replaceOnce(text: string, from: string | RegExp, to: string): string {
  const found = typeof from === "string" ? text.includes(from) : from.test(text);
  if (!found) throw new Error(`derive-postgres-schema: expected to find ${String(from)}`);
  return text.replace(from, to);
}

export function derivePostgresSchema(source: string): string {
  let derived = replaceOnce(
    source,
    "// The data model of lineage-registry: the single source of truth, for SQLite.",
    "// GENERATED from prisma/schema.prisma by scripts/derive-postgres-schema.ts: do not edit.\n// The data model of lineage-registry, for PostgreSQL.",
  );
  // The alignment differs between datamodel snapshots of older migrations and today's schema.
  derived = replaceOnce(derived, /(output +)= "\.\.\/src\/generated\/sqlite"/, '$1= "../../src/generated/postgres"');
  // PostgreSQL loads a page's relations in the same statement (LATERAL joins, JSON built by the
  // database), as the join strategy does; SQLite has no such strategy (docs/architecture.md).
  derived = replaceOnce(derived, /(output +)= "\.\.\/\.\.\/src\/generated\/postgres"\n/, '$&  previewFeatures = ["relationJoins"]\n');
  // Pothos types are generated once, from the SQLite schema; both clients share them.
  derived = derived.replace(/generator pothos \{[^}]*\}\n\n/, "");
  // The datasource has no URL: the CLI's is in prisma.postgres.config.ts, the service's is DATABASE_URL.
  return replaceOnce(derived, 'provider = "sqlite"\n', 'provider = "postgresql"\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const derived = derivePostgresSchema(readFileSync("prisma/schema.prisma", "utf8"));
  if (process.argv.includes("--check")) {
    if (readFileSync(TARGET, "utf8") !== derived) {
      console.error(`${TARGET} is stale: run npm run prisma:derive`);
      process.exit(1);
    }
  } else {
    writeFileSync(TARGET, derived);
  }
}
