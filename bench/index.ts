// `npm run bench`: runs every bench/*.bench.ts in turn (or those named on the command line),
// prints each one's table and saves all figures to bench/results.json.
// A bench module exports `run(args: string[]): Promise<BenchReport>`.
// The servers a bench runs in this process run as the service does (src/server.ts).
import "../src/runtime-defaults.ts";
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

export interface BenchReport {
  name: string;
  /** A Markdown table of the figures, printed and kept in bench/README.md by hand. */
  table: string;
  results: unknown;
}

const dir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2).filter((arg) => !arg.startsWith("-"));
const files = readdirSync(dir)
  .filter((file) => file.endsWith(".bench.ts"))
  .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
  .sort();

const resultsFile = path.join(dir, "results.json");
const results: Record<string, unknown> = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, "utf8")) : {};
for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { run(args: string[]): Promise<BenchReport> };
  console.log(`\n=== ${file} ===`);
  const report = await mod.run(process.argv.slice(2));
  console.log(`\n${report.table}\n`);
  results[report.name] = { measuredAt: new Date().toISOString(), node: process.version, ...(report.results as object) };
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
}
