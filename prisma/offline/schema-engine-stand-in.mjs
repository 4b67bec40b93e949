#!/usr/bin/env node
// Stands in for Prisma's native schema-engine binary, which the Prisma CLI would otherwise
// download from Prisma's own server on first use (impossible offline). `generate`, `validate`,
// `format` and `version` never need the engine; every command that does (migrate, db push,
// introspection) gets an error answer to its first JSON-RPC request and fails loudly. Exiting
// without an answer is not enough: `prisma migrate diff` would then print an empty migration
// and succeed. Migration SQL is written by scripts/migrations.ts with the WebAssembly engine.
import console from "node:console";
import process from "node:process";
import { createInterface } from "node:readline";

const MESSAGE =
  "lineage-registry runs the Prisma CLI without its native schema engine (it cannot be downloaded offline): " +
  "this command needs it. Migrations are written by `npm run migration:new` and applied by the service at start-up.";

if (process.argv.includes("--version")) {
  // `prisma version` asks every engine for its version.
  console.log("schema-engine-cli stand-in (no native engine)");
  process.exit(0);
}

if (process.argv.includes("cli")) {
  // One-shot subcommands (`schema-engine … cli can-connect-to-database`, used by `db push`) read no request.
  console.error(MESSAGE);
  process.exit(1);
}

const lines = createInterface({ input: process.stdin });
// Stdin closed without a request: nothing was asked, but nothing was done either.
lines.once("close", () => process.exit(1));
lines.once("line", (line) => {
  let id = null;
  try {
    id = JSON.parse(line).id ?? null;
  } catch {
    // Not JSON-RPC: answer with id null all the same.
  }
  process.stderr.write(`${MESSAGE}\n`);
  process.stdout.write(`${JSON.stringify({ jsonrpc: "2.0", id, error: { code: -32601, message: MESSAGE } })}\n`, () => process.exit(1));
});
