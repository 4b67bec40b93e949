// PostgreSQL stopped under traffic: requests fail fast with a RETRYABLE error, /ready goes
// false, and the service recovers by itself once the database is back. The spec runs its own
// throwaway PostgreSQL server (initdb in a temporary folder, a free port) and stops only that.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createService, type Service } from "../../src/service.ts";
import { TEST_DB } from "../harness.ts";
import { freePort, ThrowawayPostgres } from "../helpers/throwaway-postgres.ts";

const RUNS = `query Dash { runs(first: 5) { totalCount edges { node { uid status } } } }`;
const TRACK = `mutation Track($name: String!) { track(input: { transform: { name: $name } }) { uid } }`;

describe.skipIf(TEST_DB !== "postgres")("PostgreSQL stopped under traffic", () => {
  let pgServer: ThrowawayPostgres;
  let svc: Service;
  let dataDir: string;

  const gql = async (query: string, variables?: Record<string, unknown>) => {
    const response = await svc.yoga.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] } };
  };
  const ready = async () => (await svc.yoga.fetch("http://localhost/ready")).status;

  beforeAll(async () => {
    pgServer = new ThrowawayPostgres(await freePort());
    pgServer.start();
    dataDir = mkdtempSync(path.join(tmpdir(), "lr-pgdown-"));
    svc = await createService({ databaseUrl: pgServer.url, dataDir, busyTimeoutMs: 2_000 });
  }, 120_000);
  afterAll(async () => {
    const closed = await Promise.race([svc?.close().then(() => "closed"), new Promise<string>((resolve) => setTimeout(resolve, 5_000, "timed out"))]).catch(
      () => "failed",
    );
    if (closed !== "closed") console.warn(`closing the service after the outage: ${closed}`);
    pgServer?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("fails fast and retryably while down, and recovers by itself", async () => {
    expect((await gql(TRACK, { name: "before" })).body.data.track.uid).toBeTruthy();
    expect(await ready()).toBe(200);

    // traffic keeps flowing while the database stops
    let stop = false;
    const outcomes: string[] = [];
    const traffic = Promise.all(
      Array.from({ length: 4 }, async (_, worker) => {
        for (let i = 0; !stop; i++) {
          const { body } = await (i % 2 ? gql(RUNS) : gql(TRACK, { name: `traffic-${worker}` }));
          outcomes.push(body.errors ? String(body.errors[0].extensions?.code) : "ok");
        }
      }),
    );
    // Stop the database once traffic is flowing, and keep the traffic on until it has met the
    // outage (counted, not timed: the machine may be slow).
    const until = async (done: () => boolean) => {
      for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    };
    await until(() => outcomes.filter((outcome) => outcome === "ok").length >= 4);
    pgServer.stop("fast");
    const atStop = outcomes.length;
    await until(() => outcomes.slice(atStop).filter((outcome) => outcome === "RETRYABLE").length >= 8);
    stop = true;
    await traffic;
    expect(outcomes).toContain("ok");
    expect(outcomes).toContain("RETRYABLE");
    // nothing else: no masked internal errors, no hangs
    expect(new Set(outcomes)).toEqual(new Set(["ok", "RETRYABLE"]));

    for (const [query, variables] of [[RUNS], [TRACK, { name: "while-down" }]] as const) {
      const { status, body } = await gql(query, variables);
      expect(status).toBe(503);
      expect(body.errors?.[0].extensions?.code).toBe("RETRYABLE");
      expect(body.errors?.[0].message).toMatch(/database is unavailable.*retry/);
    }
    const notReady = await svc.yoga.fetch("http://localhost/ready");
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ ready: false, reason: expect.stringMatching(/database unreachable/) });
    expect((await svc.yoga.fetch("http://localhost/health")).status).toBe(200);

    pgServer.start();
    // the pool reconnects on its own: no restart of the service
    let status = 0;
    for (let attempt = 0; attempt < 100 && status !== 200; attempt++) {
      status = await ready();
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe(200);
    expect((await gql(TRACK, { name: "after" })).body.data.track.uid).toBeTruthy();
    expect(await svc.db.prisma.run.count({ where: { transform: { name: "after" } } })).toBe(1);
    expect((await gql(`{ users { totalCount } }`)).body.data.users.totalCount).toBeGreaterThan(0);
  });
});
