// OpenLineage ingestion benchmark: events/s through POST /api/v1/lineage/batch (batches of 100)
// and through POST /api/v1/lineage (one event per request), autocannon on loopback against the
// real server process with token authentication, on SQLite and PostgreSQL. Each run is a
// START + COMPLETE pair reading two datasets and writing one. The SQL floor writes the same rows
// (runs, their bookkeeping, output versions, input records and links) with hand-written
// multi-row statements in one transaction per 100 events, in-process, on the same database.
// Each server gets a 2 s warm-up per route first.
// Flags: --duration=S (per scenario, default 8), --connections=N (default 10), --db=sqlite|postgres.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { createToken, createUser } from "../src/auth/accounts.ts";
import { openDatabase, type Database } from "../src/db/database.ts";
import type { BenchReport } from "./index.ts";
import { SERVER_ENTRY } from "./measure.ts";
import { startProcess, stopProcess } from "./load.bench.ts";

const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const BENCH_DATABASE = "lr_bench_openlineage";
const BATCH = 100;

interface Row {
  scenario: string;
  database: string;
  eventsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  failed: number;
}

const flag = (args: string[], name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1];

let sequence = 0;
/** The two events of one run: START at t, COMPLETE a minute later; 20 input datasets, 100 output families. */
function pair(): object[] {
  const n = ++sequence;
  const runId = `bench-${process.pid}-${n}`;
  const at = new Date(Date.UTC(2024, 0, 1) + n * 60_000);
  const event = (eventType: string, time: Date) => ({
    eventType,
    eventTime: time.toISOString(),
    producer: "https://example.com/bench",
    schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
    run: { runId },
    job: { namespace: "bench", name: `job-${n % 10}`, facets: { jobType: { jobType: "TASK", integration: "BENCH", processingType: "BATCH" } } },
    inputs: [
      { namespace: "s3://bench-raw", name: `raw/${n % 20}` },
      { namespace: "s3://bench-raw", name: `raw/${(n + 7) % 20}` },
    ],
    outputs: [{ namespace: "s3://bench-out", name: `out/${n % 100}`, outputFacets: { outputStatistics: { rowCount: n, size: n * 10 } } }],
  });
  return [event("START", at), event("COMPLETE", new Date(at.getTime() + 60_000))];
}

async function freshDatabase(database: "sqlite" | "postgres"): Promise<{ dataDir: string; databaseUrl?: string; drop: () => Promise<void> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "lr-ol-bench-"));
  if (database === "sqlite") return { dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${BENCH_DATABASE}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${BENCH_DATABASE}"`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${BENCH_DATABASE}`;
  return {
    dataDir,
    databaseUrl: url.toString(),
    drop: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${BENCH_DATABASE}" WITH (FORCE)`);
      await client.end();
    },
  };
}

async function measureService(database: "sqlite" | "postgres", duration: number, connections: number): Promise<Row[]> {
  const target = await freshDatabase(database);
  const db = await openDatabase({ databaseUrl: target.databaseUrl, dataDir: target.dataDir });
  await createUser(db, { handle: "airflow" });
  const token = (await createToken(db, { userHandle: "airflow", scopes: "write" })).secret;
  await db.close();
  const args = [...SERVER_ENTRY, "--host", "127.0.0.1", "--port", "0", "--auth", "token", "--data-dir", target.dataDir];
  if (target.databaseUrl) args.push("--database-url", target.databaseUrl);
  const { proc, port } = await startProcess(args, { LOG_LEVEL: "info", NODE_ENV: "production" });
  const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
  const rows: Row[] = [];
  try {
    let failed = 0;
    const check = (status: number, body: string) => {
      if (status !== 200 || !body.includes('"success"') || body.includes("partial_success")) failed++;
    };
    // Warm-up, not measured: a fresh server compiles its statements' plans on first use.
    const warm = (route: string, events: () => object) =>
      autocannon({
        url: `http://127.0.0.1:${port}${route}`,
        duration: 2,
        connections,
        requests: [{ method: "POST", headers, setupRequest: (r) => ({ ...r, body: JSON.stringify(events()) }) }],
      });
    await warm("/api/v1/lineage/batch", () => Array.from({ length: BATCH / 2 }, pair).flat());
    await warm("/api/v1/lineage", () => pair()[1]);
    const batch = await autocannon({
      url: `http://127.0.0.1:${port}/api/v1/lineage/batch`,
      duration,
      connections,
      requests: [
        {
          method: "POST",
          headers,
          setupRequest: (request) => ({ ...request, body: JSON.stringify(Array.from({ length: BATCH / 2 }, pair).flat()) }),
          onResponse: check,
        },
      ],
    });
    rows.push(row(`batch endpoint, ${BATCH} events per request`, database, batch, BATCH, failed));

    failed = 0;
    let pending: object[] = [];
    const single = await autocannon({
      url: `http://127.0.0.1:${port}/api/v1/lineage`,
      duration,
      connections,
      requests: [
        {
          method: "POST",
          headers,
          setupRequest: (request) => {
            if (!pending.length) pending = pair();
            return { ...request, body: JSON.stringify(pending.shift()) };
          },
          onResponse: check,
        },
      ],
    });
    rows.push(row("one event per request", database, single, 1, failed));
  } finally {
    await stopProcess(proc);
  }
  rows.push(await measureFloor(database, target, duration));
  await target.drop();
  return rows;
}

function row(scenario: string, database: string, result: autocannon.Result, perRequest: number, failed: number): Row {
  return {
    scenario,
    database,
    eventsPerSec: Math.round(result.requests.average * perRequest),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failed: failed + result.non2xx + result.errors + result.timeouts,
  };
}

/**
 * The same rows as one batch of 100 events writes — 50 runs and their bookkeeping, 50 output
 * versions, 100 input records and 100 input links — with multi-row statements in one
 * transaction, without looking anything up: what the database costs at the least.
 */
async function measureFloor(database: "sqlite" | "postgres", target: { dataDir: string; databaseUrl?: string }, duration: number): Promise<Row> {
  const db: Database = await openDatabase({ databaseUrl: target.databaseUrl, dataDir: target.dataDir });
  const user = await db.prisma.user.findFirstOrThrow({ select: { id: true } });
  const transform = await db.prisma.transform.findFirstOrThrow({ select: { id: true } });
  const storage = await db.prisma.storage.findFirstOrThrow({ select: { id: true } });
  const input = await db.prisma.artifact.findFirstOrThrow({ select: { id: true, stem: true } });
  const q = (i: number) => (database === "postgres" ? `$${i}` : "?");
  const values = (rows: number, columns: number) =>
    Array.from({ length: rows }, (_, r) => `(${Array.from({ length: columns }, (_, c) => q(r * columns + c + 1)).join(", ")})`).join(", ");
  const started = performance.now();
  let batches = 0;
  const latencies: number[] = [];
  while (performance.now() - started < duration * 1000) {
    const t0 = performance.now();
    await db.write(async (tx) => {
      const tag = `${process.pid}-${batches}-${Math.random().toString(36).slice(2)}`;
      const runs = Array.from({ length: BATCH / 2 }, (_, i) => `floor-${tag}-${i}`);
      const at = new Date();
      const created = await tx.$queryRawUnsafe<{ id: number }[]>(
        `INSERT INTO "Run" ("uid", "transformId", "status", "startedAt", "finishedAt", "reference", "referenceType", "createdById") VALUES ${values(runs.length, 8)} RETURNING "id"`,
        ...runs.flatMap((ref) => [ref.slice(-20), transform.id, "COMPLETED", at, at, ref, "openlineage", user.id]),
      );
      const ids = created.map((r) => Number(r.id));
      await tx.$executeRawUnsafe(
        `INSERT INTO "OpenLineageRun" ("reference", "runId", "jobKey", "firstEventAt", "terminalEventAt") VALUES ${values(ids.length, 5)}`,
        ...ids.flatMap((id, i) => [runs[i], id, "bench/job", at, at]),
      );
      await tx.$executeRawUnsafe(
        `INSERT INTO "Artifact" ("uid", "stem", "key", "storageId", "suffix", "hash", "hashType", "runId", "isLatest", "createdAt", "updatedAt", "createdById") VALUES ${values(ids.length, 12)}`,
        ...ids.flatMap((id, i) => [
          `${tag}-${i}`.slice(-20).padStart(20, "0"),
          `${tag}-${i}`.slice(-16).padStart(16, "0"),
          `out/${i}`,
          storage.id,
          "",
          `~floor:${tag}:${i}`,
          "openlineage",
          id,
          false,
          at,
          at,
          user.id,
        ]),
      );
      await tx.$executeRawUnsafe(
        `INSERT INTO "OpenLineageInput" ("runId", "stem", "readAt") VALUES ${values(ids.length, 3)}`,
        ...ids.flatMap((id) => [id, input.stem, at]),
      );
      await tx.$executeRawUnsafe(
        `INSERT INTO "OpenLineageInput" ("runId", "stem", "readAt") VALUES ${values(ids.length, 3)}`,
        ...ids.flatMap((id) => [id, `${input.stem}x`, at]),
      );
      await tx.$executeRawUnsafe(
        `INSERT INTO "RunInputArtifact" ("runId", "artifactId") VALUES ${values(ids.length, 2)}`,
        ...ids.flatMap((id) => [id, input.id]),
      );
    });
    latencies.push(performance.now() - t0);
    batches++;
  }
  await db.close();
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] * 100) / 100;
  return {
    scenario: `SQL floor: the same rows, hand-written multi-row INSERTs, one transaction per ${BATCH} events (in-process)`,
    database,
    eventsPerSec: Math.round((batches * BATCH) / elapsed),
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    requests: batches,
    failed: 0,
  };
}

export async function run(args: string[]): Promise<BenchReport> {
  const duration = Number(flag(args, "duration") ?? 8);
  const connections = Number(flag(args, "connections") ?? 10);
  const only = flag(args, "db");
  const databases = (["sqlite", "postgres"] as const).filter((name) => !only || only === name);
  const rows: Row[] = [];
  for (const database of databases) {
    console.log(`openlineage: ${database}…`);
    rows.push(...(await measureService(database, duration, connections)));
  }
  const ratio = (database: string) => {
    const floor = rows.find((r) => r.database === database && r.scenario.startsWith("SQL floor"));
    const batch = rows.find((r) => r.database === database && r.scenario.startsWith("batch"));
    return floor && batch ? Math.round((floor.eventsPerSec / batch.eventsPerSec) * 10) / 10 : null;
  };
  const table = [
    `autocannon, ${connections} connections, ${duration} s per row, loopback; \`src/server.ts --auth token\`; START + COMPLETE pairs, each reading 2 datasets and writing 1`,
    "",
    "| scenario | database | events/s | p50 ms | p99 ms | requests | failed |",
    "|---|---|---:|---:|---:|---:|---:|",
    ...rows.map((r) => `| ${r.scenario} | ${r.database} | ${r.eventsPerSec} | ${r.p50Ms} | ${r.p99Ms} | ${r.requests} | ${r.failed} |`),
    "",
    ...databases.map((database) => `${database}: SQL floor ÷ batch endpoint = ${ratio(database)}`),
  ].join("\n");
  return { name: "openlineage", table, results: { duration, connections, rows, floorRatio: Object.fromEntries(databases.map((d) => [d, ratio(d)])) } };
}
