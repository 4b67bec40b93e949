// Two service instances on one PostgreSQL primary with a streaming replica as their read
// database (README: read replicas). The spec makes its own primary (initdb) and replica
// (pg_basebackup -R) on free ports and runs two server processes on them: a write on one
// instance is read on the other, a replica that lags or stops is skipped without a failed
// request, and an instance killed mid-burst loses no acknowledged write.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { TEST_DB } from "../harness.ts";
import { scratchDataDir } from "../helpers/scratch-database.ts";
import { createClient } from "graphql-sse";
import { redisReachable, REDIS_URL } from "../helpers/redis.ts";
import { startServerProcess, type ServerProcess } from "../helpers/server-process.ts";
import { freePort, missingPostgresPrograms, POSTGRES_BIN, ThrowawayPostgres } from "../helpers/throwaway-postgres.ts";

const TRACK = `mutation($name: String!) { track(input: { transform: { name: $name } }) { uid } }`;
const RUN = `query($uid: String!) { run(uid: $uid) { uid } }`;
const RUNS = `{ runs(first: 3) { totalCount } }`;
const MAX_LAG_MS = 1_500;

const missing = missingPostgresPrograms("initdb", "pg_basebackup", "pg_ctl");
// Live updates travel between the instances through Redis when it runs (redis-server here).
const redis = TEST_DB === "postgres" && !missing.length && (await redisReachable());
const title = "two instances on a primary and a streaming replica";
const skipped = TEST_DB !== "postgres" ? " (PostgreSQL only)" : missing.length ? ` (skipped: ${missing.join(", ")} not found in ${POSTGRES_BIN})` : "";

/** Polls check (bounded in count, not timed) until it returns true. */
async function until(check: () => Promise<boolean>, what: string, attempts = 150): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting until ${what}`);
}

describe.skipIf(!!skipped)(`${title}${skipped}`, () => {
  let primary: ThrowawayPostgres;
  let replica: ThrowawayPostgres;
  let a: ServerProcess;
  let b: ServerProcess;
  const dataDirs: { remove: () => void }[] = [];

  const start = async () => {
    const dataDir = scratchDataDir("lr-replicas-");
    dataDirs.push(dataDir);
    const args = ["--database-url", primary.url, "--read-database-url", replica.url, "--max-replica-lag", String(MAX_LAG_MS), "--data-dir", dataDir.dir];
    if (redis) args.push("--redis-url", REDIS_URL);
    return startServerProcess(args, {}, { startTimeoutMs: 120_000 });
  };
  const ready = async (server: ServerProcess) => {
    const response = await fetch(`http://127.0.0.1:${server.port}/ready`);
    return { status: response.status, body: (await response.json()) as { reads?: string; databases: { name: string; state: string }[] } };
  };
  const onReplica = async (sql: string) => {
    const client = new pg.Client({ connectionString: replica.url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    primary = new ThrowawayPostgres(await freePort());
    primary.start();
    replica = new ThrowawayPostgres(await freePort(), primary);
    replica.start();
    a = await start(); // migrates the primary; the replica follows
    b = await start();
  }, 400_000);
  afterAll(async () => {
    for (const server of [a, b]) server?.proc.kill("SIGKILL");
    replica?.destroy();
    primary?.destroy();
    for (const dir of dataDirs) dir.remove();
  });

  it("reads a write made on instance A from instance B once the replica has it", async () => {
    const { body } = await a.gql(TRACK, { name: "from-a" });
    const uid = body.data.track.uid as string;
    await until(async () => (await b.gql(RUN, { uid })).body.data?.run?.uid === uid, "B reads A's run");
    expect((await ready(b)).body).toMatchObject({ reads: "replicas", databases: [{ name: "primary" }, { name: "replica 1", state: "up" }] });
  }, 120_000);

  it("skips a replica that lags too far: B then reads from the primary", async () => {
    await onReplica("SELECT pg_wal_replay_pause()");
    try {
      const uid = (await a.gql(TRACK, { name: "while-paused" })).body.data.track.uid as string;
      await until(async () => (await ready(b)).body.databases[1].state === "lagging", "B sees the replica lagging");
      expect((await ready(b)).body).toMatchObject({ reads: "primary" });
      expect((await b.gql(RUN, { uid })).body.data.run.uid).toBe(uid);
    } finally {
      await onReplica("SELECT pg_wal_replay_resume()");
    }
    await until(async () => (await ready(b)).body.reads === "replicas", "B reads from the replica again");
  }, 120_000);

  it("keeps serving every request while the replica stops, reading from the primary", async () => {
    let stop = false;
    const outcomes: string[] = [];
    const traffic = Promise.all(
      [a, b].map(async (server, index) => {
        for (let i = 0; !stop && i < 2_000; i++) {
          const { status, body } = await (i % 3 ? server.gql(RUNS) : server.gql(TRACK, { name: `traffic-${index}` }));
          outcomes.push(status === 200 && !body.errors ? "ok" : `${status} ${JSON.stringify(body.errors)}`);
        }
      }),
    );
    await until(async () => outcomes.length >= 10, "traffic flows");
    replica.stop("fast");
    const atStop = outcomes.length;
    await until(async () => {
      const { status, body } = await ready(b);
      return status === 200 && body.reads === "primary" && body.databases[1].state === "down";
    }, "B's /ready says the replica is down");
    await until(async () => outcomes.length >= atStop + 30, "traffic goes on after the stop");
    stop = true;
    await traffic;
    expect(outcomes.filter((outcome) => outcome !== "ok")).toEqual([]);

    replica.start();
    await until(async () => (await ready(b)).body.reads === "replicas", "B reads from the replica again");
  }, 120_000);

  it.skipIf(!redis)(
    "gives B's subscriber the run A tracked, read from the primary before the replica has it",
    async () => {
      const client = createClient({ url: b.url, retryAttempts: 0 });
      const events = client.iterate<{ runEvents: { kind: string; run: { uid: string } | null } }>({
        query: `subscription { runEvents(filter: { status: [STARTED] }) { kind run { uid } } }`,
      });
      const first = events.next();
      const gauge = async () => Number(/^lineage_subscriptions_active (\d+)$/m.exec(await (await fetch(`http://127.0.0.1:${b.port}/metrics`)).text())?.[1]);
      await until(async () => (await gauge()) === 1, "B counts the subscription");
      // With replay paused the replica cannot have the run: the event's run must come from the primary.
      await onReplica("SELECT pg_wal_replay_pause()");
      try {
        const uid = (await a.gql(TRACK, { name: "announced" })).body.data.track.uid as string;
        const event = await Promise.race([first, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no event on B within 20 s")), 20_000))]);
        expect(event.value?.data?.runEvents).toEqual({ kind: "STARTED", run: { uid } });
      } finally {
        await onReplica("SELECT pg_wal_replay_resume()");
        await events.return?.();
        client.dispose();
      }
    },
    120_000,
  );

  it("loses no acknowledged write when instance A is killed mid-burst, and B keeps serving", async () => {
    const acknowledged: string[] = [];
    let killed = false;
    const burst = Promise.all(
      Array.from({ length: 4 }, async (_, worker) => {
        for (let i = 0; !killed && i < 500; i++) {
          const result = await a.gql(TRACK, { name: `burst-${worker}` }).catch(() => undefined);
          const uid = result?.body.data?.track?.uid;
          if (typeof uid === "string") acknowledged.push(uid);
        }
      }),
    );
    await until(async () => acknowledged.length >= 20, "A acknowledges writes");
    a.proc.kill("SIGKILL");
    killed = true;
    await burst;
    expect((await a.exited).signal).toBe("SIGKILL");
    for (const uid of acknowledged) {
      const { body } = await b.gql(RUN, { uid }, { "x-lineage-consistency": "primary" });
      expect(body.data?.run?.uid, uid).toBe(uid);
    }
    // and through the replica once it has caught up
    const last = acknowledged.at(-1) ?? "";
    await until(async () => (await b.gql(RUN, { uid: last })).body.data?.run?.uid === last, "the replica has A's last write");
    expect((await b.gql(TRACK, { name: "after-kill" })).body.data.track.uid).toBeTruthy();
  }, 120_000);
});
