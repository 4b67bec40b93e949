// Live updates across instances: two server processes on one PostgreSQL database share their
// events through Redis (--redis-url), so a subscriber on one hears the writes the other
// serves. The subscriber is graphql-sse's own client, in distinct connections mode.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "graphql-sse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DB } from "../harness.ts";
import { redisReachable, REDIS_URL } from "../helpers/redis.ts";
import { scratchPostgresDatabase, startServerProcess, type ServerProcess } from "../helpers/server-process.ts";

const reachable = TEST_DB === "postgres" && (await redisReachable());
if (TEST_DB === "postgres" && !reachable) console.warn(`skipped: Redis is not reachable at ${REDIS_URL} (set TEST_REDIS_URL, or start redis-server)`);

describe.skipIf(!reachable)("two instances on one database, with Redis", () => {
  let database: { url: string; drop: () => Promise<void> };
  const servers: ServerProcess[] = [];
  const dirs: string[] = [];
  beforeAll(async () => {
    database = await scratchPostgresDatabase();
    // One after the other: the first migrates the new database.
    for (let i = 0; i < 2; i++) {
      const dir = mkdtempSync(path.join(tmpdir(), "lr-live-"));
      dirs.push(dir);
      servers.push(await startServerProcess(["--data-dir", dir, "--database-url", database.url, "--redis-url", REDIS_URL]));
    }
  });
  afterAll(async () => {
    for (const server of servers) server.proc.kill("SIGKILL");
    await Promise.all(servers.map((server) => server.exited));
    await database?.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("delivers to a subscriber on instance A the run that instance B tracked", async () => {
    const [a, b] = servers;
    const client = createClient({ url: a.url, retryAttempts: 0 });
    const events = client.iterate<{ runEvents: { kind: string; run: { uid: string; transform: { key: string | null } } } }>({
      query: `subscription { runEvents(filter: { status: [STARTED] }) { kind run { uid transform { key } } } }`,
    });
    const first = events.next();
    // The subscription listens once A's gauge counts it.
    const gauge = async () => Number(/^lineage_subscriptions_active (\d+)$/m.exec(await (await fetch(`http://127.0.0.1:${a.port}/metrics`)).text())?.[1]);
    for (let i = 0; i < 200 && (await gauge()) !== 1; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(await gauge()).toBe(1);

    const tracked = await b.gql<{ track: { uid: string } }>(`mutation { track(input: { transform: { name: "across", key: "pipelines/across" } }) { uid } }`);
    expect(tracked.body.errors).toBeUndefined();
    const event = await Promise.race([first, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no event on A within 10 s")), 10_000))]);
    expect(event.value?.data?.runEvents).toEqual({ kind: "STARTED", run: { uid: tracked.body.data!.track.uid, transform: { key: "pipelines/across" } } });

    await events.return?.();
    client.dispose();
    for (let i = 0; i < 200 && (await gauge()) !== 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(await gauge()).toBe(0);
  });
});
