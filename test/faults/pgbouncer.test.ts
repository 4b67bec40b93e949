// The service behind PgBouncer in transaction mode (README: PgBouncer): consecutive
// transactions of one client connection land on different server connections, so the service
// may keep no session state — migrations, writes with their locks, lineage walks (named
// prepared statements, which PgBouncer before 1.21 does not carry across server connections)
// and replica reads all work through it. The spec starts its own PgBouncer on a free port in
// front of the local PostgreSQL server, with a pool small enough that connections are shared.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createService, type Service } from "../../src/service.ts";
import { TEST_DB } from "../harness.ts";
import { ADMIN_URL, scratchDataDir, scratchPostgresDatabase } from "../helpers/scratch-database.ts";
import { freePort } from "../helpers/throwaway-postgres.ts";

const PGBOUNCER = "/usr/sbin/pgbouncer";
const skipped =
  TEST_DB !== "postgres" ? " (PostgreSQL only)" : existsSync(PGBOUNCER) ? "" : ` (skipped: ${PGBOUNCER} not found; .ci/run installs Debian's pgbouncer)`;

const TRACK = `mutation($name: String!) { track(input: { transform: { name: $name } }) { uid } }`;
const LINEAGE = `query($uid: String!, $depth: Int) { lineage(uid: $uid, depth: $depth) { nodes { __typename } } }`;

/** PgBouncer in transaction mode on a free port, run as the postgres OS user (it refuses root). */
async function startPgBouncer(dir: string): Promise<{ port: number; proc: ChildProcess }> {
  const port = await freePort();
  const server = new URL(ADMIN_URL);
  writeFileSync(path.join(dir, "users.txt"), `"postgres" ""\n`);
  writeFileSync(
    path.join(dir, "pgbouncer.ini"),
    [
      "[databases]",
      `* = host=${server.hostname} port=${server.port || 5432}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = trust",
      `auth_file = ${path.join(dir, "users.txt")}`,
      "pool_mode = transaction",
      "default_pool_size = 2",
      "max_client_conn = 200",
      "ignore_startup_parameters = extra_float_digits, options",
    ].join("\n"),
  );
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString());
  chownSync(dir, uid, Number(execFileSync("id", ["-g", "postgres"]).toString()));
  const asRoot = process.getuid?.() === 0;
  const command = asRoot ? ["runuser", "-u", "postgres", "--", PGBOUNCER] : [PGBOUNCER];
  const proc = spawn(command[0], [...command.slice(1), path.join(dir, "pgbouncer.ini")], { stdio: "ignore" });
  // Listening once a connection is accepted (bounded in count).
  for (let attempt = 0; attempt < 100; attempt++) {
    const client = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres` });
    try {
      await client.connect();
      await client.end();
      return { port, proc };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  proc.kill("SIGKILL");
  throw new Error("PgBouncer did not start");
}

describe.skipIf(!!skipped)(`the service behind PgBouncer in transaction mode${skipped}`, () => {
  const dir = mkdtempSync(path.join(tmpdir(), "lr-pgbouncer-"));
  const dataDir = scratchDataDir("lr-pgbouncer-data-");
  let bouncer: { port: number; proc: ChildProcess };
  let database: { url: string; drop: () => Promise<void> };
  let svc: Service;

  const gql = async (query: string, variables?: Record<string, unknown>) => {
    const response = await svc.yoga.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: any; errors?: unknown[] };
  };

  beforeAll(async () => {
    bouncer = await startPgBouncer(dir);
    database = await scratchPostgresDatabase("lr_pgbouncer");
    // PgBouncer drops the connection's startup options (jit=off among them): set on the database, as README says.
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`ALTER DATABASE "${new URL(database.url).pathname.slice(1)}" SET jit = off`);
    await admin.end();
    const url = new URL(database.url);
    url.host = `127.0.0.1:${bouncer.port}`;
    // The replica path too: the same database through the pooler stands in for a replica.
    svc = await createService({ databaseUrl: url.toString(), readDatabaseUrls: [url.toString()], dataDir: dataDir.dir, poolSize: 4 });
  }, 60_000);
  afterAll(async () => {
    await svc?.close();
    if (bouncer) {
      const exited = new Promise((resolve) => bouncer.proc.once("exit", resolve));
      bouncer.proc.kill("SIGTERM");
      await exited;
    }
    await database?.drop();
    dataDir.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes concurrently and walks lineage repeatedly with no error", async () => {
    const first = await gql(TRACK, { name: "start" });
    expect(first.errors).toBeUndefined();
    const results = await Promise.all(
      Array.from({ length: 4 }, async (_, worker) => {
        const outcomes: unknown[] = [];
        for (let i = 0; i < 10; i++) {
          const write = await gql(TRACK, { name: `worker-${worker}` });
          // depth varies the statement text: several named statements per connection
          const walk = await gql(LINEAGE, { uid: first.data.track.uid, depth: 1 + ((worker + i) % 3) });
          outcomes.push(...(write.errors ?? []), ...(walk.errors ?? []));
          expect(walk.data?.lineage.nodes.length).toBeGreaterThan(0);
        }
        return outcomes;
      }),
    );
    expect(results.flat()).toEqual([]);
    expect(await svc.db.prisma.run.count()).toBe(41);
  });
});
