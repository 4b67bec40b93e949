// Prints the GraphQL schema (sorted) to schema.graphql; --check fails when the file is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { printSchema } from "graphql";
import { schema } from "../src/schema/index.ts";

const printed = `${printSchema(schema)}\n`;
if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync("schema.graphql", "utf8");
  } catch {
    // No schema.graphql yet: it is stale.
  }
  if (current !== printed) {
    console.error("schema.graphql is stale: run npm run print-schema and commit it");
    process.exit(1);
  }
} else {
  writeFileSync("schema.graphql", printed);
}
