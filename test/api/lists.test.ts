// Dashboard lists: Relay connections with filters, ordering, pagination and totalCount.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentHash, expectError, ok, startTestService, type TestService } from "../harness.ts";

let svc: TestService;
const runUids: string[] = [];
let transformUid = "";
let startedBetween: { gte: string; lt: string };

beforeAll(async () => {
  svc = await startTestService();
  for (let i = 0; i < 12; i++) {
    const name = i % 3 === 0 ? "ingest" : "analyse";
    const run = ok(
      await svc.gql(
        `mutation($n: String!, $v: String!) { track(input: { transform: { name: $n, version: $v, type: "script" } }) { uid startedAt transform { uid } } }`,
        { n: name, v: i < 6 ? "1" : "2" },
      ),
    ).track;
    runUids.push(run.uid);
    if (i === 0) transformUid = run.transform.uid;
    if (i === 4) startedBetween = { gte: run.startedAt, lt: "" };
    if (i === 8) startedBetween.lt = run.startedAt;
    if (i % 4 === 1) ok(await svc.gql(`mutation($u: String!) { finishRun(input: { uid: $u, status: ERRORED }) { uid } }`, { u: run.uid }));
    await new Promise((resolve) => setTimeout(resolve, 3)); // distinct start times
  }
  for (let i = 0; i < 5; i++) {
    ok(
      await svc.gql(`mutation($h: String!, $k: String!) { registerArtifact(input: { key: $k, hash: $h, type: "dataset" }) { uid } }`, {
        h: contentHash(`list${i}`),
        k: `lists/file-${i}.csv`,
      }),
    );
  }
});
afterAll(async () => svc?.stop());

const uidsOf = (connection: { edges: { node: { uid: string } }[] }) => connection.edges.map((edge) => edge.node.uid);

describe("runs connection", () => {
  it("pages with first/after, newest first, with a stable totalCount", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = ok(
        await svc.gql(
          `query($after: String) { runs(first: 5, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { uid } } } }`,
          { after },
        ),
      ).runs;
      expect(page.totalCount).toBe(12);
      seen.push(...uidsOf(page));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([...runUids].reverse());
  });

  it("filters by status, transform, time range and creator, and orders by start time", async () => {
    const errored = ok(await svc.gql(`{ runs(filter: { status: [ERRORED] }) { totalCount } }`)).runs;
    expect(errored.totalCount).toBe(3);
    const byName = ok(await svc.gql(`{ runs(filter: { transformName: { equals: "ingest" } }) { totalCount } }`)).runs;
    expect(byName.totalCount).toBe(4);
    const byFamily = ok(await svc.gql(`query($t: String!) { runs(filter: { transformUid: $t }) { totalCount } }`, { t: transformUid.slice(0, 12) })).runs;
    expect(byFamily.totalCount).toBe(4); // both versions of "ingest"
    const byVersion = ok(await svc.gql(`query($t: String!) { runs(filter: { transformUid: $t }) { totalCount } }`, { t: transformUid })).runs;
    expect(byVersion.totalCount).toBe(2);
    const inRange = ok(
      await svc.gql(`query($r: DateTimeRange) { runs(filter: { startedAt: $r }, orderBy: { field: STARTED_AT, direction: ASC }) { edges { node { uid } } } }`, {
        r: startedBetween,
      }),
    ).runs;
    expect(uidsOf(inRange)).toEqual(runUids.slice(4, 8));
    const mine = ok(await svc.gql(`{ runs(filter: { createdBy: "local" }) { totalCount } nobody: runs(filter: { createdBy: "ghost" }) { totalCount } }`));
    expect(mine.runs.totalCount).toBe(12);
    expect(mine.nobody.totalCount).toBe(0);
    expectError(await svc.gql(`{ runs(filter: { status: [FLYING] }) { totalCount } }`), "GRAPHQL_VALIDATION_FAILED");
  });

  it("hides the trash unless asked, and lists it on its own", async () => {
    ok(await svc.gql(`mutation($u: String!) { deleteRun(uid: $u) { uid permanent } }`, { u: runUids[0] }));
    const counts = ok(
      await svc.gql(
        `{ d: runs { totalCount } t: runs(filter: { visibility: TRASH }) { totalCount edges { node { uid trashedAt } } } a: runs(filter: { visibility: ALL }) { totalCount } }`,
      ),
    );
    expect(counts.d.totalCount).toBe(11);
    expect(counts.t.totalCount).toBe(1);
    expect(counts.t.edges[0].node.uid).toBe(runUids[0]);
    expect(counts.a.totalCount).toBe(12);
    expect(ok(await svc.gql(`query($u: String!) { run(uid: $u) { uid } }`, { u: runUids[0] })).run).toBeNull();
    expect(ok(await svc.gql(`query($u: String!) { run(uid: $u, includeTrashed: true) { uid } }`, { u: runUids[0] })).run.uid).toBe(runUids[0]);
    ok(await svc.gql(`mutation($u: String!) { restoreRun(uid: $u) { uid trashedAt } }`, { u: runUids[0] }));
    expect(ok(await svc.gql(`{ runs { totalCount } }`)).runs.totalCount).toBe(12);
  });
});

describe("other connections", () => {
  it("filters transforms, artifacts, users and params", async () => {
    const transforms = ok(
      await svc.gql(
        `{ all: transforms { totalCount } latest: transforms(filter: { isLatest: true }, orderBy: { field: NAME, direction: ASC }) { edges { node { name version } } } v1: transforms(filter: { version: "1" }) { totalCount } }`,
      ),
    );
    expect(transforms.all.totalCount).toBe(4);
    expect(transforms.latest.edges.map((e: any) => e.node)).toEqual([
      { name: "analyse", version: "2" },
      { name: "ingest", version: "2" },
    ]);
    expect(transforms.v1.totalCount).toBe(2);
    const artifacts = ok(
      await svc.gql(
        `{ artifacts(filter: { key: { startsWith: "lists/" } }, orderBy: { field: KEY, direction: ASC }, first: 2) { totalCount edges { node { key } } pageInfo { hasNextPage } } }`,
      ),
    ).artifacts;
    expect(artifacts.totalCount).toBe(5);
    expect(artifacts.edges.map((e: any) => e.node.key)).toEqual(["lists/file-0.csv", "lists/file-1.csv"]);
    expect(artifacts.pageInfo.hasNextPage).toBe(true);
    const contains = ok(await svc.gql(`{ artifacts(filter: { key: { contains: "file-3" }, type: ["dataset"] }) { totalCount } }`)).artifacts;
    expect(contains.totalCount).toBe(1);
    // Search ignores case on both databases; equals stays exact.
    const search = ok(
      await svc.gql(
        `{ a: artifacts(filter: { key: { contains: "FILE-3" } }) { totalCount } b: transforms(filter: { name: { startsWith: "ANAL" } }) { totalCount } c: transforms(filter: { name: { equals: "ANALYSE" } }) { totalCount } }`,
      ),
    );
    expect([search.a.totalCount, search.b.totalCount, search.c.totalCount]).toEqual([1, 2, 0]);
    const storages = ok(await svc.gql(`{ storages { totalCount edges { node { uid root type artifacts { totalCount } } } } }`)).storages;
    expect(storages.totalCount).toBe(1);
    expect(storages.edges[0].node.type).toBe("local");
    expect(storages.edges[0].node.artifacts.totalCount).toBe(5);
    const byRoot = ok(await svc.gql(`query($r: String) { storage(root: $r) { uid } }`, { r: storages.edges[0].node.root })).storage;
    expect(byRoot.uid).toBe(storages.edges[0].node.uid);
    const users = ok(await svc.gql(`{ users { totalCount edges { node { handle } } } user(handle: "local") { handle } }`));
    expect(users.users.totalCount).toBe(1);
    expect(users.user.handle).toBe("local");
    const transform = ok(
      await svc.gql(`query($u: String!) { transform(uid: $u) { runs(first: 1) { totalCount edges { node { uid } } } latestRun { uid } } }`, {
        u: transformUid,
      }),
    ).transform;
    expect(transform.runs.totalCount).toBe(2);
    expect(transform.latestRun.uid).toBe(transform.runs.edges[0].node.uid);
  });
});
