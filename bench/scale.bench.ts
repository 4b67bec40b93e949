// Scale benchmark on one PostgreSQL: loads a generated workload of N runs (10^5 by default, 10^7
// for the figures in docs/SCALE.md) with COPY (bench/copy-load.ts) into a scratch database, then
// measures the real server process (src/server.ts with --database-url) over loopback HTTP:
// lineage at depth 5/20/50, the dashboard page with its filters, totalCount and its cheaper
// variants, track + finishRun throughput, and the tables' and indexes' sizes.
// Flags: --runs=N (artifacts 3·N, fan-in 16, N/1000 transforms unless --artifacts, --fan-in,
// --transforms), generate.ts' other flags,
// --database=NAME (lr_bench_scale), --load-only (load and keep), --reuse (measure a database
// loaded before), --keep (do not drop it at the end), --validate-fks, --iterations=N (40),
// --duration=S (10), --connections=N (10); --copy-until=ISO-TIME (or SIGUSR2) ends the COPY early,
// with fewer runs, and goes on to the indexes.
import pg from "pg";
import { createService } from "../src/service.ts";
import { scratchDataDir, scratchPostgresDatabase } from "../test/helpers/scratch-database.ts";
import { copyLoad, type CopyLoadResult } from "./copy-load.ts";
import { sizeFromArgs, type Picks, type WorkloadSize } from "./generate.ts";
import type { BenchReport } from "./index.ts";
import { startProcess, stopProcess } from "./load.bench.ts";
import { flag, SERVER_ENTRY } from "./measure.ts";
import { measureQueries, measureWrites, type QueryResult } from "./scale-queries.ts";
import { scaleReport } from "./scale-report.ts";

const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** What the load leaves in the database beside the data, so a later run can measure it again. */
interface LoadRecord {
  loadedAt: string;
  size: WorkloadSize;
  picks: Picks;
  load: Omit<CopyLoadResult, "picks">;
  handle: string;
}

function scaleSize(args: string[]): WorkloadSize {
  const size = sizeFromArgs(args);
  if (!flag(args, "runs")) size.runs = 100_000;
  if (!flag(args, "artifacts")) size.artifacts = 3 * size.runs;
  if (!flag(args, "fan-in")) size.fanIn = 16;
  if (!flag(args, "transforms")) size.transforms = Math.max(1000, Math.round(size.runs / 1000));
  return size;
}

function databaseUrl(name: string) {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function load(name: string, size: WorkloadSize, options: { validate: boolean; until: number }): Promise<LoadRecord> {
  const { url } = await scratchPostgresDatabase({ adminUrl: ADMIN_URL, name });
  const { dir, remove } = scratchDataDir("lr-scale-");
  // the service migrates the new database and creates its local user and default storage
  const service = await createService({ dataDir: dir, databaseUrl: url });
  const owner = { userId: service.user.id, storageId: service.storage.id };
  const handle = service.user.handle;
  await service.close();
  remove();
  process.stderr.write(`scale: loading ${size.runs.toLocaleString("en")} runs into ${name} (${new Date().toISOString()})\n`);
  const { picks, ...result } = await copyLoad(url, size, owner, options);
  const loadedSize = { ...size, runs: result.counts.Run };
  const record: LoadRecord = { loadedAt: new Date().toISOString(), size: loadedSize, picks, load: result, handle };
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("CREATE TABLE bench_scale (record jsonb NOT NULL)");
  await client.query("INSERT INTO bench_scale VALUES ($1)", [JSON.stringify(record)]);
  await client.end();
  process.stderr.write(`scale: loaded ${result.rows.toLocaleString("en")} rows in ${result.seconds.total.toFixed(0)} s (${new Date().toISOString()})\n`);
  return record;
}

async function loaded(url: string): Promise<LoadRecord> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ record: LoadRecord }>("SELECT record FROM bench_scale")).rows[0].record;
  } finally {
    await client.end();
  }
}

export interface SizeRow {
  table: string;
  rows: number;
  total: number;
  heap: number;
  indexes: number;
}

/** Heap, index and total bytes of every table, with the planner's row count. */
async function tableSizes(url: string): Promise<SizeRow[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<SizeRow>(
      `SELECT relname AS "table", reltuples::bigint AS rows, pg_total_relation_size(oid) AS total,
              pg_relation_size(oid) + COALESCE(pg_relation_size(NULLIF(reltoastrelid, 0)), 0) AS heap, pg_indexes_size(oid) AS indexes
       FROM pg_class WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace AND relname <> 'bench_scale'
       ORDER BY pg_total_relation_size(oid) DESC`,
    );
    return result.rows.map((r) => ({ table: r.table, rows: Number(r.rows), total: Number(r.total), heap: Number(r.heap), indexes: Number(r.indexes) }));
  } finally {
    await client.end();
  }
}

export async function run(args: string[]): Promise<BenchReport> {
  const name = flag(args, "database") ?? "lr_bench_scale";
  const url = databaseUrl(name);
  const reuse = args.includes("--reuse");
  const until = flag(args, "copy-until");
  const options = { validate: args.includes("--validate-fks"), until: until ? Date.parse(until) : Infinity };
  const record = reuse ? await loaded(url) : await load(name, scaleSize(args), options);
  if (args.includes("--load-only")) {
    return { name: "scale-load", table: `loaded ${name}: ${JSON.stringify(record.load)}`, results: { database: name, ...record } };
  }
  const { dir, remove } = scratchDataDir("lr-scale-");
  const env = { LOG_LEVEL: "info", NODE_ENV: "production", LIMIT_LINEAGE_MAX_NODES: "100000" };
  const serverArgs = [...SERVER_ENTRY, "--host", "127.0.0.1", "--port", "0", "--auth", "off", "--data-dir", dir, "--database-url", url];
  const { proc, port } = await startProcess(serverArgs, env);
  let queries: QueryResult[];
  let writes;
  try {
    const options = { iterations: Number(flag(args, "iterations") ?? 40), handle: record.handle };
    queries = await measureQueries(`http://127.0.0.1:${port}/graphql`, record.picks, url, options);
    writes = await measureWrites(port, Number(flag(args, "duration") ?? 10), Number(flag(args, "connections") ?? 10));
  } finally {
    await stopProcess(proc);
    remove();
  }
  const sizes = await tableSizes(url);
  if (!reuse && !args.includes("--keep")) {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  } else process.stderr.write(`scale: database ${name} kept\n`);
  const results = { database: name, loadedAt: record.loadedAt, size: record.size, load: record.load, queries, writes, sizes };
  return { name: "scale", table: scaleReport(results), results };
}
