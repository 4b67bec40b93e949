// Writes the README's configuration and query limits tables from the settings' definitions
// (src/config/settings.ts); --check fails when the README's copy is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { renderReadme } from "../src/config/docs.ts";

const current = readFileSync("README.md", "utf8");
const rendered = renderReadme(current);
if (process.argv.includes("--check")) {
  if (current !== rendered) {
    console.error("README.md's configuration tables are stale: run npm run config-docs and commit README.md");
    process.exit(1);
  }
} else if (current !== rendered) {
  writeFileSync("README.md", rendered);
}
