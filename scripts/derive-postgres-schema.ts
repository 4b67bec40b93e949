// Derives the PostgreSQL Prisma schema from prisma/schema.prisma (the single source of truth).
// Usage: tsx scripts/derive-postgres-schema.ts [--check]   (--check fails when the file is stale)
import { readFileSync, writeFileSync } from "node:fs";

const source = readFileSync("prisma/schema.prisma", "utf8");
const target = "prisma/postgres/schema.prisma";

function replaceOnce(text: string, from: string | RegExp, to: string): string {
  if (typeof from === "string" ? !text.includes(from) : !from.test(text)) throw new Error(`derive-postgres-schema: expected to find ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

let derived = source;
derived = replaceOnce(
  derived,
  "// The data model of lineage-registry: the single source of truth, for SQLite.",
  "// GENERATED from prisma/schema.prisma by scripts/derive-postgres-schema.ts: do not edit.\n// The data model of lineage-registry, for PostgreSQL.",
);
derived = replaceOnce(derived, 'output     = "../src/generated/sqlite"', 'output     = "../../src/generated/postgres"');
// Pothos types are generated once, from the SQLite schema; both clients share them.
derived = derived.replace(/generator pothos \{[^}]*\}\n\n/, "");
derived = replaceOnce(
  derived,
  /provider = "sqlite"\n  url {6}= .*\n/,
  'provider = "postgresql"\n  url      = env("DATABASE_URL")\n',
);

if (process.argv.includes("--check")) {
  const current = readFileSync(target, "utf8");
  if (current !== derived) {
    console.error(`${target} is stale: run npm run prisma:derive`);
    process.exit(1);
  }
} else {
  writeFileSync(target, derived);
}
