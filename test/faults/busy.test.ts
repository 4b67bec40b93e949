// The database busy rather than down: a locked SQLite file (SQLITE_BUSY), an exhausted
// PostgreSQL pool and a PostgreSQL statement timeout each answer RETRYABLE (HTTP 503) instead
// of a masked internal error, write nothing, and the service carries on once the cause is gone.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createService, type Service } from "../../src/service.ts";
import { scratchPostgresDatabase } from "../helpers/server-process.ts";
import { startTestService, TEST_DB, type TestService } from "../harness.ts";

const TRACK = `mutation($name: String!) { track(input: { transform: { name: $name } }) { uid } }`;

async function post(yoga: Service["yoga"], query: string, variables?: Record<string, unknown>) {
  const response = await yoga.fetch("http://localhost/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] },
  };
}

describe.skipIf(TEST_DB !== "sqlite")("SQLite busy", () => {
  let svc: TestService;
  afterAll(async () => svc?.stop());

  it("answers RETRYABLE while another process holds the write lock, then writes again", async () => {
    svc = await startTestService({ busyTimeoutMs: 200 });
    const before = await svc.snapshot();
    const other = new Database(svc.db.location);
    other.exec("BEGIN IMMEDIATE");
    try {
      const refused = await post(svc.yoga, TRACK, { name: "while-locked" });
      expect(refused.status).toBe(503);
      expect(refused.retryAfter).toBe("1");
      expect(refused.body.errors?.[0].extensions?.code).toBe("RETRYABLE");
    } finally {
      other.exec("COMMIT");
      other.close();
    }
    expect(await svc.snapshot()).toEqual(before);
    expect((await post(svc.yoga, TRACK, { name: "after-lock" })).body.data.track.uid).toBeTruthy();
  });
});

describe.skipIf(TEST_DB !== "postgres")("PostgreSQL busy", () => {
  let svc: TestService | undefined;
  let scratch: Service | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await svc?.stop();
    await scratch?.close();
    await drop?.();
  });

  async function lockRuns(url: string) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`BEGIN; LOCK TABLE "Run" IN ACCESS EXCLUSIVE MODE`);
    const watcher = new pg.Client({ connectionString: url });
    await watcher.connect();
    return {
      /** Resolves once a statement of the service waits on the lock. */
      async waiter() {
        for (let i = 0; i < 200; i++) {
          const { rows } = await watcher.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          );
          if (rows[0].n > 0) return;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        throw new Error("no statement ever waited on the lock");
      },
      async unlock() {
        await client.query("COMMIT");
        await client.end();
        await watcher.end();
      },
    };
  }

  it("answers RETRYABLE when no pool connection frees up in time", async () => {
    svc = await startTestService({ poolSize: 1, busyTimeoutMs: 300 });
    const lock = await lockRuns(svc.db.location);
    // The only connection is taken by a write that waits on the lock…
    const blocked = post(svc.yoga, TRACK, { name: "holds-the-connection" });
    await lock.waiter();
    // …so the next request cannot get one.
    const starved = await post(svc.yoga, `{ users { totalCount } }`);
    expect(starved.status).toBe(503);
    expect(starved.body.errors?.[0].extensions?.code).toBe("RETRYABLE");
    await lock.unlock();
    expect((await blocked).body.data.track.uid).toBeTruthy();
    expect((await post(svc.yoga, `{ users { totalCount } }`)).body.data.users.totalCount).toBeGreaterThan(0);
  });

  it("answers RETRYABLE when a statement hits the server's statement timeout", async () => {
    const database = await scratchPostgresDatabase();
    drop = database.drop;
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`ALTER DATABASE "${new URL(database.url).pathname.slice(1)}" SET statement_timeout = '300ms'`);
    await admin.end();
    const dataDir = mkdtempSync(path.join(tmpdir(), "lr-busy-"));
    try {
      scratch = await createService({ databaseUrl: database.url, dataDir });
      const lock = await lockRuns(database.url);
      const transformsBefore = await (async () => {
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM "Transform"`);
        await client.end();
        return rows[0].n as number;
      })();
      const canceled = await post(scratch.yoga, TRACK, { name: "too-slow" });
      await lock.unlock();
      expect(canceled.status).toBe(503);
      expect(canceled.body.errors?.[0].extensions?.code).toBe("RETRYABLE");
      // the transform created before the canceled insert was rolled back with it
      expect(await scratch.db.prisma.transform.count()).toBe(transformsBefore);
      expect((await post(scratch.yoga, TRACK, { name: "in-time" })).body.data.track.uid).toBeTruthy();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
