// Load benchmark: autocannon on loopback against the real server process with authentication
// (bearer tokens) and the default query limits on, for a dashboard query and for the workflow
// pair track + finishRun, on SQLite and PostgreSQL — next to a hello-world Yoga server
// measured in the same run as the floor of the stack.
// Flags: --duration=S (per scenario, default 10), --connections=N (default 20),
// --db=sqlite|postgres (default both).
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { createToken, createUser } from "../src/auth/accounts.ts";
import { openDatabase } from "../src/db/database.ts";
import { scratchDataDir, scratchPostgresDatabase } from "../test/helpers/scratch-database.ts";
import type { BenchReport } from "./index.ts";
import { SERVER_ENTRY } from "./measure.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const LOAD_DATABASE = "lr_bench_load";

const HELLO_SERVER = `
import { createServer } from "node:http";
import { createSchema, createYoga } from "graphql-yoga";
const yoga = createYoga({ schema: createSchema({ typeDefs: "type Query { hello: String! }", resolvers: { Query: { hello: () => "world" } } }), logging: false });
const server = createServer(yoga);
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ msg: "lineage-registry listening", port: server.address().port })));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
`;

const DASHBOARD = `query Dashboard($after: String) { runs(first: 20, after: $after, orderBy: { field: STARTED_AT, direction: DESC }) { totalCount edges { node { uid status startedAt finishedAt params transform { name version } createdBy { handle } } } } }`;
const TRACK = `mutation Track($name: String!, $params: JSON) { track(input: { transform: { name: $name }, params: $params }) { uid } }`;
const FINISH = `mutation Finish($uid: String!) { finishRun(input: { uid: $uid }) { status } }`;

export interface Scenario {
  scenario: string;
  database: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  failed: number;
}

function flag(args: string[], name: string): string | undefined {
  return args.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1];
}

/** Starts a server process and resolves with its port once it logs that it listens. */
export async function startProcess(command: string[], env: Record<string, string> = {}): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(process.execPath, command, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  proc.stderr.on("data", (chunk) => (stderr += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = "";
    const onData = (chunk: Buffer) => {
      const lines = (buffered + chunk.toString("utf8")).split("\n");
      buffered = lines.pop() ?? ""; // an incomplete line waits for the next chunk
      for (const line of lines) {
        const entry = line.startsWith("{") ? (JSON.parse(line) as { msg?: string; port?: number }) : undefined;
        if (entry?.msg === "lineage-registry listening") resolve(Number(entry.port));
      }
    };
    proc.stdout.on("data", onData);
    proc.on("exit", (code) => reject(new Error(`server exited (${code}): ${stderr}`)));
    setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 60_000).unref();
  });
  // Keep draining the request log so the pipe never fills up and stalls the server.
  proc.stdout.resume();
  return { proc, port };
}

export async function stopProcess(proc: ChildProcess) {
  if (proc.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.on("exit", resolve));
  proc.kill("SIGTERM");
  await exited;
}

export async function graphql(port: number, headers: Record<string, string>, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(`seeding failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

function summarise(scenario: string, database: string, result: autocannon.Result, failed: number): Scenario {
  return {
    scenario,
    database,
    reqPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failed: failed + result.non2xx + result.errors + result.timeouts,
  };
}

/** track, then finishRun of the run it started: the pair a workflow sends, for autocannon. */
export function workflowRequests(headers: Record<string, string>, countErrors: (status: number, body: string) => void): autocannon.Request[] {
  let sequence = 0;
  return [
    {
      method: "POST",
      headers,
      setupRequest: (request) => ({
        ...request,
        body: JSON.stringify({ query: TRACK, variables: { name: `load-${sequence % 20}`, params: { n: sequence++ } } }),
      }),
      onResponse: (status, body, context) => {
        countErrors(status, body);
        (context as { uid?: string }).uid = (JSON.parse(body) as { data?: { track?: { uid: string } } }).data?.track?.uid;
      },
    },
    {
      method: "POST",
      headers,
      setupRequest: (request, context) => ({ ...request, body: JSON.stringify({ query: FINISH, variables: { uid: (context as { uid?: string }).uid } }) }),
      onResponse: countErrors,
    },
  ];
}

async function cannon(port: number, duration: number, connections: number, requests: autocannon.Request[]) {
  return autocannon({ url: `http://127.0.0.1:${port}/graphql`, duration, connections, requests });
}

/** The workflow pair: track (a transform of 20, one param) then finishRun of the run it started, each request counted. */
export async function trackAndFinish(
  port: number,
  headers: Record<string, string>,
  database: string,
  duration: number,
  connections: number,
): Promise<Scenario> {
  let failed = 0;
  const countErrors = (status: number, body: string) => {
    if (status !== 200 || body.includes('"errors"')) failed++;
  };
  const workflow = await cannon(port, duration, connections, workflowRequests(headers, countErrors));
  return summarise("track + finishRun (each request counted)", database, workflow, failed);
}

/** The floor of the stack: a hello-world Yoga server in a process of its own. */
export async function measureHello(duration: number, connections: number): Promise<Scenario> {
  const hello = await startProcess(["--input-type=module", "-e", HELLO_SERVER]);
  try {
    let failed = 0;
    const result = await cannon(hello.port, duration, connections, [
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ hello }" }),
        onResponse: (status, body) => {
          if (status !== 200 || body.includes('"errors"')) failed++;
        },
      },
    ]);
    return summarise("hello-world Yoga (floor: same stack, no auth, no limits, no database)", "-", result, failed);
  } finally {
    await stopProcess(hello.proc);
  }
}

async function measureService(database: "sqlite" | "postgres", duration: number, connections: number): Promise<Scenario[]> {
  const { dir: dataDir, remove: removeDataDir } = scratchDataDir("lr-load-");
  const scratch = database === "postgres" ? await scratchPostgresDatabase({ adminUrl: ADMIN_URL, name: LOAD_DATABASE }) : undefined;
  const databaseUrl = scratch?.url;
  // A dashboard user and a workflow user, each with its own token, as in production.
  const db = await openDatabase({ databaseUrl, dataDir });
  await createUser(db, { handle: "dashboard" });
  await createUser(db, { handle: "pipeline" });
  const reader = (await createToken(db, { userHandle: "dashboard", scopes: "read" })).secret;
  const writer = (await createToken(db, { userHandle: "pipeline", scopes: "read,write" })).secret;
  await db.close();

  const args = [...SERVER_ENTRY, "--host", "127.0.0.1", "--port", "0", "--auth", "token", "--data-dir", dataDir];
  if (databaseUrl) args.push("--database-url", databaseUrl);
  const { proc, port } = await startProcess(args, { LOG_LEVEL: "info", NODE_ENV: "production" });
  const readHeaders = { "content-type": "application/json", authorization: `Bearer ${reader}` };
  const writeHeaders = { "content-type": "application/json", authorization: `Bearer ${writer}` };
  const scenarios: Scenario[] = [];
  try {
    // Seed 300 runs over 10 transforms with params, two thirds finished.
    for (const [name, dtype] of [
      ["n", "int"],
      ["lr", "float"],
      ["tag", "str"],
    ]) {
      await graphql(
        port,
        writeHeaders,
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
    for (let batch = 0; batch < 30; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const n = batch * 10 + i;
          const { track } = await graphql(port, writeHeaders, TRACK, { name: `pipeline-${n % 10}`, params: { n, lr: (n + 0.5) / 1000, tag: `t${n % 3}` } });
          if (n % 3) await graphql(port, writeHeaders, FINISH, { uid: track.uid });
        }),
      );
    }

    let graphqlErrors = 0;
    const countErrors = (status: number, body: string) => {
      if (status !== 200 || body.includes('"errors"')) graphqlErrors++;
    };
    const dashboard = await cannon(port, duration, connections, [
      { method: "POST", headers: readHeaders, body: JSON.stringify({ query: DASHBOARD, operationName: "Dashboard" }), onResponse: countErrors },
    ]);
    scenarios.push(summarise("dashboard query (runs page of 20 with transform, params, user)", database, dashboard, graphqlErrors));

    scenarios.push(await trackAndFinish(port, writeHeaders, database, duration, connections));
  } finally {
    await stopProcess(proc);
    removeDataDir();
    await scratch?.drop();
  }
  return scenarios;
}

export async function run(args: string[]): Promise<BenchReport> {
  const duration = Number(flag(args, "duration") ?? 10);
  const connections = Number(flag(args, "connections") ?? 20);
  const only = flag(args, "db");
  const databases = (["sqlite", "postgres"] as const).filter((name) => !only || only === name);

  const scenarios: Scenario[] = [];
  scenarios.push(await measureHello(duration, connections));
  for (const database of databases) {
    console.log(`load: ${database}…`);
    scenarios.push(...(await measureService(database, duration, connections)));
  }

  const table = [
    `autocannon, ${connections} connections, ${duration} s per row, loopback; the service runs as \`src/server.ts --auth token\` with default limits, JSON request logs, metrics`,
    "",
    "| scenario | database | req/s | p50 ms | p99 ms | requests | failed |",
    "|---|---|---:|---:|---:|---:|---:|",
    ...scenarios.map((s) => `| ${s.scenario} | ${s.database} | ${s.reqPerSec} | ${s.p50Ms} | ${s.p99Ms} | ${s.requests} | ${s.failed} |`),
  ].join("\n");
  return { name: "load", table, results: { duration, connections, scenarios } };
}
