// Lineage and dashboard benchmark: loads a seeded workload (bench/generate.ts) into SQLite and
// PostgreSQL, then measures on the same database, through HTTP GraphQL on loopback:
//  (a) `lineage` up- and downstream at depth 5, 20 and 50 (and a wide shared reference)
//      against its floor (a hello-world request on the same stack + the raw recursive SQL
//      through the bare driver) and against a naive one-query-per-node traversal;
//  (b) a dashboard page (runs with transform, params, inputs, outputs) against the raw SQL
//      returning the same data and, on PostgreSQL, against PostGraphile 4 on the same database;
//  (c) SQL statements per request for each query;
//  (d) `lineage` on a fresh, small database (a few hundred runs, no ANALYZE), as a new user
//      meets it: PostgreSQL against SQLite on the same graph and against the raw SQL through a
//      bare pg client with JIT off.
// Flags: --small, --db=sqlite|postgres, --iterations=N, --naive-iterations=N, --duration=S,
// --connections=N, --skip-lineage, --fresh-only, --skip-fresh, --fresh-runs=N, and the size
// flags of generate.ts.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import http from "node:http";
import Module, { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { buildLineageSql, type DirectionCode } from "../src/lineage/sql.ts";
import { createService, type Service } from "../src/service.ts";
import { scratchDataDir, scratchPostgresDatabase } from "../test/helpers/scratch-database.ts";
import { createApp } from "../src/yoga.ts";
import { generateWorkload, loadWorkload, sizeFromArgs, type Workload, type WorkloadSize } from "./generate.ts";
import type { BenchReport } from "./index.ts";
import { flag, graphqlClient, round, stats, time, type Stats } from "./measure.ts";
import type { postgraphile as Postgraphile } from "postgraphile";

const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const BENCH_DATABASE = "lr_bench";
const FRESH_DATABASE = "lr_bench_fresh";

type Provider = "sqlite" | "postgresql";

/**
 * Times several alternatives in turns (a, b, c, a, b, c, …) so that a change of load on this
 * shared machine during the measurement weighs on all of them alike.
 */
async function timeInTurns(iterations: number, fns: ((i: number) => Promise<unknown>)[], warmup = 3): Promise<Stats[]> {
  for (let i = 0; i < warmup; i++) for (const fn of fns) await fn(i);
  const samples: number[][] = fns.map(() => []);
  for (let i = 0; i < iterations; i++) {
    for (const [k, fn] of fns.entries()) {
      const started = performance.now();
      await fn(i);
      samples[k].push(performance.now() - started);
    }
  }
  return samples.map(stats);
}

/** A bare driver on the same database, for the raw-SQL floor. */
interface Driver {
  query(sql: string, params: unknown[]): Promise<unknown[]>;
  close(): Promise<void>;
}

async function openDriver(provider: Provider, location: string): Promise<Driver> {
  if (provider === "sqlite") {
    const sqlite = new BetterSqlite3(location, { readonly: true });
    const cache = new Map<string, BetterSqlite3.Statement>();
    return {
      async query(sql, params) {
        let statement = cache.get(sql);
        if (!statement) cache.set(sql, (statement = sqlite.prepare(sql)));
        return statement.all(...params);
      },
      async close() {
        sqlite.close();
      },
    };
  }
  return pgDriver(location, { jit: false });
}

/**
 * node-postgres on one connection. The floor runs each text as a named prepared statement with
 * JIT off, the best the statement can do (and what the service does); `jit: true, prepared:
 * false` is a plain query with the server's defaults, to show what JIT costs.
 */
async function pgDriver(location: string, { jit, prepared = !jit }: { jit: boolean; prepared?: boolean }): Promise<Driver> {
  const client = new pg.Client({ connectionString: location, options: jit ? undefined : "-c jit=off" });
  await client.connect();
  return {
    async query(sql, params) {
      const name = prepared ? `floor_${createHash("sha1").update(sql).digest("hex")}` : undefined;
      return (await client.query({ name, text: sql, values: params })).rows;
    },
    close: () => client.end(),
  };
}

/**
 * The SQL floor's throughput: `clients` loops, each on a driver of its own (one PostgreSQL
 * connection each; SQLite answers synchronously, so its loops take turns on one connection),
 * sending the statement until `seconds` have passed. Statements per second.
 */
async function floorThroughput(provider: Provider, location: string, sql: string, clients: number, seconds: number): Promise<number> {
  const drivers =
    provider === "sqlite"
      ? [await openDriver(provider, location)]
      : await Promise.all(Array.from({ length: clients }, () => pgDriver(location, { jit: false })));
  for (const driver of drivers) await driver.query(sql, []);
  const until = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, k) => {
      while (performance.now() < until) {
        await drivers[k % drivers.length].query(sql, []);
        done++;
      }
    }),
  );
  for (const driver of drivers) await driver.close();
  return round(done / seconds, 1);
}

/**
 * The sequential scans in PostgreSQL's generic plan of a statement: the plan a prepared
 * statement settles on, made without the parameters' values. The lineage statement's must read
 * every table through an index, on a large analysed database as on a fresh one.
 */
async function genericPlanSeqScans(location: string, sql: string, params: unknown[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: location, options: "-c jit=off -c plan_cache_mode=force_generic_plan" });
  await client.connect();
  try {
    await client.query(`PREPARE lineage_plan AS ${sql}`);
    const values = params.map((value) => client.escapeLiteral(String(value))).join(", ");
    const { rows } = await client.query(`EXPLAIN EXECUTE lineage_plan(${values})`);
    return rows
      .map((row) => String(row["QUERY PLAN"]))
      .filter((line) => /Seq Scan on/.test(line))
      .map((line) => line.trim().replace(/\s+\(cost.*$/, ""));
  } finally {
    await client.end();
  }
}

/** Another app on a service's database (the local user, its limits), with other options. */
function appOn(service: Service, options: { plannedPages?: boolean; responseCacheTtlMs?: number }) {
  return createApp({
    db: service.db,
    localUser: { id: service.user.id, uid: service.user.uid, handle: service.user.handle, scopes: ["read", "write", "admin"] },
    defaultStorageId: service.storage.id,
    limits: service.limits,
    ...options,
  });
}

/** GraphQL over HTTP on loopback, keep-alive, the way a client would call it. */
async function listen(
  handler: (request: http.IncomingMessage, response: http.ServerResponse) => unknown,
): Promise<{ url: string; close: () => Promise<void> }> {
  // Both handlers answer their own errors: whatever they return is not awaited.
  const server = http.createServer((request, response) => void handler(request, response));
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The baseline a plain resolver gives: breadth-first, one Prisma call per node (each may be a
 * few SQL statements for its relations), the same graph semantics as `lineage`.
 */
async function naiveLineage(prisma: Service["db"]["reader"], uid: string, direction: "UPSTREAM" | "DOWNSTREAM", depth: number, maxNodes: number) {
  const start = await prisma.artifact.findFirst({ where: { uid, trashedAt: null }, select: { id: true } });
  if (!start) throw new Error(`no artifact ${uid}`);
  const seen = new Map<string, number>([[`A${start.id}`, 0]]);
  const edges: [string, string][] = [];
  let frontier: { key: string; distance: number }[] = [{ key: `A${start.id}`, distance: 0 }];
  const visit = (key: string, distance: number, next: { key: string; distance: number }[]) => {
    if (seen.has(key) || seen.size >= maxNodes) return;
    seen.set(key, distance);
    next.push({ key, distance });
  };
  const live = { trashedAt: null };
  while (frontier.length && seen.size < maxNodes) {
    const next: { key: string; distance: number }[] = [];
    for (const { key, distance } of frontier) {
      const id = Number(key.slice(1));
      if (direction === "UPSTREAM") {
        if (key[0] === "A") {
          const a = await prisma.artifact.findUnique({
            where: { id },
            select: { run: { select: { id: true, uid: true, startedAt: true, trashedAt: true, transform: { select: { name: true, version: true } } } } },
          });
          if (a?.run && !a.run.trashedAt && distance < depth) (visit(`R${a.run.id}`, distance + 1, next), edges.push([`R${a.run.id}`, key]));
        } else if (key[0] === "C") {
          const c = await prisma.collection.findUnique({
            where: { id },
            select: {
              run: { select: { id: true, trashedAt: true } },
              artifacts: { where: { artifact: live }, select: { artifact: { select: { id: true, uid: true, key: true } } } },
            },
          });
          if (c?.run && !c.run.trashedAt && distance < depth) visit(`R${c.run.id}`, distance + 1, next);
          for (const m of c?.artifacts ?? []) (visit(`A${m.artifact.id}`, distance, next), edges.push([`A${m.artifact.id}`, key]));
        } else {
          const r = await prisma.run.findUnique({
            where: { id },
            select: {
              inputArtifacts: { where: { artifact: live }, select: { artifact: { select: { id: true, uid: true, key: true } } } },
              inputCollections: { where: { collection: live }, select: { collection: { select: { id: true, uid: true, key: true } } } },
            },
          });
          for (const l of r?.inputArtifacts ?? []) (visit(`A${l.artifact.id}`, distance, next), edges.push([`A${l.artifact.id}`, key]));
          for (const l of r?.inputCollections ?? []) (visit(`C${l.collection.id}`, distance, next), edges.push([`C${l.collection.id}`, key]));
        }
      } else {
        if (key[0] === "A") {
          const a = await prisma.artifact.findUnique({
            where: { id },
            select: {
              inputOfRuns: {
                where: { run: live },
                select: { run: { select: { id: true, uid: true, startedAt: true, transform: { select: { name: true, version: true } } } } },
              },
              collections: { where: { collection: live }, select: { collection: { select: { id: true, uid: true, key: true } } } },
            },
          });
          if (distance < depth) for (const l of a?.inputOfRuns ?? []) (visit(`R${l.run.id}`, distance + 1, next), edges.push([key, `R${l.run.id}`]));
          for (const l of a?.collections ?? []) (visit(`C${l.collection.id}`, distance, next), edges.push([key, `C${l.collection.id}`]));
        } else if (key[0] === "C") {
          const c = await prisma.collection.findUnique({
            where: { id },
            select: { inputOfRuns: { where: { run: live }, select: { run: { select: { id: true } } } } },
          });
          if (distance < depth) for (const l of c?.inputOfRuns ?? []) (visit(`R${l.run.id}`, distance + 1, next), edges.push([key, `R${l.run.id}`]));
        } else {
          const r = await prisma.run.findUnique({
            where: { id },
            select: {
              outputArtifacts: { where: live, select: { id: true, uid: true, key: true } },
              outputCollections: { where: live, select: { id: true, uid: true, key: true } },
            },
          });
          for (const o of r?.outputArtifacts ?? []) (visit(`A${o.id}`, distance, next), edges.push([key, `A${o.id}`]));
          for (const o of r?.outputCollections ?? []) (visit(`C${o.id}`, distance, next), edges.push([key, `C${o.id}`]));
        }
      }
    }
    frontier = next;
  }
  return { nodes: seen.size, edges: edges.length };
}

const LINEAGE = `query($uid: String!, $direction: LineageDirection!, $depth: Int!, $maxNodes: Int!) {
  lineage(uid: $uid, direction: $direction, depth: $depth, maxNodes: $maxNodes) {
    nodes { uid kind distance label } edges { source target } truncated
  }
}`;

const DASHBOARD = `{ runs(first: 100) { edges { node {
  uid status startedAt finishedAt
  transform { uid name version }
  params
  inputArtifacts { uid key }
  outputArtifacts { uid key }
} } } }`;

// PostGraphile's default inflection of the same tables and relations.
const DASHBOARD_POSTGRAPHILE = `{ allRuns(first: 100, orderBy: ID_DESC) { nodes {
  uid status startedAt finishedAt
  transformByTransformId { uid name version }
  runParamValuesByRunId { nodes { paramValueByParamValueId { value paramByParamId { name } } } }
  runInputArtifactsByRunId { nodes { artifactByArtifactId { uid key } } }
  artifactsByRunId { nodes { uid key } }
} } }`;

/** The raw SQL a hand-written backend would run for the same dashboard page: one statement. */
function dashboardSql(provider: Provider): string {
  if (provider === "sqlite") {
    return `SELECT r.uid, r.status, r."startedAt", r."finishedAt", t.uid AS "transformUid", t.name, t.version,
  (SELECT json_group_object(p.name, json(v.value)) FROM "RunParamValue" l JOIN "ParamValue" v ON v.id = l."paramValueId" JOIN "Param" p ON p.id = v."paramId" WHERE l."runId" = r.id) AS params,
  (SELECT json_group_array(json_array(a.uid, a.key)) FROM "RunInputArtifact" l JOIN "Artifact" a ON a.id = l."artifactId" WHERE l."runId" = r.id AND a."trashedAt" IS NULL) AS inputs,
  (SELECT json_group_array(json_array(a.uid, a.key)) FROM "Artifact" a WHERE a."runId" = r.id AND a."trashedAt" IS NULL) AS outputs
FROM "Run" r JOIN "Transform" t ON t.id = r."transformId" WHERE r."trashedAt" IS NULL ORDER BY r.id DESC LIMIT 100`;
  }
  return `SELECT r.uid, r.status, r."startedAt", r."finishedAt", t.uid AS "transformUid", t.name, t.version,
  (SELECT json_object_agg(p.name, v.value) FROM "RunParamValue" l JOIN "ParamValue" v ON v.id = l."paramValueId" JOIN "Param" p ON p.id = v."paramId" WHERE l."runId" = r.id) AS params,
  (SELECT json_agg(json_build_array(a.uid, a.key) ORDER BY a.id) FROM "RunInputArtifact" l JOIN "Artifact" a ON a.id = l."artifactId" WHERE l."runId" = r.id AND a."trashedAt" IS NULL) AS inputs,
  (SELECT json_agg(json_build_array(a.uid, a.key) ORDER BY a.id) FROM "Artifact" a WHERE a."runId" = r.id AND a."trashedAt" IS NULL) AS outputs
FROM "Run" r JOIN "Transform" t ON t.id = r."transformId" WHERE r."trashedAt" IS NULL ORDER BY r.id DESC LIMIT 100`;
}

async function throughput(url: string, query: string, connections: number, seconds: number) {
  const result = await autocannon({
    url,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
    connections,
    duration: seconds,
    // the load generator runs on a worker thread, not on the event loop of the server it measures
    workers: 1,
  });
  return { requestsPerSecond: round(result.requests.average, 1), p50: result.latency.p50, p97_5: result.latency.p97_5, errors: result.errors + result.non2xx };
}

/**
 * PostGraphile 4 needs graphql 15, beside this project's graphql 16; npm installs two copies of
 * 15 (one under postgraphile, one under graphile-build-pg), and PostGraphile refuses to mix
 * them. Every `graphql` import from inside PostGraphile's packages is sent to postgraphile's copy.
 */
function loadPostgraphile(): typeof Postgraphile {
  const fromPostgraphile = createRequire(createRequire(import.meta.url).resolve("postgraphile/package.json"));
  const resolver = Module as unknown as {
    _resolveFilename: (this: unknown, request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string;
  };
  const original = resolver._resolveFilename;
  const graphql15 = path.dirname(fromPostgraphile.resolve("graphql/package.json"));
  resolver._resolveFilename = function (request, parent, ...rest) {
    if (
      (request === "graphql" || request.startsWith("graphql/")) &&
      /node_modules\/(graphile-|postgraphile|@graphile|graphql-parse-resolve-info|graphql-ws|subscriptions-transport-ws)/.test(parent?.filename ?? "")
    ) {
      return original.call(this, path.join(graphql15, request.slice("graphql".length)), parent, ...rest);
    }
    return original.call(this, request, parent, ...rest);
  };
  return fromPostgraphile("postgraphile").postgraphile;
}

/** Counts the statements PostGraphile sends through node-postgres during fn. */
async function countPgQueries(fn: () => Promise<unknown>): Promise<{ count: number; statements: string[] }> {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const statements: string[] = [];
  proto.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0] as string | { text?: string };
    statements.push(typeof first === "string" ? first : (first?.text ?? ""));
    return original.apply(this, args);
  };
  try {
    await fn();
  } finally {
    proto.query = original;
  }
  return { count: statements.length, statements };
}

interface LineageCase {
  name: string;
  direction: "UPSTREAM" | "DOWNSTREAM";
  depth: number;
  maxNodes: number;
  starts: string[];
}

async function benchProvider(provider: Provider, args: string[], log: (line: string) => void) {
  const size = sizeFromArgs(args);
  const iterations = Number(flag(args, "iterations") ?? (args.includes("--small") ? 20 : 40));
  const naiveIterations = Number(flag(args, "naive-iterations") ?? 5);
  const duration = Number(flag(args, "duration") ?? (args.includes("--small") ? 5 : 10));
  const connections = Number(flag(args, "connections") ?? 10);

  const { dir: dataDir, remove: removeDataDir } = scratchDataDir("lr-bench-");
  let databaseUrl: string | undefined;
  // The workload database is kept after the run, for a look at its plans; the next run replaces it.
  if (provider === "postgresql") databaseUrl = (await scratchPostgresDatabase({ adminUrl: ADMIN_URL, name: BENCH_DATABASE })).url;
  const service = await createService({
    dataDir,
    databaseUrl,
    // the benchmark asks for graphs up to 10,000 nodes and 50 runs deep
    limits: { lineageMaxDepth: 100, lineageMaxNodes: 100_000, requestTimeoutMs: 600_000 },
  });
  const location = provider === "sqlite" ? path.join(dataDir, "lineage.db") : (databaseUrl as string);

  log(`${provider}: generating ${size.runs.toLocaleString("en")} runs (seed ${size.seed})`);
  const generated = performance.now();
  const workload: Workload = generateWorkload(size, { userId: service.user.id, storageId: service.storage.id });
  const generateSeconds = (performance.now() - generated) / 1000;
  log(`${provider}: ${JSON.stringify(workload.counts)}`);
  const load = await loadWorkload({ provider, location }, workload);
  // Drop the generated rows before measuring: a heap of a million rows makes every GC slower.
  workload.tables.length = 0;
  log(
    `${provider}: loaded ${load.rows.toLocaleString("en")} rows in ${load.seconds.toFixed(1)} s (${Math.round(load.rowsPerSecond).toLocaleString("en")} rows/s)`,
  );

  const server = await listen(service.yoga);
  const gql = graphqlClient(server.url);
  const driver = await openDriver(provider, location);
  const counted = async (fn: () => Promise<unknown>) => {
    let count = 0;
    const off = service.db.onStatement((sql) => {
      if (!/^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/i.test(sql)) count++;
    });
    try {
      await fn();
    } finally {
      off();
    }
    return count;
  };

  const hello = await time(iterations * 2, () => gql("{ __typename }"), 50);
  log(`${provider}: hello-world p50 ${hello.p50} ms`);

  const { deepOutputs, deepInputs, sharedReference } = workload.picks;
  const cases: LineageCase[] = [];
  for (const depth of [5, 20, 50]) {
    cases.push({ name: `lineage upstream depth ${depth}`, direction: "UPSTREAM", depth, maxNodes: 10_000, starts: deepOutputs });
    cases.push({ name: `lineage downstream depth ${depth}`, direction: "DOWNSTREAM", depth, maxNodes: 10_000, starts: deepInputs });
  }
  cases.push({
    name: `lineage downstream of a shared reference (${sharedReference.readers.toLocaleString("en")} readers), maxNodes 10,000`,
    direction: "DOWNSTREAM",
    depth: 5,
    maxNodes: 10_000,
    starts: [sharedReference.uid],
  });

  const lineageResults = [];
  for (const c of args.includes("--skip-lineage") ? [] : cases) {
    const variables = (i: number) => ({ uid: c.starts[i % c.starts.length], direction: c.direction, depth: c.depth, maxNodes: c.maxNodes });
    const sizes = await Promise.all(c.starts.slice(0, 5).map(async (uid) => (await gql(LINEAGE, { ...variables(0), uid })).data.lineage));
    const nodes = Math.round(sizes.reduce((sum, g) => sum + g.nodes.length, 0) / sizes.length);
    const edges = Math.round(sizes.reduce((sum, g) => sum + g.edges.length, 0) / sizes.length);
    const truncated = sizes.some((g) => g.truncated);
    const statements = await counted(() => gql(LINEAGE, variables(0)));
    const sqlOf = (i: number) =>
      buildLineageSql(provider, {
        start: { uid: c.starts[i % c.starts.length] },
        directions: [c.direction === "UPSTREAM" ? "U" : "D"] as DirectionCode[],
        depth: c.depth,
        maxNodes: c.maxNodes,
        includeTrashed: false,
      });
    // GraphQL over HTTP; the same statement through the bare driver; and through the service's
    // own read path (to split the driver's time from the layer above it); plus hello-world, in turns
    const [graphql, sql, readPath, helloHere] = await timeInTurns(iterations, [
      (i) => gql(LINEAGE, variables(i)),
      (i) => {
        const { sql, params } = sqlOf(i);
        return driver.query(sql, params);
      },
      (i) => {
        const { sql, params } = sqlOf(i);
        return service.db.queryRows(sql, params);
      },
      () => gql("{ __typename }"),
    ]);
    const seqScans = provider === "postgresql" ? await genericPlanSeqScans(location, sqlOf(0).sql, sqlOf(0).params) : null;
    const naiveRuns = c.maxNodes >= 10_000 && nodes > 5_000 ? Math.min(naiveIterations, 2) : naiveIterations;
    let naiveStatements = 0;
    naiveStatements = await counted(() => naiveLineage(service.db.reader, c.starts[0], c.direction, c.depth, c.maxNodes));
    const naive = await time(naiveRuns, (i) => naiveLineage(service.db.reader, c.starts[i % c.starts.length], c.direction, c.depth, c.maxNodes), 1);
    const floor = round(helloHere.p50 + sql.p50);
    const row = {
      case: c.name,
      genericPlanSeqScans: seqScans,
      nodes,
      edges,
      truncated,
      graphql,
      statements,
      sql,
      readPath,
      hello: helloHere,
      floor,
      ratioToFloor: round(graphql.p50 / floor),
      naive,
      naiveStatements,
      speedupOverNaive: round(naive.p50 / graphql.p50, 1),
    };
    lineageResults.push(row);
    log(
      `${provider}: ${c.name}: ${nodes} nodes, p50 ${graphql.p50} ms (floor ${floor} ms, ×${row.ratioToFloor}); naive ${naive.p50} ms (${row.speedupOverNaive}× slower), ${statements} vs ${naiveStatements} statements${seqScans ? `; generic plan: ${seqScans.length ? seqScans.join(", ") : "no sequential scan"}` : ""}`,
    );
  }

  // (b) the dashboard page; on PostgreSQL with PostGraphile 4 serving the same database,
  // in-process on another loopback port, measured in alternating rounds
  const page = await gql(DASHBOARD);
  if (page.data.runs.edges.length !== 100) throw new Error("dashboard page is not full");
  let postgraphileServer: { url: string; close: () => Promise<void> } | null = null;
  let pool: pg.Pool | null = null;
  if (provider === "postgresql") {
    const postgraphile = loadPostgraphile();
    pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
    const middleware = postgraphile(pool, "public", {
      disableDefaultMutations: true,
      graphqlRoute: "/graphql",
      dynamicJson: true,
      disableQueryLog: true,
      retryOnInitFail: false,
    });
    postgraphileServer = await listen(middleware);
    const answer = await graphqlClient(postgraphileServer.url)(DASHBOARD_POSTGRAPHILE);
    if (answer.data.allRuns.nodes.length !== 100) throw new Error("PostGraphile page is not full");
    if (answer.data.allRuns.nodes.map((n: { uid: string }) => n.uid).join() !== page.data.runs.edges.map((e: { node: { uid: string } }) => e.node.uid).join()) {
      throw new Error("PostGraphile's page holds other runs than ours");
    }
  }
  const pgGql = postgraphileServer ? graphqlClient(postgraphileServer.url) : null;
  // The same service with the page planner off: the page resolved field by field, as before
  // the planner (docs/architecture.md, "Pages built in the database"); its answer must be ours.
  const resolversServer = await listen(appOn(service, { plannedPages: false }));
  const resolversGql = graphqlClient(resolversServer.url);
  if (JSON.stringify(await resolversGql(DASHBOARD)) !== JSON.stringify(await gql(DASHBOARD)))
    throw new Error("the planned page differs from the resolvers' page");
  const latencies = await timeInTurns(iterations, [
    () => gql(DASHBOARD),
    () => driver.query(dashboardSql(provider), []),
    () => resolversGql(DASHBOARD),
    ...(pgGql ? [() => pgGql(DASHBOARD_POSTGRAPHILE)] : []),
  ]);
  // counted before the load rounds, whose last requests may still be in flight afterwards
  const dashboardStatements = await counted(() => gql(DASHBOARD));
  const resolverStatements = await counted(() => resolversGql(DASHBOARD));
  const postgraphileStatements = pgGql ? (await countPgQueries(() => pgGql(DASHBOARD_POSTGRAPHILE))).count : 0;
  const rounds = Number(flag(args, "rounds") ?? 3);
  const ours: Awaited<ReturnType<typeof throughput>>[] = [];
  const resolvers: Awaited<ReturnType<typeof throughput>>[] = [];
  const theirs: Awaited<ReturnType<typeof throughput>>[] = [];
  // The floor takes its turn in every round too: this shared machine's speed drifts within a
  // run, and a floor measured once, before or after the others, would carry that drift.
  const floors: number[] = [];
  for (let round = 0; round < rounds; round++) {
    ours.push(await throughput(server.url, DASHBOARD, connections, duration));
    resolvers.push(await throughput(resolversServer.url, DASHBOARD, connections, duration));
    if (postgraphileServer) theirs.push(await throughput(postgraphileServer.url, DASHBOARD_POSTGRAPHILE, connections, duration));
    floors.push(await floorThroughput(provider, location, dashboardSql(provider), connections, duration));
  }
  await resolversServer.close();
  const sqlThroughput = round(floors.reduce((sum, value) => sum + value, 0) / floors.length, 1);
  const mean = (runs: Awaited<ReturnType<typeof throughput>>[]) => ({
    requestsPerSecond: round(runs.reduce((sum, r) => sum + r.requestsPerSecond, 0) / runs.length, 1),
    rounds: runs,
  });
  // The same page with the response cache on (every request after the first is a hit): reported
  // apart, never compared with the peer, whose figure is uncached.
  const cachedServer = await listen(appOn(service, { responseCacheTtlMs: 60_000 }));
  const cachedThroughput = await throughput(cachedServer.url, DASHBOARD, connections, duration);
  await cachedServer.close();
  const dashboard = {
    cached: { throughput: cachedThroughput },
    graphql: latencies[0],
    statements: dashboardStatements,
    sql: latencies[1],
    sqlThroughput,
    sqlThroughputRounds: floors,
    throughput: mean(ours),
    resolvers: { latency: latencies[2], statements: resolverStatements, throughput: mean(resolvers) },
    postgraphile: postgraphileServer ? { latency: latencies[3], statements: postgraphileStatements, throughput: mean(theirs) } : null,
  };
  log(
    `${provider}: dashboard p50 ${dashboard.graphql.p50} ms, ${dashboard.throughput.requestsPerSecond} req/s at ${connections} connections, ${dashboard.statements} statements; raw SQL p50 ${dashboard.sql.p50} ms`,
  );
  if (dashboard.postgraphile) {
    log(
      `${provider}: PostGraphile dashboard p50 ${dashboard.postgraphile.latency.p50} ms, ${dashboard.postgraphile.throughput.requestsPerSecond} req/s, ${dashboard.postgraphile.statements} statements`,
    );
  }
  await server.close();
  await postgraphileServer?.close();
  await pool?.end();

  await driver.close();
  await service.close();
  removeDataDir();
  return {
    provider,
    size,
    generateSeconds: round(generateSeconds),
    load: { rows: load.rows, seconds: round(load.seconds), rowsPerSecond: Math.round(load.rowsPerSecond) },
    counts: workload.counts,
    hello,
    lineage: lineageResults,
    dashboard,
  };
}

/**
 * (d) The database a new user has: a few hundred runs just written, no ANALYZE, and autovacuum
 * off on its tables so that it cannot analyse them during the measurement. The same seeded graph
 * goes into PostgreSQL and SQLite; `lineage` over HTTP on each, in turns with the raw statement
 * through a bare pg client with JIT off (the floor) and with SQLite's own statement.
 */
async function benchFresh(args: string[], log: (line: string) => void) {
  const runs = Number(flag(args, "fresh-runs") ?? 300);
  const size: WorkloadSize = { transforms: 30, runs, artifacts: runs * 3, maxDepth: 25, references: 3, seed: Number(flag(args, "seed") ?? 42) };
  const iterations = Number(flag(args, "iterations") ?? 40);
  const limits = { lineageMaxDepth: 100, lineageMaxNodes: 100_000 };
  const { url: databaseUrl, drop: dropFresh } = await scratchPostgresDatabase({ adminUrl: ADMIN_URL, name: FRESH_DATABASE });
  const scratchDirs = [scratchDataDir("lr-bench-fresh-"), scratchDataDir("lr-bench-fresh-")];
  const dirs = scratchDirs.map((scratch) => scratch.dir);
  const pgService = await createService({ dataDir: dirs[0], databaseUrl, limits });
  const sqliteService = await createService({ dataDir: dirs[1], limits });
  const tables = await pgService.db.queryRows<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`, []);
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  for (const { name } of tables) await admin.query(`ALTER TABLE "${name}" SET (autovacuum_enabled = false)`);
  await admin.end();
  let picks: Workload["picks"] | null = null;
  let counts: Workload["counts"] = {};
  for (const [provider, service, location] of [
    ["postgresql", pgService, databaseUrl],
    ["sqlite", sqliteService, path.join(dirs[1], "lineage.db")],
  ] as const) {
    const workload = generateWorkload(size, { userId: service.user.id, storageId: service.storage.id });
    await loadWorkload({ provider, location }, workload, { analyze: false });
    picks = workload.picks;
    counts = workload.counts;
  }
  if (!picks) throw new Error("no workload");
  log(`fresh: ${JSON.stringify(counts)} in PostgreSQL and SQLite, no ANALYZE`);
  const servers = [await listen(pgService.yoga), await listen(sqliteService.yoga)];
  const [pgGql, sqliteGql] = servers.map((server) => graphqlClient(server.url));
  const floor = await pgDriver(databaseUrl, { jit: false });
  const jitDefault = await pgDriver(databaseUrl, { jit: true });
  const sqliteDriver = await openDriver("sqlite", path.join(dirs[1], "lineage.db"));

  const rows = [];
  for (const [direction, starts] of [
    ["UPSTREAM", picks.deepOutputs],
    ["DOWNSTREAM", picks.deepInputs],
  ] as const) {
    const depth = 20;
    const name = `lineage ${direction.toLowerCase()} depth ${depth}`;
    const variables = (i: number) => ({ uid: starts[i % starts.length], direction, depth, maxNodes: 10_000 });
    const directions: DirectionCode[] = [direction === "UPSTREAM" ? "U" : "D"];
    const sqlOf = (provider: Provider, i: number) =>
      buildLineageSql(provider, { start: { uid: starts[i % starts.length] }, directions, depth, maxNodes: 10_000, includeTrashed: false });
    // the same graph on both databases: the same seed makes the same uids
    const sample = await Promise.all([pgGql, sqliteGql].map(async (gql) => (await gql(LINEAGE, variables(0))).data.lineage));
    const uids = sample.map((graph: { nodes: { uid: string }[] }) =>
      graph.nodes
        .map((n) => n.uid)
        .sort()
        .join(),
    );
    if (uids[0] !== uids[1]) throw new Error(`fresh: ${name}: PostgreSQL and SQLite return different graphs`);
    const [postgresql, sqlite, sql, readPath, sqliteSql, pgHello, sqliteHello] = await timeInTurns(iterations, [
      (i) => pgGql(LINEAGE, variables(i)),
      (i) => sqliteGql(LINEAGE, variables(i)),
      (i) => {
        const { sql, params } = sqlOf("postgresql", i);
        return floor.query(sql, params);
      },
      (i) => {
        const { sql, params } = sqlOf("postgresql", i);
        return pgService.db.queryRows(sql, params);
      },
      (i) => {
        const { sql, params } = sqlOf("sqlite", i);
        return sqliteDriver.query(sql, params);
      },
      () => pgGql("{ __typename }"),
      () => sqliteGql("{ __typename }"),
    ]);
    // the statement as the service used to run it: planned anew each time, the server's JIT
    const withJit = await time(
      Math.min(iterations, 10),
      (i) => {
        const { sql, params } = sqlOf("postgresql", i);
        return jitDefault.query(sql, params);
      },
      1,
    );
    const { sql: planSql, params: planParams } = sqlOf("postgresql", 0);
    const seqScans = await genericPlanSeqScans(databaseUrl, planSql, planParams);
    const row = {
      case: name,
      genericPlanSeqScans: seqScans,
      nodes: sample[0].nodes.length,
      truncated: sample[0].truncated as boolean,
      postgresql,
      sqlite,
      ratioToSqlite: round(postgresql.p50 / sqlite.p50),
      floor: round(pgHello.p50 + sql.p50),
      ratioToFloor: round(postgresql.p50 / (pgHello.p50 + sql.p50)),
      sql,
      readPath,
      sqliteSql,
      hello: { postgresql: pgHello, sqlite: sqliteHello },
      sqlServerDefaultJit: withJit,
    };
    rows.push(row);
    log(
      `fresh: ${name}: ${row.nodes} nodes; PostgreSQL p50 ${postgresql.p50} ms, SQLite ${sqlite.p50} ms (×${row.ratioToSqlite}); floor ${row.floor} ms (SQL ${sql.p50}, through the service's read path ${readPath.p50}; SQLite SQL ${sqliteSql.p50}); SQL with the server's JIT ${withJit.p50} ms; generic plan: ${seqScans.length ? seqScans.join(", ") : "no sequential scan"}`,
    );
  }
  for (const server of servers) await server.close();
  for (const driver of [floor, jitDefault, sqliteDriver]) await driver.close();
  await pgService.close();
  await sqliteService.close();
  for (const scratch of scratchDirs) scratch.remove();
  await dropFresh();
  return { size, counts, rows };
}

type FreshResult = Awaited<ReturnType<typeof benchFresh>>;

function freshTable(fresh: FreshResult): string {
  const c = fresh.counts;
  const lines = [
    `Fresh database (${c.Run} runs, ${c.Artifact} artifacts, ${c.RunInputArtifact} inputs, ${c.Collection} collections; no ANALYZE), the same graph in both:`,
    "",
    "| query | nodes | postgresql p50 ms | p95 ms | sqlite p50 ms | p95 ms | postgresql ÷ sqlite | postgresql floor ms (hello + SQL, JIT off) | × floor | SQL with the server's default JIT, p50 ms |",
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
  ];
  for (const row of fresh.rows) {
    lines.push(
      `| ${row.case} | ${row.nodes}${row.truncated ? " (cut)" : ""} | ${row.postgresql.p50} | ${row.postgresql.p95} | ${row.sqlite.p50} | ${row.sqlite.p95} | ${row.ratioToSqlite} | ${row.floor} (${row.hello.postgresql.p50} + ${row.sql.p50}) | ${row.ratioToFloor} | ${row.sqlServerDefaultJit.p50} |`,
    );
  }
  return lines.join("\n");
}

type ProviderResult = Awaited<ReturnType<typeof benchProvider>>;

function table(results: ProviderResult[], connections: number): string {
  const lines: string[] = [];
  lines.push("| db | query | nodes | p50 ms | p95 ms | floor ms (hello + SQL) | × floor | naive p50 ms | naive ÷ lineage | statements (naive) |");
  lines.push("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|");
  for (const r of results) {
    for (const row of r.lineage) {
      lines.push(
        `| ${r.provider} | ${row.case} | ${row.nodes}${row.truncated ? " (cut)" : ""} | ${row.graphql.p50} | ${row.graphql.p95} | ${row.floor} (${row.hello.p50} + ${row.sql.p50}) | ${row.ratioToFloor} | ${row.naive.p50} | ${row.speedupOverNaive} | ${row.statements} (${row.naiveStatements}) |`,
      );
    }
  }
  lines.push("");
  lines.push(
    `| db | dashboard page: runs(first: 100) + transform, params, inputs, outputs | p50 ms | p95 ms | req/s at ${connections} connections | statements |`,
  );
  lines.push("|---|---|--:|--:|--:|--:|");
  for (const r of results) {
    const d = r.dashboard;
    lines.push(
      `| ${r.provider} | lineage-registry (GraphQL over HTTP) | ${d.graphql.p50} | ${d.graphql.p95} | ${d.throughput.requestsPerSecond} | ${d.statements} |`,
    );
    if (d.resolvers) {
      lines.push(
        `| ${r.provider} | lineage-registry with the page planner off (\`--no-planned-pages\`: resolvers field by field) | ${d.resolvers.latency.p50} | ${d.resolvers.latency.p95} | ${d.resolvers.throughput.requestsPerSecond} | ${d.resolvers.statements} |`,
      );
    }
    if (d.cached) {
      lines.push(
        `| ${r.provider} | lineage-registry with the response cache on (repeated page, hits) | – | – | ${d.cached.throughput.requestsPerSecond} | 0 |`,
      );
    }
    lines.push(`| ${r.provider} | raw SQL, one statement, bare driver | ${d.sql.p50} | ${d.sql.p95} | ${d.sqlThroughput} | 1 |`);
    if (d.postgraphile) {
      lines.push(
        `| ${r.provider} | PostGraphile 4 (GraphQL over HTTP) | ${d.postgraphile.latency.p50} | ${d.postgraphile.latency.p95} | ${d.postgraphile.throughput.requestsPerSecond} | ${d.postgraphile.statements} |`,
      );
    }
  }
  lines.push("");
  lines.push("| db | workload | generated in | loaded | rows/s | hello-world p50 ms |");
  lines.push("|---|---|--:|--:|--:|--:|");
  for (const r of results) {
    const c = r.counts;
    lines.push(
      `| ${r.provider} | ${c.Transform} transforms, ${c.Run} runs, ${c.Artifact} artifacts, ${c.RunInputArtifact} inputs, ${c.Collection} collections, ${c.RunParamValue} param links | ${r.generateSeconds} s | ${r.load.rows} rows in ${r.load.seconds} s | ${r.load.rowsPerSecond} | ${r.hello.p50} |`,
    );
  }
  return lines.join("\n");
}

/** Replaces this benchmark's section of bench/README.md (or appends it), leaving others alone. */
function updateReadme(section: string) {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), "README.md");
  const heading = "## Lineage and dashboard";
  const current = existsSync(file)
    ? readFileSync(file, "utf8")
    : "# Benchmarks\n\n`npm run bench` runs every `bench/*.bench.ts`; `npm run bench -- lineage` runs one.\n";
  const start = current.indexOf(heading);
  if (start < 0) {
    writeFileSync(file, `${current.trimEnd()}\n\n${heading}\n\n${section.trim()}\n`);
    return;
  }
  const next = current.indexOf("\n## ", start + heading.length);
  const end = next < 0 ? current.length : next + 1;
  writeFileSync(file, `${current.slice(0, start)}${heading}\n\n${section.trim()}\n${next < 0 ? "" : "\n"}${current.slice(end)}`);
}

export async function run(args: string[]): Promise<BenchReport> {
  const only = flag(args, "db");
  const providers: Provider[] = only === "sqlite" ? ["sqlite"] : only === "postgres" || only === "postgresql" ? ["postgresql"] : ["sqlite", "postgresql"];
  const connections = Number(flag(args, "connections") ?? 10);
  const started = performance.now();
  const results: ProviderResult[] = [];
  const log = (line: string) => console.log(`  ${line}`);
  if (!args.includes("--fresh-only")) for (const provider of providers) results.push(await benchProvider(provider, args, log));
  const fresh = args.includes("--skip-fresh") ? null : await benchFresh(args, log);
  const markdown = [results.length ? table(results, connections) : "", fresh ? freshTable(fresh) : ""].filter(Boolean).join("\n\n");
  const command = `npm run bench -- lineage${args
    .filter((a) => a.startsWith("-"))
    .map((a) => ` ${a}`)
    .join("")}`;
  const when = new Date().toISOString().slice(0, 16).replace("T", " ");
  updateReadme(readmeSection(`${markdown}\n\n${verdicts(results, fresh)}`, command, when, results, (performance.now() - started) / 1000));
  return { name: "lineage", table: markdown, results: { command, providers: results, fresh } };
}

/** Which targets of the issue the figures meet, and where a lineage request spends its time. */
function verdicts(results: ProviderResult[], fresh: FreshResult | null): string {
  const lines: string[] = ["Targets (ratios from the same run):", ""];
  if (fresh) {
    const over = fresh.rows.filter((row) => row.ratioToSqlite > 1.5);
    lines.push(
      `- fresh database: postgresql \`lineage\` within 1.5× of sqlite's on the same graph: ${over.length ? `**not met** (${over.map((row) => `${row.case}: ×${row.ratioToSqlite}`).join("; ")})` : `met (${fresh.rows.map((row) => `${row.case}: ×${row.ratioToSqlite}`).join("; ")})`}.`,
    );
  }
  const loaded = results.find((r) => r.provider === "postgresql");
  const plans = [
    ...(loaded?.lineage ?? []).map((row) => ({ where: `${loaded?.size.runs} runs`, scans: row.genericPlanSeqScans ?? [] })),
    ...(fresh?.rows ?? []).map((row) => ({ where: "fresh database", scans: row.genericPlanSeqScans })),
  ];
  if (plans.length) {
    const bad = plans.filter((plan) => plan.scans.length);
    const scans = [...new Set(bad.flatMap((plan) => plan.scans.map((scan) => scan.replace(/^->\s*/, ""))))].join(", ");
    const where = [...new Set(bad.map((plan) => plan.where))].join(", ");
    lines.push(
      `- postgresql: the generic plan of the lineage statement reads every table through an index: ${bad.length ? `**not met** in ${bad.length} of ${plans.length} statements (${where}: ${scans})` : `met (${plans.length} statements checked, no sequential scan)`}.`,
    );
  }
  const deep20 = loaded?.lineage.filter((row) => /depth 20/.test(row.case)) ?? [];
  if (deep20.length) {
    const slow = deep20.filter((row) => row.graphql.p50 >= 5);
    lines.push(
      `- postgresql: \`lineage\` under 5 ms p50 at depth 20 on the loaded workload (${loaded?.size.runs} runs): ${slow.length ? "**not met**" : "met"} (${deep20.map((row) => `${row.case.replace("lineage ", "")}: ${row.graphql.p50} ms`).join("; ")}).`,
    );
  }
  for (const r of results) {
    const over = r.lineage.filter((row) => row.ratioToFloor > 2);
    const deep = r.lineage.filter((row) => /depth (20|50)/.test(row.case) || /shared reference/.test(row.case));
    const slowest = deep.length ? Math.min(...deep.map((row) => row.speedupOverNaive)) : NaN;
    lines.push(
      `- ${r.provider}: \`lineage\` ≤ 2× its floor: ${over.length ? `**not met** in ${over.length} of ${r.lineage.length} cases (${over.map((row) => `${row.case}: ×${row.ratioToFloor}`).join("; ")})` : `met in all ${r.lineage.length} cases (×${Math.min(...r.lineage.map((row) => row.ratioToFloor))}–×${Math.max(...r.lineage.map((row) => row.ratioToFloor))})`}; ≥ 10× faster than the naive traversal at depth 20 and beyond: ${slowest >= 10 ? `met (at least ${slowest}×)` : `**not met** (${slowest}×)`}.`,
    );
    const d = r.dashboard;
    if (d.postgraphile) {
      const ratio = round(d.throughput.requestsPerSecond / d.postgraphile.throughput.requestsPerSecond);
      lines.push(
        `- ${r.provider}: dashboard page (uncached) ≥ 2× PostGraphile's requests/s at the same concurrency: ${ratio >= 2 ? "met" : "**not met**"} (×${ratio}: ${d.throughput.requestsPerSecond} vs ${d.postgraphile.throughput.requestsPerSecond} req/s; p50 of single requests ${d.graphql.p50} vs ${d.postgraphile.latency.p50} ms).`,
      );
    }
    const toFloor = round(d.throughput.requestsPerSecond / d.sqlThroughput);
    lines.push(
      `- ${r.provider}: dashboard page (uncached) ≥ 0.5× its SQL floor's statements/s at the same concurrency: ${toFloor >= 0.5 ? "met" : "**not met**"} (×${toFloor}: ${d.throughput.requestsPerSecond} vs ${d.sqlThroughput}; by round ${d.throughput.rounds.map((r, i) => `×${round(r.requestsPerSecond / d.sqlThroughputRounds[i])}`).join(", ")}${d.cached ? `; the same page from the response cache, which runs no statement at all, is ×${round(d.cached.throughput.requestsPerSecond / d.sqlThroughput)}: ${d.cached.throughput.requestsPerSecond} req/s` : ""}).`,
    );
  }
  lines.push(
    "",
    "Where a `lineage` request spends its time (p50, ms): the SQL in the bare driver; what the service's read path adds to it (a read-only connection or pool of its own with prepared statements, on both databases); the server stack (the hello-world request: HTTP, Yoga, plugins); the rest is building the graph, GraphQL execution and JSON serialisation.",
    "",
  );
  lines.push("| db | query | SQL (driver) | + read path | + server stack | + graph, execution, serialisation | = total |");
  lines.push("|---|---|--:|--:|--:|--:|--:|");
  for (const r of results) {
    for (const row of r.lineage) {
      const readPath = Math.max(0, row.readPath.p50 - row.sql.p50);
      const rest = Math.max(0, row.graphql.p50 - row.readPath.p50 - row.hello.p50);
      lines.push(`| ${r.provider} | ${row.case} | ${row.sql.p50} | ${round(readPath)} | ${row.hello.p50} | ${round(rest)} | ${row.graphql.p50} |`);
    }
  }
  return lines.join("\n");
}

function readmeSection(markdown: string, command: string, when: string, results: ProviderResult[], seconds: number): string {
  const duration = `this run took ${Math.round(seconds / 60)} min`;
  return `Measured ${when} UTC with \`${command}\` on this 2-core machine (Node ${process.version}); every figure of one database comes from one run on one loaded database. Latencies are sequential requests over loopback HTTP with keep-alive; the floor is a hello-world request (\`{ __typename }\`) on the same server stack plus the raw recursive SQL of the same graph through the bare driver (better-sqlite3 with a cached prepared statement / node-postgres with a named prepared statement and JIT off, as the service runs it); the naive traversal is one Prisma call per node, in-process (no HTTP), as a plain resolver would do. Throughput is autocannon (on a worker thread of the same process) for the stated number of connections: the mean of alternating rounds of our server, our server with the page planner off, PostGraphile (each in-process on its own loopback port, PostGraphile with a pool of 10 like ours) and the dashboard's SQL floor. The machine is shared, so single figures move by ±20 % between runs; compare the ratios.

${markdown}

The last table is the database a new user has: a few hundred runs just written and never analysed (autovacuum is switched off on its tables for the measurement), the same seeded graph in PostgreSQL and SQLite. Its last column is the statement run the way the service ran it before: planned anew each time, with the server's default \`jit = on\`. On young statistics the lineage statement's estimated cost passes \`jit_above_cost\`, and PostgreSQL 15 compiles some 235 functions (≈ 150–250 ms) to run a query of a few ms; the service therefore sets \`jit = off\` on all its connections. The generic plan of the lineage statement (\`plan_cache_mode = force_generic_plan\`, \`EXPLAIN EXECUTE\`) is checked for sequential scans on both PostgreSQL databases (targets above; \`genericPlanSeqScans\` in results.json).

The walk runs on a read-only connection (SQLite) or a small read-only pool (PostgreSQL) of its own that keeps its prepared statements (\`Database.queryRows\`): Prisma's better-sqlite3 adapter prepares every statement anew (about 1 ms per lineage request, as much as the walk itself on small graphs), and PostgreSQL plans an unnamed statement anew each time (3–5 ms for the lineage statement, more than it takes to run on small graphs). Above the SQL, a request's time goes to the server stack and to turning the node rows into the graph, executing and serialising it, on the one core of the Node process.

The dashboard page: ${results.map((r) => `${r.dashboard.statements} statements on ${r.provider}`).join(", ")}. The page planner answers it (docs/architecture.md, "Pages built in the database"): one statement builds the 100 runs with their transform, params, inputs and outputs as JSON in the database, in the shape and order the query asked for, with the page's run ids read as its subquery as the connection's resolver would read them (filter, order, cursor, page cap): one round trip on PostgreSQL, one hand-off to the reader's thread on SQLite. With the planner off (${"`--no-planned-pages`"}) the same page goes through the resolvers field by field: ${results.map((r) => `${r.dashboard.resolvers?.statements ?? "–"} statements on ${r.provider}`).join(", ")} (on PostgreSQL Prisma's join strategy puts the relations into the page's statement, with the params in one more; SQLite sends one statement per relation level); the bench checks that both answers are the same text. Its throughput is compared with PostGraphile 4 (one statement per page) and with the SQL floor: one hand-written statement returning the same page, run by ${"`--connections`"} clients on connections of their own for the same time (SQLite's take turns on one connection), in its own turn of each round. The servers run in this process, started with the service's Node settings (\`npm start\`: \`--max-semi-space-size=32\`, \`NODE_ENV=production\`), and take turns in alternating rounds. Where the page's time goes and what was cut: docs/architecture.md, "Dashboard pages".

Sizes and runs are adjustable: \`--small\` (10,000 runs), \`--runs=N --artifacts=N --transforms=N --max-depth=N --seed=N\`, \`--db=sqlite|postgres\`, \`--iterations=N\`, \`--duration=S\`, \`--connections=N\`; \`--fresh-only\` runs only the fresh-database comparison, \`--skip-fresh\` leaves it out, \`--fresh-runs=N\` sizes it (300); ${duration}.

See \`bench/results.json\` ("lineage") for p50/p95 of every part (SQL through the driver and through the service's read path, GraphQL over HTTP) and the workload's row counts.`;
}
