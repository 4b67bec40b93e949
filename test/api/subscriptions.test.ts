// Live updates: runEvents and artifactEvents over Server-Sent Events, on one instance — each
// kind, the filters, the read scope, the limits, and nothing announced for a write that did
// not commit (README, "Live updates").
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken, createUser } from "../../src/auth/accounts.ts";
import { finishRun as finishDomain, track as trackDomain } from "../../src/domain/runs.ts";
import { writeAnnounced, writeContext } from "../../src/domain/write-context.ts";
import { ok, registerArtifact, startTestService, trackRun, type TestService } from "../harness.ts";
import { subscribeSse, type SseSubscription } from "../helpers/sse.ts";

const RUN_EVENTS = `subscription($filter: RunEventFilter) { runEvents(filter: $filter) { kind run { uid status transform { uid } createdBy { handle } } } }`;
const ARTIFACT_EVENTS = `subscription($filter: ArtifactEventFilter) { artifactEvents(filter: $filter) { kind artifact { uid key version storage { root } } } }`;

let svc: TestService;
const open: SseSubscription[] = [];
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => {
  for (const subscription of open) subscription.close();
  await svc?.stop();
});

/**
 * Subscribes once the writes before have been announced (so that none of them reaches the new
 * subscription), and waits until it listens, so that no later write is missed.
 */
async function subscribe(target: TestService, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  await target.live.settled();
  const before = target.live.active;
  const subscription = await subscribeSse((url, init) => target.yoga.fetch(url, init), "http://localhost/graphql", query, variables, headers);
  open.push(subscription);
  for (let i = 0; i < 200 && target.live.active === before && !subscription.done; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  return subscription;
}

const runEvent = async (subscription: SseSubscription) => ok<{ runEvents: { kind: string; run: any } }>(await subscription.next());
const artifactEvent = async (subscription: SseSubscription) => ok<{ artifactEvents: { kind: string; artifact: any } }>(await subscription.next());
const mutate = async (query: string, variables: Record<string, unknown>) => ok(await svc.gql(query, variables));

describe("runEvents", () => {
  it("announces every kind, with the run as it is after the change", async () => {
    const events = await subscribe(svc, RUN_EVENTS);
    const run = await trackRun(svc, "live-kinds");
    expect((await runEvent(events)).runEvents).toMatchObject({ kind: "STARTED", run: { uid: run, status: "STARTED", createdBy: { handle: "local" } } });

    const input = await registerArtifact(svc, "live-kinds-in");
    await mutate(`mutation($r: String!, $a: String!) { addRunInputs(input: { runUid: $r, artifactUids: [$a] }) { uid } }`, { r: run, a: input });
    expect((await runEvent(events)).runEvents).toMatchObject({ kind: "UPDATED", run: { uid: run } });
    await mutate(`mutation($r: String!) { addParamValues(input: { runUid: $r, values: { alpha: 1 }, defineMissing: true }) { runUid } }`, { r: run });
    expect((await runEvent(events)).runEvents).toMatchObject({ kind: "UPDATED", run: { uid: run } });
    await registerArtifact(svc, "live-kinds-out", { runUid: run });
    expect((await runEvent(events)).runEvents).toMatchObject({ kind: "UPDATED", run: { uid: run } });

    await mutate(`mutation($r: String!) { finishRun(input: { uid: $r, status: ERRORED }) { uid } }`, { r: run });
    expect((await runEvent(events)).runEvents).toMatchObject({ kind: "FINISHED", run: { uid: run, status: "ERRORED" } });
    await mutate(`mutation($r: String!) { deleteRun(uid: $r) { uid } }`, { r: run });
    expect((await runEvent(events)).runEvents).toMatchObject({ kind: "TRASHED", run: { uid: run } });
    await mutate(`mutation($r: String!) { restoreRun(uid: $r) { uid } }`, { r: run });
    expect((await runEvent(events)).runEvents).toMatchObject({ kind: "RESTORED", run: { uid: run } });
    expect(await events.quiet(50)).toEqual([]);
  });

  it("delivers only the events its filter matches: transform (uid or stem), status, creator", async () => {
    const first = await trackRun(svc, "live-filter-a");
    const transform = ok(await svc.gql<{ run: { transform: { uid: string } } }>(`query($u: String!) { run(uid: $u) { transform { uid } } }`, { u: first }));
    const uid = transform.run.transform.uid;
    const byUid = await subscribe(svc, RUN_EVENTS, { filter: { transformUid: uid } });
    const byStem = await subscribe(svc, RUN_EVENTS, { filter: { transformUid: uid.slice(0, 12) } });
    const finished = await subscribe(svc, RUN_EVENTS, { filter: { status: ["COMPLETED", "ABORTED"] } });
    const byBob = await subscribe(svc, RUN_EVENTS, { filter: { createdBy: "bob" } });

    await trackRun(svc, "live-filter-b");
    const second = await trackRun(svc, "live-filter-a");
    await mutate(`mutation($r: String!) { finishRun(input: { uid: $r }) { uid } }`, { r: second });

    for (const subscription of [byUid, byStem]) {
      expect((await runEvent(subscription)).runEvents).toMatchObject({ kind: "STARTED", run: { uid: second } });
      expect((await runEvent(subscription)).runEvents).toMatchObject({ kind: "FINISHED", run: { uid: second } });
    }
    expect((await runEvent(finished)).runEvents).toMatchObject({ kind: "FINISHED", run: { uid: second, status: "COMPLETED" } });
    expect(await Promise.all([byUid, byStem, finished, byBob].map((subscription) => subscription.quiet(50)))).toEqual([[], [], [], []]);
  });

  it("filters each event by the status its own write left, not the run's status when it is announced", async () => {
    const finished = await subscribe(svc, RUN_EVENTS, { filter: { status: ["COMPLETED"] } });
    const started = await subscribe(svc, RUN_EVENTS, { filter: { status: ["STARTED"] } });
    // Both writes commit before the hub reads the run: by then its row says COMPLETED.
    const run = await writeAnnounced(svc.db, async (tx, changes) => {
      const w = writeContext(svc.db, tx, svc.user as never, tx, changes);
      const tracked = await trackDomain(w, { transform: { name: "live-status-race" } });
      await finishDomain(w, { uid: tracked.uid });
      return tracked.uid;
    });
    expect((await runEvent(started)).runEvents).toMatchObject({ kind: "STARTED", run: { uid: run } });
    expect((await runEvent(finished)).runEvents).toMatchObject({ kind: "FINISHED", run: { uid: run, status: "COMPLETED" } });
    expect(await Promise.all([started, finished].map((subscription) => subscription.quiet(50)))).toEqual([[], []]);
  });

  it("announces nothing for a write that rolled back or was refused", async () => {
    const events = await subscribe(svc, RUN_EVENTS);
    const before = await svc.snapshot();
    // The change is queued inside the transaction, which then fails: nothing committed, nothing announced.
    await expect(
      writeAnnounced(svc.db, async (tx, changes) => {
        await trackDomain(writeContext(svc.db, tx, svc.user as never, tx, changes), { transform: { name: "live-rollback" } });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    // A refused track: its run row was created, then the bad param value rolled the transaction back.
    const refused = await svc.gql(`mutation { track(input: { transform: { name: "live-refused" }, params: { undeclaredLiveParam: 1 } }) { uid } }`);
    expect(refused.errors?.[0]?.extensions?.code).toBe("VALIDATION_FAILED");
    expect(await svc.snapshot()).toEqual(before);

    const run = await trackRun(svc, "live-after-rollback");
    expect((await runEvent(events)).runEvents).toMatchObject({ kind: "STARTED", run: { uid: run } });
    expect(await events.quiet(50)).toEqual([]);
  });
});

describe("artifactEvents", () => {
  it("announces new families, new versions, the trash and back, filtered by key prefix and storage", async () => {
    const all = await subscribe(svc, ARTIFACT_EVENTS);
    const reports = await subscribe(svc, ARTIFACT_EVENTS, { filter: { keyStartsWith: "reports/" } });
    const elsewhere = await subscribe(svc, ARTIFACT_EVENTS, { filter: { storageRoot: "s3://live-bucket/data" } });

    const first = await registerArtifact(svc, "live-a", { key: "reports/summary.txt" });
    const second = await registerArtifact(svc, "live-b", { key: "reports/summary.txt" });
    const remote = await registerArtifact(svc, "live-c", { key: "tables/t.parquet", storageRoot: "s3://live-bucket/data" });
    await mutate(`mutation($u: String!) { deleteArtifact(uid: $u) { uid } }`, { u: remote });
    await mutate(`mutation($u: String!) { restoreArtifact(uid: $u) { uid } }`, { u: remote });

    const kinds = async (subscription: SseSubscription, n: number) => {
      const got: [string, string][] = [];
      for (let i = 0; i < n; i++) {
        const { kind, artifact } = (await artifactEvent(subscription)).artifactEvents;
        got.push([kind, artifact.uid]);
      }
      return got;
    };
    expect(await kinds(all, 5)).toEqual([
      ["CREATED", first],
      ["VERSIONED", second],
      ["CREATED", remote],
      ["TRASHED", remote],
      ["RESTORED", remote],
    ]);
    expect(await kinds(reports, 2)).toEqual([
      ["CREATED", first],
      ["VERSIONED", second],
    ]);
    expect(await kinds(elsewhere, 3)).toEqual([
      ["CREATED", remote],
      ["TRASHED", remote],
      ["RESTORED", remote],
    ]);
    expect(await Promise.all([all, reports, elsewhere].map((subscription) => subscription.quiet(50)))).toEqual([[], [], []]);
  });

  it("announces what OpenLineage ingestion writes: the run's start and end, its outputs", async () => {
    const runs = await subscribe(svc, RUN_EVENTS);
    const artifacts = await subscribe(svc, ARTIFACT_EVENTS, { filter: { keyStartsWith: "live/" } });
    const base = { producer: "https://example.com/test", schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent" };
    const job = { namespace: "live-ns", name: "live-job" };
    const run = { runId: "01890f6e-0000-7000-8000-000000000001" };
    const outputs = [{ namespace: "file", name: "live/out.csv" }];
    const events = [
      { ...base, eventType: "START", eventTime: "2026-01-01T00:00:00Z", job, run, inputs: [], outputs: [] },
      { ...base, eventType: "COMPLETE", eventTime: "2026-01-01T00:01:00Z", job, run, inputs: [], outputs },
    ];
    const results = ok(await svc.gql(`mutation($e: [JSON!]!) { ingestOpenLineage(events: $e) { status runUid reason } }`, { e: [events[0]] }));
    const runUid = (results as { ingestOpenLineage: { runUid: string }[] }).ingestOpenLineage[0].runUid;
    expect((await runEvent(runs)).runEvents).toMatchObject({ kind: "STARTED", run: { uid: runUid } });
    ok(await svc.gql(`mutation($e: [JSON!]!) { ingestOpenLineage(events: $e) { status } }`, { e: [events[1]] }));
    expect((await runEvent(runs)).runEvents).toMatchObject({ kind: "FINISHED", run: { uid: runUid, status: "COMPLETED" } });
    expect((await artifactEvent(artifacts)).artifactEvents).toMatchObject({ kind: "CREATED", artifact: { key: "live/out.csv" } });
  });
});

describe("scopes and limits", () => {
  let secured: TestService;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    secured = await startTestService({ auth: "token", maxSubscriptionsPerToken: 2 });
    await createUser(secured.db, { handle: "carol", name: "Carol" });
    for (const scopes of ["read", "write", "read,write"]) tokens[scopes] = (await createToken(secured.db, { userHandle: "carol", scopes })).secret;
  });
  afterAll(async () => secured?.stop());
  const as = (scopes: string) => ({ authorization: `Bearer ${tokens[scopes]}` });

  it("needs the read scope to subscribe; the refusal comes at once, as the stream's only message", async () => {
    const refused = await subscribe(secured, RUN_EVENTS, {}, as("write"));
    const message = await refused.next();
    expect(refused.status).toBe(200);
    expect(message.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(message.errors?.[0]?.message).toContain("read");
    expect(secured.live.active).toBe(0);
  });

  it("lets a reader walk from the run as a query would", async () => {
    const events = await subscribe(secured, RUN_EVENTS, {}, as("read"));
    const run = ok(
      await secured.gql<{ track: { uid: string } }>(`mutation { track(input: { transform: { name: "live-walk" } }) { uid } }`, {}, as("read,write")),
    );
    expect((await runEvent(events)).runEvents).toMatchObject({ kind: "STARTED", run: { uid: run.track.uid, createdBy: { handle: "carol" } } });
    events.close();
  });

  it("refuses a token's subscription past --max-subscriptions-per-token, and takes one again once another left", async () => {
    const waitFor = async (n: number) => {
      for (let i = 0; i < 200 && secured.live.active !== n; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(secured.live.active).toBe(n);
    };
    await waitFor(0);
    const first = await subscribe(secured, RUN_EVENTS, {}, as("read"));
    await subscribe(secured, RUN_EVENTS, {}, as("read"));
    const third = await subscribeSse((url, init) => secured.yoga.fetch(url, init), "http://localhost/graphql", RUN_EVENTS, {}, as("read"));
    const refusal = await third.next();
    expect(refusal.errors?.[0]?.extensions?.code).toBe("LIMIT_EXCEEDED");
    expect(refusal.errors?.[0]?.message).toContain("--max-subscriptions-per-token 2");
    // Another token of the same user has its own count.
    await subscribe(secured, RUN_EVENTS, {}, as("read,write"));
    await waitFor(3);
    first.close();
    await waitFor(2);
    const again = await subscribe(secured, RUN_EVENTS, {}, as("read"));
    await waitFor(3);
    again.close();
  });
});

describe("teardown", () => {
  // Opening a thousand streams takes tens of seconds on a loaded two-core machine.
  it("frees every listener of 1,000 subscriptions whose clients went away", { timeout: 240_000 }, async () => {
    const many = await startTestService({ maxSubscriptionsPerToken: 1_000 });
    // Yoga pings every open stream each 300 ms under NODE_ENV=test (12 s otherwise): with a
    // thousand open, the pings alone would keep a small machine busy.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = "development";
    const server = createServer((request, response) => void many.yoga(request, response));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const gauge = async () => Number(/^lineage_subscriptions_active (\d+)$/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1]);
    const settle = async (n: number) => {
      for (let i = 0; i < 500 && (await gauge()) !== n; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      return gauge();
    };
    try {
      const baseline = await gauge();
      expect(baseline).toBe(0);
      // A hundred at a time: a thousand connects at once may overflow the listen backlog.
      const dropped: SseSubscription[] = [];
      for (let batch = 0; batch < 10; batch++) {
        dropped.push(...(await Promise.all(Array.from({ length: 100 }, () => subscribeSse(fetch, `${url}/graphql`, RUN_EVENTS)))));
      }
      expect(await settle(1_000)).toBe(1_000);
      for (const subscription of dropped) subscription.close();
      expect(await settle(baseline)).toBe(baseline);
      expect(many.live.active).toBe(baseline);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await many.stop();
      process.env.NODE_ENV = nodeEnv;
    }
  });
});
