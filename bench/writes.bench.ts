// Write benchmark: recordRuns (100 runs per call, each with 2 inputs, 3 outputs and 5 params)
// in runs/s over HTTP, next to its SQL floor — the same rows written with multi-row INSERTs
// through the bare driver (better-sqlite3 / node-postgres) in one transaction per 100 runs —
// and the workflow pair track + finishRun in req/s next to a hello-world floor, all measured
// in the same run, on SQLite and PostgreSQL. The service runs as `src/server.ts --auth token`.
// One module on purpose (over 250 lines): the workload, the service rows and the bare-driver floor
// must stay side by side to write the same rows.
// Flags: --duration=S (per row, default 8), --connections=N (track + finishRun, default 10),
// --batch-connections=N (recordRuns, default 4), --db=sqlite|postgres.
import { createHash } from "node:crypto";
import path from "node:path";
import autocannon from "autocannon";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { createToken, createUser } from "../src/auth/accounts.ts";
import { openDatabase } from "../src/db/database.ts";
import { scratchDataDir, scratchPostgresDatabase } from "../test/helpers/scratch-database.ts";
import type { BenchReport } from "./index.ts";
import { SERVER_ENTRY } from "./measure.ts";
import { graphql, measureHello, startProcess, stopProcess, trackAndFinish, type Scenario } from "./load.bench.ts";

const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const BENCH_DATABASE = "lr_bench_writes";
const BATCH = 100;
const RAW = 20;

interface Row {
  scenario: string;
  database: string;
  perSec: number;
  unit: "runs/s" | "req/s";
  p50Ms: number;
  p99Ms: number;
  requests: number;
  failed: number;
}

const flag = (args: string[], name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1];
const hashOf = (text: string) => createHash("md5").update(text).digest("base64url").slice(0, 22);

let sequence = 0;
/** One call's items: runs of 10 transforms, reading 2 of 20 raw artifacts, writing 3 outputs (one a new version of a shared family). */
function items(tag: string): object[] {
  return Array.from({ length: BATCH }, () => {
    const n = ++sequence;
    const startedAt = new Date(Date.UTC(2025, 0, 1) + n * 1000);
    return {
      transform: { key: `bench/step-${n % 10}.py`, version: "1" },
      startedAt: startedAt.toISOString(),
      finishedAt: new Date(startedAt.getTime() + 500).toISOString(),
      params: [
        { name: "b_n", value: n },
        { name: "b_lr", value: (n % 100) / 1000 },
        { name: "b_tag", value: `t${n % 7}` },
        { name: "b_flag", value: n % 2 === 0 },
        { name: "b_sample", value: `s${n}` },
      ],
      inputs: [{ hash: hashOf(`raw-${n % RAW}`) }, { hash: hashOf(`raw-${(n + 7) % RAW}`) }],
      outputs: [
        { hash: hashOf(`${tag}-${n}-a`), key: `out/${n}/a.parquet`, size: n },
        { hash: hashOf(`${tag}-${n}-b`), key: `out/${n}/b.parquet`, size: n },
        { hash: hashOf(`${tag}-${n}-c`), key: `shared/${n % 100}.parquet`, size: n },
      ],
    };
  });
}

const RECORD = `mutation Record($input: [RecordRunInput!]!) { recordRuns(input: $input) { uid } }`;

function rowOf(scenario: string, database: string, result: autocannon.Result, perRequest: number, failed: number): Row {
  return {
    scenario,
    database,
    perSec: Math.round(result.requests.average * perRequest),
    unit: perRequest > 1 ? "runs/s" : "req/s",
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failed: failed + result.non2xx + result.errors + result.timeouts,
  };
}

async function seed(port: number, headers: Record<string, string>): Promise<void> {
  for (const [name, dtype] of Object.entries({ n: "int", b_n: "int", b_lr: "float", b_tag: "str", b_flag: "bool", b_sample: "str" })) {
    await graphql(
      port,
      headers,
      `
        mutation ($name: String!, $dtype: String!) {
          defineParam(input: { name: $name, dtype: $dtype }) {
            name
          }
        }
      `,
      { name, dtype },
    );
  }
  for (let i = 0; i < RAW; i++) {
    await graphql(
      port,
      headers,
      `
        mutation ($hash: String!, $key: String!) {
          registerArtifact(input: { hash: $hash, key: $key }) {
            uid
          }
        }
      `,
      {
        hash: hashOf(`raw-${i}`),
        key: `raw/${i}.fastq.gz`,
      },
    );
  }
}

async function recordRunsRow(port: number, headers: Record<string, string>, database: string, duration: number, connections: number): Promise<Row> {
  let failed = 0;
  const request = (tag: string, check?: (status: number, body: string) => void) => ({
    method: "POST" as const,
    headers,
    setupRequest: (r: autocannon.Request) => ({ ...r, body: JSON.stringify({ query: RECORD, variables: { input: items(tag) } }) }),
    onResponse: check,
  });
  // Warm-up, not measured: the first calls compile the statements' plans and the code paths.
  // With seconds of such load the database would first grow by some 30,000 runs whose shared
  // families gain hundreds of versions each: a larger database than the floor writes to.
  for (let i = 0; i < 5; i++) await graphql(port, headers, RECORD, { input: items("warm") });
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/graphql`,
    duration,
    connections,
    requests: [
      request("run", (status, body) => {
        if (status !== 200 || body.includes('"errors"')) failed++;
      }),
    ],
  });
  return rowOf(`recordRuns, ${BATCH} runs per call, ${connections} connections`, database, result, BATCH, failed);
}

type Query = (sql: string, params: unknown[]) => Promise<{ id: number }[]>;

/** A bare-driver connection: its query function, a transaction around a function, and close. */
async function bareDriver(database: "sqlite" | "postgres", target: { dataDir: string; databaseUrl?: string }) {
  if (database === "sqlite") {
    const sqlite = new BetterSqlite3(path.join(target.dataDir, "lineage.db"));
    const statements = new Map<string, BetterSqlite3.Statement>();
    const query: Query = async (sql, params) => {
      let statement = statements.get(sql);
      if (!statement) statements.set(sql, (statement = sqlite.prepare(sql)));
      return statement.reader ? (statement.all(...params) as { id: number }[]) : (statement.run(...params), []);
    };
    return {
      query,
      mark: (i: number) => (void i, "?"),
      time: (date: Date) => date.toISOString().replace("Z", "+00:00"),
      transaction: async (fn: () => Promise<void>) => {
        sqlite.exec("BEGIN IMMEDIATE");
        await fn();
        sqlite.exec("COMMIT");
      },
      close: async () => sqlite.close(),
    };
  }
  const client = new pg.Client({ connectionString: target.databaseUrl, options: "-c jit=off" });
  await client.connect();
  return {
    query: (async (sql, params) => (await client.query(sql, params)).rows) as Query,
    mark: (i: number) => `$${i}`,
    time: (date: Date) => date,
    transaction: async (fn: () => Promise<void>) => {
      await client.query("BEGIN");
      await fn();
      await client.query("COMMIT");
    },
    close: () => client.end(),
  };
}

/**
 * The rows one recordRuns call of 100 runs writes — 100 runs, 300 artifacts, 200 input links,
 * 500 param values and 500 param links — in five multi-row INSERTs in one transaction through
 * the bare driver, looking nothing up: what the database costs at the least.
 */
async function measureFloor(database: "sqlite" | "postgres", target: { dataDir: string; databaseUrl?: string }, duration: number): Promise<Row> {
  const db = await openDatabase({ databaseUrl: target.databaseUrl, dataDir: target.dataDir });
  const user = await db.prisma.user.findFirstOrThrow({ select: { id: true } });
  const transform = await db.prisma.transform.findFirstOrThrow({ select: { id: true } });
  const storage = await db.prisma.storage.findFirstOrThrow({ select: { id: true } });
  const inputs = await db.prisma.artifact.findMany({ select: { id: true }, take: 2 });
  const param = await db.prisma.param.findFirstOrThrow({ where: { name: "b_sample" }, select: { id: true } });
  await db.close();
  const driver = await bareDriver(database, target);
  const insert = async (table: string, columns: string[], rows: unknown[][], returning = false) => {
    let k = 0;
    const tuples = rows.map((row) => `(${row.map(() => driver.mark(++k)).join(", ")})`).join(", ");
    const sql = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${tuples}${returning ? ' RETURNING "id"' : ""}`;
    return driver.query(sql, rows.flat());
  };
  const latencies: number[] = [];
  const started = performance.now();
  let batches = 0;
  while (performance.now() - started < duration * 1000) {
    const t0 = performance.now();
    const tag = `f${process.pid}x${batches}x${Math.random().toString(36).slice(2, 8)}`;
    const now = driver.time(new Date());
    await driver.transaction(async () => {
      const runRows = Array.from({ length: BATCH }, (_, i) => [`${tag}${i}`.padStart(20, "0").slice(-20), transform.id, "COMPLETED", now, now, now, user.id]);
      const runs = await insert("Run", ["uid", "transformId", "status", "startedAt", "finishedAt", "createdAt", "createdById"], runRows, true);
      const ids = runs.map((r) => Number(r.id));
      const artifactRows = ids.flatMap((id, i) =>
        [0, 1, 2].map((k) => {
          const uid = `${tag}${i}k${k}`.padStart(20, "0").slice(-20);
          return [uid, uid.slice(0, 16), `out/${tag}/${i}/${k}.parquet`, storage.id, ".parquet", hashOf(`${tag}-${i}-${k}`), i, true, id, now, now, user.id];
        }),
      );
      const artifactColumns = ["uid", "stem", "key", "storageId", "suffix", "hash", "size", "isLatest", "runId", "createdAt", "updatedAt", "createdById"];
      await insert(
        "Artifact",
        artifactColumns,
        artifactRows.map((row) => row.map((v) => (typeof v === "boolean" && database === "sqlite" ? Number(v) : v))),
      );
      await insert(
        "RunInputArtifact",
        ["runId", "artifactId"],
        ids.flatMap((id) => inputs.map((input) => [id, input.id])),
      );
      const valueRows = ids.flatMap((_, i) =>
        [0, 1, 2, 3, 4].map((k) => [param.id, JSON.stringify(`${tag}-${i}-${k}`), `${tag}-${i}-${k}`, `${tag}-${i}-${k}`, now, user.id]),
      );
      const values = await insert("ParamValue", ["paramId", "value", "hash", "valueText", "createdAt", "createdById"], valueRows, true);
      await insert(
        "RunParamValue",
        ["runId", "paramValueId"],
        values.map((v, j) => [ids[Math.floor(j / 5)], Number(v.id)]),
      );
    });
    latencies.push(performance.now() - t0);
    batches++;
  }
  await driver.close();
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] * 100) / 100;
  return {
    scenario: `SQL floor: the same rows, 5 multi-row INSERTs through the bare driver, one transaction per ${BATCH} runs (in-process)`,
    database,
    perSec: Math.round((batches * BATCH) / elapsed),
    unit: "runs/s",
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    requests: batches,
    failed: 0,
  };
}

async function measureDatabase(
  database: "sqlite" | "postgres",
  options: { duration: number; connections: number; batchConnections: number; warmup: number },
): Promise<Row[]> {
  const { dir: dataDir, remove } = scratchDataDir("lr-writes-");
  const scratch = database === "postgres" ? await scratchPostgresDatabase({ adminUrl: ADMIN_URL, name: BENCH_DATABASE }) : undefined;
  const target = { dataDir, databaseUrl: scratch?.url };
  const db = await openDatabase(target);
  await createUser(db, { handle: "pipeline" });
  const token = (await createToken(db, { userHandle: "pipeline", scopes: "read,write" })).secret;
  await db.close();
  const args = [...SERVER_ENTRY, "--host", "127.0.0.1", "--port", "0", "--auth", "token", "--data-dir", dataDir];
  if (target.databaseUrl) args.push("--database-url", target.databaseUrl);
  const { proc, port } = await startProcess(args, { LOG_LEVEL: "info", NODE_ENV: "production" });
  const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
  const rows: Row[] = [];
  try {
    await seed(port, headers);
    rows.push(await recordRunsRow(port, headers, database, options.duration, options.batchConnections));
    await trackAndFinish(port, headers, database, options.warmup, options.connections); // warm-up
    const pair = await trackAndFinish(port, headers, database, options.duration, options.connections);
    rows.push({ ...pair, scenario: `${pair.scenario}, ${options.connections} connections`, perSec: pair.reqPerSec, unit: "req/s" });
  } finally {
    await stopProcess(proc);
  }
  try {
    rows.push(await measureFloor(database, target, options.duration));
  } finally {
    remove();
    await scratch?.drop();
  }
  return rows;
}

const fromScenario = (s: Scenario): Row => ({ ...s, perSec: s.reqPerSec, unit: "req/s" });

export async function run(args: string[]): Promise<BenchReport> {
  const duration = Number(flag(args, "duration") ?? 8);
  const connections = Number(flag(args, "connections") ?? 10);
  const batchConnections = Number(flag(args, "batch-connections") ?? 4);
  // A server's throughput grows for its first 15-20 s under load (V8 optimising Prisma's and
  // GraphQL's hot paths): track + finishRun is measured after that much of its own load.
  const warmup = Number(flag(args, "warmup") ?? 20);
  const only = flag(args, "db");
  const databases = (["sqlite", "postgres"] as const).filter((name) => !only || only === name);
  const rows: Row[] = [fromScenario(await measureHello(duration, connections))];
  for (const database of databases) {
    console.log(`writes: ${database}…`);
    rows.push(...(await measureDatabase(database, { duration, connections, batchConnections, warmup })));
  }
  const find = (database: string, prefix: string) => rows.find((r) => r.database === database && r.scenario.startsWith(prefix));
  const ratio = (a?: Row, b?: Row) => (a && b ? Math.round((a.perSec / b.perSec) * 10) / 10 : null);
  const ratios = Object.fromEntries(
    databases.map((d) => [d, { floorOverRecordRuns: ratio(find(d, "SQL floor"), find(d, "recordRuns")), helloOverTrack: ratio(rows[0], find(d, "track")) }]),
  );
  const table = [
    `autocannon on loopback, ${duration} s per row; recordRuns after 5 calls, track + finishRun after ${warmup} s of the same load, unmeasured; \`src/server.ts --auth token\`; recordRuns items: 2 inputs, 3 outputs, 5 params`,
    "",
    "| scenario | database | per s | unit | p50 ms | p99 ms | requests | failed |",
    "|---|---|---:|---|---:|---:|---:|---:|",
    ...rows.map((r) => `| ${r.scenario} | ${r.database} | ${r.perSec} | ${r.unit} | ${r.p50Ms} | ${r.p99Ms} | ${r.requests} | ${r.failed} |`),
    "",
    ...databases.map((d) => `${d}: SQL floor ÷ recordRuns = ${ratios[d].floorOverRecordRuns}; hello-world ÷ track + finishRun = ${ratios[d].helloOverTrack}`),
  ].join("\n");
  return { name: "writes", table, results: { duration, connections, batchConnections, rows, ratios } };
}
