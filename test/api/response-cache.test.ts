// The optional response cache: it serves a repeated query without running it, per caller, and
// a committed write of any kind makes the next answer fresh. A write made behind the service's
// back (straight through the database client, outside `write`) is what shows that an answer
// came from the cache.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createToken, createUser, TRUSTED_FOR_MS } from "../../src/auth/accounts.ts";
import { contentHash, expectError, ok, startTestService, type TestService } from "../harness.ts";

const PAGE = `{ runs(first: 10, orderBy: { field: STARTED_AT, direction: ASC }) { totalCount edges { node { uid status reference transform { name } } } } }`;

interface Page {
  runs: { totalCount: number; edges: { node: { uid: string; status: string; reference: string | null } }[] };
}

async function track(svc: TestService, name: string, headers: Record<string, string> = {}): Promise<string> {
  const result = await svc.gql<{ track: { uid: string } }>(
    `mutation($name: String!) { track(input: { transform: { name: $name } }) { uid } }`,
    { name },
    headers,
  );
  return ok(result).track.uid;
}

/** Changes a run's reference without going through the service's write path (no commit event). */
async function changeBehindTheService(svc: TestService, uid: string, reference: string) {
  await svc.db.prisma.run.update({ where: { uid }, data: { reference } });
}

const references = (page: Page) => page.runs.edges.map((edge) => edge.node.reference);

describe("response cache off (the default)", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService();
  });
  afterAll(async () => svc?.stop());

  it("answers every query from the database", async () => {
    const uid = await track(svc, "off.py");
    expect(references(ok(await svc.gql<Page>(PAGE)))).toEqual([null]);
    await changeBehindTheService(svc, uid, "changed");
    expect(references(ok(await svc.gql<Page>(PAGE)))).toEqual(["changed"]);
  });
});

describe("response cache on", () => {
  let svc: TestService;
  let first: string;
  beforeAll(async () => {
    svc = await startTestService({ responseCacheTtlMs: 60_000 });
    first = await track(svc, "cached.py");
  });
  afterAll(async () => svc?.stop());

  it("answers a repeated query from the cache", async () => {
    const before = ok(await svc.gql<Page>(PAGE));
    await changeBehindTheService(svc, first, "behind");
    const again = ok(await svc.gql<Page>(PAGE));
    expect(again).toEqual(before);
    // Another document (or other variables) is another entry.
    const other = ok(await svc.gql<Page>(`${PAGE} `));
    expect(references(other)).toEqual(["behind"]);
  });

  it("runs the query again after a mutation, whatever it changed", async () => {
    ok(await svc.gql<Page>(PAGE));
    await changeBehindTheService(svc, first, "after-mutation");
    const stale = ok(await svc.gql<Page>(PAGE));
    expect(references(stale)).not.toContain("after-mutation");
    // A mutation that touches another registry entirely still empties the cache.
    ok(await svc.gql(`mutation { registerArtifact(input: { key: "cache/a.txt", hash: "${contentHash("cache-a")}" }) { uid } }`));
    const fresh = ok(await svc.gql<Page>(PAGE));
    expect(references(fresh)).toContain("after-mutation");
  });

  it("shows a new run, a finished run and a trashed run on the next request", async () => {
    const second = await track(svc, "cached.py");
    let page = ok(await svc.gql<Page>(PAGE));
    expect(page.runs.totalCount).toBe(2);
    ok(await svc.gql(`mutation($uid: String!) { finishRun(input: { uid: $uid }) { status } }`, { uid: second }));
    page = ok(await svc.gql<Page>(PAGE));
    expect(page.runs.edges.find((edge) => edge.node.uid === second)?.node.status).toBe("COMPLETED");
    ok(await svc.gql(`mutation($uid: String!) { deleteRun(uid: $uid) { uid } }`, { uid: second }));
    page = ok(await svc.gql<Page>(PAGE));
    expect(page.runs.totalCount).toBe(1);
    ok(await svc.gql(`mutation($uid: String!) { restoreRun(uid: $uid) { uid } }`, { uid: second }));
    expect(ok(await svc.gql<Page>(PAGE)).runs.totalCount).toBe(2);
  });

  it("shows new lineage edges on the next request", async () => {
    const query = `query($uid: String!) { artifact(uid: $uid) { downstream { nodes { uid } } } }`;
    const artifact = ok(await svc.gql(`mutation { registerArtifact(input: { key: "cache/in.txt", hash: "${contentHash("cache-in")}" }) { uid } }`))
      .registerArtifact.uid as string;
    const before = ok(await svc.gql(query, { uid: artifact })).artifact.downstream.nodes as unknown[];
    const reader = await track(svc, "reads.py");
    ok(
      await svc.gql(`mutation($run: String!, $a: String!) { addRunInputs(input: { runUid: $run, artifactUids: [$a] }) { uid } }`, { run: reader, a: artifact }),
    );
    const after = ok(await svc.gql(query, { uid: artifact })).artifact.downstream.nodes as { uid: string }[];
    expect(after.length).toBeGreaterThan(before.length);
    expect(after.map((node) => node.uid)).toContain(reader);
  });

  it("does not cache a failed mutation's absence of effect, nor errors", async () => {
    ok(await svc.gql<Page>(PAGE));
    await changeBehindTheService(svc, first, "after-refusal");
    // Refused before anything is written: no commit, the cached answer stays.
    expectError(await svc.gql(`mutation { finishRun(input: { uid: "doesnotexist00000000" }) { uid } }`), "NOT_FOUND");
    expect(references(ok(await svc.gql<Page>(PAGE)))).not.toContain("after-refusal");
    // An answer with errors is never stored: the same failing query runs each time.
    const failing = `{ run(uid: "x") { uid } }`;
    const one = await svc.gql(failing);
    const two = await svc.gql(failing);
    expect(one.errors?.[0]?.extensions?.code).toBe(two.errors?.[0]?.extensions?.code);
  });
});

describe("response cache and tokens", () => {
  let svc: TestService;
  const tokens: Record<string, string> = {};
  const as = (name: string) => ({ authorization: `Bearer ${tokens[name]}` });
  beforeAll(async () => {
    svc = await startTestService({ auth: "token", responseCacheTtlMs: 60_000 });
    await createUser(svc.db, { handle: "alice" });
    await createUser(svc.db, { handle: "bob" });
    tokens.alice = (await createToken(svc.db, { userHandle: "alice", scopes: ["read", "write"] })).secret;
    tokens.aliceRead = (await createToken(svc.db, { userHandle: "alice", scopes: ["read"] })).secret;
    tokens.aliceWriteOnly = (await createToken(svc.db, { userHandle: "alice", scopes: ["write"] })).secret;
    tokens.bob = (await createToken(svc.db, { userHandle: "bob", scopes: ["read"] })).secret;
    await track(svc, "tokens.py", as("alice"));
  });
  afterAll(async () => svc?.stop());

  it("never serves one caller's cached answer to a caller without the scope", async () => {
    expect(ok(await svc.gql<Page>(PAGE, undefined, as("aliceRead"))).runs.totalCount).toBe(1);
    expectError(await svc.gql<Page>(PAGE, undefined, as("aliceWriteOnly")), "FORBIDDEN");
    expectError(await svc.gql<Page>(PAGE), "UNAUTHENTICATED");
    expectError(await svc.gql<Page>(PAGE, undefined, { authorization: "Bearer not-a-token" }), "UNAUTHENTICATED");
  });

  it("refuses a revoked token even when its answer is cached", async () => {
    const { secret, token } = await createToken(svc.db, { userHandle: "bob", scopes: ["read"] });
    const headers = { authorization: `Bearer ${secret}` };
    ok(await svc.gql<Page>(PAGE, undefined, headers));
    ok(await svc.gql<Page>(PAGE, undefined, headers));
    // Revoked behind the service's back, as by another process: no commit event, so only the
    // authentication that precedes the cache lookup can refuse it — once the short while the
    // service trusts a token it has just read is over.
    await svc.db.prisma.apiToken.update({ where: { id: token.id }, data: { revokedAt: new Date() } });
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + TRUSTED_FOR_MS);
      expectError(await svc.gql<Page>(PAGE, undefined, headers), "UNAUTHENTICATED");
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps answers of different users and scopes apart", async () => {
    const me = `{ me { handle scopes } }`;
    for (let round = 0; round < 2; round++) {
      expect(ok(await svc.gql(me, undefined, as("aliceRead"))).me).toEqual({ handle: "alice", scopes: ["READ"] });
      expect(ok(await svc.gql(me, undefined, as("alice"))).me.scopes).toEqual(expect.arrayContaining(["READ", "WRITE"]));
      expect(ok(await svc.gql(me, undefined, as("bob"))).me).toEqual({ handle: "bob", scopes: ["READ"] });
    }
  });
});
