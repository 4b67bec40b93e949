// The read and write measurements of the scale benchmark (bench/scale.bench.ts), all over
// loopback HTTP against the running server: sequential requests for p50/p95, autocannon for
// track + finishRun throughput.
import { createHash } from "node:crypto";
import autocannon from "autocannon";
import pg from "pg";
import { buildLineageSql } from "../src/lineage/sql.ts";
import type { Picks } from "./generate.ts";
import { workflowRequests } from "./load.bench.ts";
import { graphqlClient, time, type Stats } from "./measure.ts";

export interface QueryResult {
  group: "lineage" | "dashboard" | "count";
  name: string;
  /** nodes of a lineage graph, rows of a page, or the count returned */
  size: number | string;
  stats: Stats;
  /** lineage: the same walk's SQL alone, through the bare driver (prepared, JIT off, as the service runs it) */
  sql?: Stats;
}

const LINEAGE = `query($uid: String!, $direction: LineageDirection!, $depth: Int!, $maxNodes: Int!) {
  lineage(uid: $uid, direction: $direction, depth: $depth, maxNodes: $maxNodes) { nodes { uid kind distance label } edges { source target } truncated }
}`;

const DASHBOARD = `query($filter: RunFilter) { runs(first: 100, filter: $filter) { edges { node {
  uid status startedAt finishedAt transform { uid name version } params inputArtifacts { uid key } outputArtifacts { uid key }
} } } }`;

const COUNTS: Record<string, string> = {
  totalCount: `query($filter: RunFilter) { runs(first: 1, filter: $filter) { totalCount } }`,
  "totalCountCapped(max: 1000)": `query($filter: RunFilter) { runs(first: 1, filter: $filter) { totalCountCapped(max: 1000) { count more } } }`,
  "totalCountCapped(max: 100000)": `query($filter: RunFilter) { runs(first: 1, filter: $filter) { totalCountCapped(max: 100000) { count more } } }`,
};

/** The dashboard's filters: a transform with a typical number of runs, a status, a user, one day. */
async function dashboardFilters(databaseUrl: string, handle: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const last = await client.query<{ uid: string; day: Date }>(
      `SELECT t.uid, r."startedAt" AS day FROM "Run" r JOIN "Transform" t ON t.id = r."transformId" WHERE r.id = (SELECT max(id) / 2 FROM "Run")`,
    );
    const { uid, day } = last.rows[0];
    const from = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()));
    const to = new Date(from.getTime() + 86_400_000);
    return {
      "no filter": {},
      "transform (one version)": { transformUid: uid },
      "status ERRORED": { status: ["ERRORED"] },
      [`createdBy`]: { createdBy: handle },
      "startedAt, one day": { startedAt: { gte: from.toISOString(), lt: to.toISOString() } },
      "transform + status COMPLETED": { transformUid: uid, status: ["COMPLETED"] },
    } as Record<string, object>;
  } finally {
    await client.end();
  }
}

async function measureLineage(gql: ReturnType<typeof graphqlClient>, picks: Picks, iterations: number, driver: pg.Client): Promise<QueryResult[]> {
  const results: QueryResult[] = [];
  const cases: { name: string; direction: string; depth: number; starts: string[]; iterations: number }[] = [];
  for (const depth of [5, 20, 50]) {
    cases.push({ name: `upstream depth ${depth}`, direction: "UPSTREAM", depth, starts: picks.deepOutputs, iterations });
    cases.push({ name: `downstream depth ${depth}`, direction: "DOWNSTREAM", depth, starts: picks.deepInputs, iterations });
  }
  const hub = picks.sharedReference;
  cases.push({
    name: `downstream of a shared reference (${hub.readers.toLocaleString("en")} readers) depth 5, maxNodes 10,000`,
    direction: "DOWNSTREAM",
    depth: 5,
    starts: [hub.uid],
    iterations: 5,
  });
  for (const c of cases) {
    const variables = (i: number) => ({ uid: c.starts[i % c.starts.length], direction: c.direction, depth: c.depth, maxNodes: 10_000 });
    const first = (await gql(LINEAGE, variables(0))).data.lineage;
    // Every start is walked once before timing, so that the server's code and the database's
    // pages are warm for each of them (the statement alone is timed after the requests).
    const stats = await time(c.iterations, (i) => gql(LINEAGE, variables(i)), c.starts.length);
    const sql = await time(c.iterations, (i) => {
      const start = { uid: c.starts[i % c.starts.length] };
      const { sql: text, params } = buildLineageSql("postgresql", {
        start,
        directions: [c.direction === "UPSTREAM" ? "U" : "D"],
        depth: c.depth,
        maxNodes: 10_000,
        includeTrashed: false,
      });
      return driver.query({ name: `walk_${createHash("sha1").update(text).digest("hex")}`, text, values: params });
    });
    results.push({ group: "lineage", name: c.name, size: `${first.nodes.length}${first.truncated ? " (cut)" : ""}`, stats, sql });
    process.stderr.write(`scale: lineage ${c.name}: p50 ${stats.p50} ms (SQL ${sql.p50} ms)\n`);
  }
  return results;
}

/** Lineage, the dashboard page under each filter, and the three counts under each filter. */
export async function measureQueries(url: string, picks: Picks, databaseUrl: string, options: { iterations: number; handle: string }): Promise<QueryResult[]> {
  const gql = graphqlClient(url);
  const results: QueryResult[] = [
    { group: "dashboard", name: "hello-world { __typename }", size: "-", stats: await time(options.iterations, () => gql("{ __typename }")) },
  ];
  const driver = new pg.Client({ connectionString: databaseUrl, options: "-c jit=off" });
  await driver.connect();
  try {
    results.push(...(await measureLineage(gql, picks, options.iterations, driver)));
  } finally {
    await driver.end();
  }
  const filters = await dashboardFilters(databaseUrl, options.handle);
  for (const [name, filter] of Object.entries(filters)) {
    const page = (await gql(DASHBOARD, { filter })).data.runs.edges.length;
    const stats = await time(Math.ceil(options.iterations / 2), () => gql(DASHBOARD, { filter }), 2);
    results.push({ group: "dashboard", name, size: page, stats });
    process.stderr.write(`scale: dashboard ${name}: p50 ${stats.p50} ms\n`);
    for (const [field, query] of Object.entries(COUNTS)) {
      const answer = (await gql(query, { filter })).data.runs[field.replace(/\(.*/, "")];
      const value = typeof answer === "object" ? `${answer.count}${answer.more ? "+" : ""}` : answer;
      const countStats = await time(5, () => gql(query, { filter }), 1);
      results.push({ group: "count", name: `${field}, ${name}`, size: value, stats: countStats });
      process.stderr.write(`scale: ${field}, ${name}: ${value} in ${countStats.p50} ms\n`);
    }
  }
  return results;
}

/** track + finishRun pairs from `connections` clients for `duration` seconds. */
export async function measureWrites(port: number, duration: number, connections: number) {
  let failed = 0;
  const countErrors = (status: number, body: string) => {
    if (status !== 200 || body.includes('"errors"')) failed++;
  };
  const headers = { "content-type": "application/json" };
  // the param the workflow sends (an answer of CONFLICT means an earlier run declared it)
  const define = `mutation { defineParam(input: { name: "n", dtype: "int" }) { name } }`;
  await fetch(`http://127.0.0.1:${port}/graphql`, { method: "POST", headers, body: JSON.stringify({ query: define }) });
  const result = await autocannon({ url: `http://127.0.0.1:${port}/graphql`, duration, connections, requests: workflowRequests(headers, countErrors) });
  const writes = {
    connections,
    duration,
    reqPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failed,
  };
  process.stderr.write(`scale: track + finishRun ${JSON.stringify(writes)}\n`);
  return writes;
}
