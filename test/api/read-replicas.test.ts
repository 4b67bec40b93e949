// Read replicas (PostgreSQL): which database serves each statement. The "replica" here is the
// same database reached through a second URL, so every statement can be attributed to the
// connection that ran it; lag and a real standby are the fault spec's (test/faults/replicas).
// On SQLite, replica settings are refused at start-up.
import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken, createUser } from "../../src/auth/accounts.ts";
import { ReplicasNeedPostgresError } from "../../src/db/database.ts";
import { createService } from "../../src/service.ts";
import { expectError, ok, startTestService, TEST_DB, trackRun, type TestService } from "../harness.ts";
import { scratchDataDir } from "../helpers/scratch-database.ts";
import { runServerToExit } from "../helpers/server-process.ts";
import { freePort } from "../helpers/throwaway-postgres.ts";

const RUNS = `{ runs(first: 5) { totalCount edges { node { uid status transform { name } } } } }`;
const TRACK = `mutation($name: String!) { track(input: { transform: { name: $name } }) { uid transform { name } } }`;
const LINEAGE = `query($uid: String!) { lineage(uid: $uid) { nodes { __typename } } }`;

const AUTHENTICATION =
  /"ApiToken"|^SELECT "public"\."User"\."id", "public"\."User"\."uid", "public"\."User"\."handle" FROM "public"\."User" WHERE "public"\."User"\."id" = \$1 OFFSET/;

/**
 * Runs fn and counts its statements by the database that served them. Token checks (the
 * token with its user, and the last-used bookkeeping) are left out: authentication always
 * reads the primary, so that a new token works and a revoked one stops at once.
 */
async function servedBy(svc: TestService, fn: () => Promise<unknown>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const off = svc.db.onStatement((sql, served) => {
    if (/^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/i.test(sql) || AUTHENTICATION.test(sql)) return;
    counts[served] = (counts[served] ?? 0) + 1;
  });
  try {
    await fn();
  } finally {
    off();
  }
  return counts;
}

const asReplica = (url: string) => {
  const replica = new URL(url);
  replica.searchParams.set("application_name", "lr_replica");
  return [replica.toString()];
};

describe.skipIf(TEST_DB !== "postgres")("read replicas: routing", () => {
  let svc: TestService;
  const tokens: Record<string, string> = {};
  const as = (name: string) => ({ authorization: `Bearer ${tokens[name]}` });

  beforeAll(async () => {
    svc = await startTestService({ auth: "token", readYourWritesWindowMs: 60_000 }, asReplica);
    for (const handle of ["writer", "reader"]) {
      await createUser(svc.db, { handle });
      tokens[handle] = (await createToken(svc.db, { userHandle: handle, scopes: "read,write" })).secret;
    }
  });
  afterAll(async () => svc?.stop());

  it("serves queries, lineage walks included, on the replica", async () => {
    const { uid } = ok(await svc.gql(TRACK, { name: "seed" }, as("writer"))).track;
    // The track's live-update announcement reads the new run from the primary (a replica may
    // not have it yet); it is not part of the reader's queries.
    await svc.live.settled();
    const counts = await servedBy(svc, async () => {
      expect(ok(await svc.gql(RUNS, {}, as("reader"))).runs.totalCount).toBe(1);
      expect(ok(await svc.gql(LINEAGE, { uid }, as("reader"))).lineage.nodes.length).toBeGreaterThan(0);
    });
    expect(counts["replica 1"]).toBeGreaterThanOrEqual(3);
    expect(counts.primary ?? 0).toBe(0);
  });

  it("runs a mutation and every read of it on the primary", async () => {
    const counts = await servedBy(svc, async () => ok(await svc.gql(TRACK, { name: "on-primary" }, as("reader"))));
    expect(counts.primary).toBeGreaterThan(0);
    expect(counts["replica 1"] ?? 0).toBe(0);
  });

  it("reads from the primary when asked with x-lineage-consistency: primary", async () => {
    // a caller that never wrote: without the header its reads go to the replica
    await createUser(svc.db, { handle: "asker" });
    tokens.asker = (await createToken(svc.db, { userHandle: "asker", scopes: "read" })).secret;
    expect(await servedBy(svc, () => svc.gql(RUNS, {}, as("asker")))).toEqual({ "replica 1": expect.any(Number) });
    const counts = await servedBy(svc, async () => ok(await svc.gql(RUNS, {}, { ...as("asker"), "x-lineage-consistency": "primary" })));
    expect(counts).toEqual({ primary: expect.any(Number) });
  });

  it("refuses an unknown consistency value before anything runs", async () => {
    const before = await svc.snapshot();
    const counts = await servedBy(svc, async () => {
      const error = expectError(await svc.gql(TRACK, { name: "refused" }, { ...as("writer"), "x-lineage-consistency": "strong" }), "VALIDATION_FAILED");
      expect(error.extensions?.field).toBe("x-lineage-consistency");
    });
    expect(counts).toEqual({});
    expect(await svc.snapshot()).toEqual(before);
  });

  it("reads a caller's queries from the primary within the window after its write, and only that caller's", async () => {
    ok(await svc.gql(TRACK, { name: "just-written" }, as("writer")));
    expect(await servedBy(svc, () => svc.gql(RUNS, {}, as("writer")))).toEqual({ primary: expect.any(Number) });
    expect(await servedBy(svc, () => svc.gql(RUNS, {}, as("asker")))).toEqual({ "replica 1": expect.any(Number) });
  });

  it("reports each database on /ready and the replica's lag on /metrics", async () => {
    const ready = await svc.yoga.fetch("http://localhost/ready");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ready: true,
      reads: "replicas",
      databases: [
        { name: "primary", role: "primary", state: "up" },
        { name: "replica 1", role: "replica", state: "up", lagSeconds: 0 },
      ],
    });
    const metrics = await (await svc.yoga.fetch("http://localhost/metrics")).text();
    expect(metrics).toMatch(/lineage_replica_lag_seconds\{database="replica 1"\} 0/);
    expect(metrics).toMatch(/lineage_replica_up\{database="replica 1"\} 1/);
  });
});

describe.skipIf(TEST_DB !== "postgres")("read replicas: the read-your-writes window ends", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ readYourWritesWindowMs: 1_000 }, asReplica);
  });
  afterAll(async () => svc?.stop());

  it("reads from the replica again once the window has passed", async () => {
    await trackRun(svc, "window");
    expect(await servedBy(svc, () => svc.gql(RUNS))).toEqual({ primary: expect.any(Number) });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await servedBy(svc, () => svc.gql(RUNS))).toEqual({ "replica 1": expect.any(Number) });
  });
});

describe.skipIf(TEST_DB !== "postgres")("read replicas: a replica that does not answer", () => {
  let svc: TestService;
  beforeAll(async () => {
    const closedPort = await freePort();
    svc = await startTestService({ busyTimeoutMs: 1_000 }, () => [`postgresql://postgres@127.0.0.1:${closedPort}/postgres`]);
  });
  afterAll(async () => svc?.stop());

  it("is skipped: reads run on the primary, /ready stays ready and says where reads go", async () => {
    await trackRun(svc, "no-replica");
    expect(await servedBy(svc, async () => expect(ok(await svc.gql(RUNS)).runs.totalCount).toBe(1))).toEqual({ primary: expect.any(Number) });
    const ready = await svc.yoga.fetch("http://localhost/ready");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ready: true,
      reads: "primary",
      databases: [
        { name: "primary", state: "up" },
        { name: "replica 1", state: "down", lagSeconds: null, reason: expect.any(String) },
      ],
    });
    expect(await (await svc.yoga.fetch("http://localhost/metrics")).text()).toMatch(/lineage_replica_up\{database="replica 1"\} 0/);
  });
});

describe.skipIf(TEST_DB !== "sqlite")("read replicas on SQLite", () => {
  it("are refused at start-up: replicas need PostgreSQL", async () => {
    const { dir, remove } = scratchDataDir();
    try {
      await expect(createService({ dataDir: dir, readDatabaseUrls: ["postgresql://postgres@127.0.0.1:5432/postgres"] })).rejects.toThrow(
        ReplicasNeedPostgresError,
      );
    } finally {
      remove();
    }
  });

  it("stop the server at start-up with one line and exit code 2, creating nothing", async () => {
    const { dir, remove } = scratchDataDir();
    try {
      const { code, output } = await runServerToExit(["--data-dir", dir], { READ_DATABASE_URLS: "postgresql://postgres@127.0.0.1:5432/postgres" });
      expect(code).toBe(2);
      expect(output).toMatch(/--read-database-url \(READ_DATABASE_URLS\) needs --database-url: read replicas are a PostgreSQL setup/);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      remove();
    }
  });
});
