// Version families: get-or-create of transforms, artifact versions by key, uid stems,
// idempotent registration and re-creating runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentHash, expectError, ok, startTestService, type TestService } from "../harness.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => svc?.stop());

const TRACK = `mutation($input: TrackInput!) { track(input: $input) { uid transform { uid name key version isLatest } } }`;
const REGISTER = `mutation($input: RegisterArtifactInput!) { registerArtifact(input: $input) { uid key version isLatest hash run { uid } } }`;

const track = async (transform: Record<string, unknown>) => ok(await svc.gql(TRACK, { input: { transform } })).track;
const register = async (input: Record<string, unknown>) => ok(await svc.gql(REGISTER, { input })).registerArtifact;

describe("transforms", () => {
  it("returns the same transform for the same name+version and makes new versions in the family", async () => {
    const a = await track({ name: "qc.py", version: "1", type: "script" });
    const b = await track({ name: "qc.py", version: "1", type: "script" });
    expect(b.transform.uid).toBe(a.transform.uid);
    expect(a.transform.uid).toMatch(/^[0-9A-Za-z]{12}0000$/);

    const v2 = await track({ name: "qc.py", version: "2", type: "script" });
    expect(v2.transform.uid.slice(0, 12)).toBe(a.transform.uid.slice(0, 12));
    expect(v2.transform.uid.slice(12)).toBe("0001");
    expect(v2.transform.isLatest).toBe(true);

    const family = ok(
      await svc.gql(`query($uid: String!) { transform(uid: $uid) { uid isLatest versions { uid version isLatest } } }`, { uid: a.transform.uid.slice(0, 12) }),
    ).transform;
    expect(family.uid).toBe(v2.transform.uid); // a stem names the latest version
    expect(family.versions.map((v: { version: string }) => v.version)).toEqual(["1", "2"]);
    expect(family.versions.filter((v: { isLatest: boolean }) => v.isLatest)).toHaveLength(1);

    const byUid = await track({ uid: a.transform.uid });
    expect(byUid.transform.uid).toBe(a.transform.uid);
  });

  it("keys a family by key; new source code without a version tag makes a new version", async () => {
    const first = await track({ name: "train", key: "ml/train.py", sourceCode: "print(1)" });
    const same = await track({ name: "train", key: "ml/train.py", sourceCode: "print(1)" });
    expect(same.transform.uid).toBe(first.transform.uid);
    const changed = await track({ name: "train", key: "ml/train.py", sourceCode: "print(2)" });
    expect(changed.transform.uid.slice(0, 12)).toBe(first.transform.uid.slice(0, 12));
    expect(changed.transform.uid).not.toBe(first.transform.uid);
    const noCode = await track({ key: "ml/train.py" });
    expect(noCode.transform.uid).toBe(changed.transform.uid);
  });

  it("links predecessors and successors", async () => {
    const fetch = (await track({ name: "fetch.py", type: "script" })).transform.uid;
    const clean = (await track({ name: "clean.py", type: "script" })).transform.uid;
    const linked = ok(
      await svc.gql(`mutation($u: String!, $p: [String!]!) { addTransformPredecessors(input: { uid: $u, predecessorUids: $p }) { predecessors { uid } } }`, {
        u: clean,
        p: [fetch, fetch],
      }),
    ).addTransformPredecessors;
    expect(linked.predecessors).toEqual([{ uid: fetch }]);
    const seen = ok(await svc.gql(`query($u: String!) { transform(uid: $u) { successors { uid } } }`, { u: fetch })).transform;
    expect(seen.successors).toEqual([{ uid: clean }]);
    expectError(
      await svc.gql(`mutation($u: String!) { addTransformPredecessors(input: { uid: $u, predecessorUids: [$u] }) { uid } }`, { u: clean }),
      "VALIDATION_FAILED",
    );
  });

  it("rejects an unknown transform uid, a bad uid and a missing name", async () => {
    expectError(await svc.gql(TRACK, { input: { transform: { uid: "ZZZZZZZZZZZZZZZZ" } } }), "NOT_FOUND");
    const bad = expectError(await svc.gql(TRACK, { input: { transform: { uid: "not-a-uid" } } }), "VALIDATION_FAILED");
    expect(bad.extensions?.field).toBe("transform.uid");
    expectError(await svc.gql(TRACK, { input: { transform: {} } }), "VALIDATION_FAILED");
    expectError(await svc.gql(TRACK, { input: { transform: { name: "x", type: "spaceship" } } }), "VALIDATION_FAILED");
  });
});

describe("artifacts", () => {
  it("makes a new version for new content under the same key and storage", async () => {
    const v1 = await register({ key: "tables/cells.parquet", hash: contentHash("cells-1") });
    const v2 = await register({ key: "tables/cells.parquet", hash: contentHash("cells-2"), version: "2024-06" });
    expect(v2.uid.slice(0, 16)).toBe(v1.uid.slice(0, 16));
    expect(v2.uid.slice(16)).toBe("0001");
    const latest = ok(
      await svc.gql(`query($uid: String!) { artifact(uid: $uid) { uid version versions { uid isLatest } } }`, { uid: v1.uid.slice(0, 16) }),
    ).artifact;
    expect(latest.uid).toBe(v2.uid);
    expect(latest.versions).toEqual([
      { uid: v1.uid, isLatest: false },
      { uid: v2.uid, isLatest: true },
    ]);
    // The same key in another storage is another family.
    const elsewhere = await register({ key: "tables/cells.parquet", hash: contentHash("cells-3"), storageRoot: "s3://bucket/lake" });
    expect(elsewhere.uid.slice(0, 16)).not.toBe(v1.uid.slice(0, 16));
    // A version tag is unique inside its family.
    const dup = await svc.gql(REGISTER, { input: { key: "tables/cells.parquet", hash: contentHash("cells-4"), version: "2024-06" } });
    expectError(dup, "CONFLICT");
    // revisesUid makes a version of that family even under another key.
    const revised = await register({ revisesUid: v1.uid, key: "tables/cells-v3.parquet", hash: contentHash("cells-5") });
    expect(revised.uid.slice(0, 16)).toBe(v1.uid.slice(0, 16));
    expect(revised.uid.slice(16)).toBe("0002");
  });

  it("returns the existing artifact for known content and remembers the re-creating run", async () => {
    const producer = await track({ name: "producer" });
    const first = await register({ key: "models/m.pt", hash: contentHash("model"), runUid: producer.uid, size: 10 });
    const rerun = await track({ name: "producer" });
    const again = await register({ key: "models/m.pt", hash: contentHash("model"), runUid: rerun.uid, size: 10 });
    expect(again.uid).toBe(first.uid);
    expect(again.run.uid).toBe(producer.uid);
    const seen = ok(
      await svc.gql(
        `query($a: String!, $r: String!) { artifact(uid: $a) { recreatingRuns { uid } inputOfRuns { uid } } run(uid: $r) { recreatedArtifacts { uid } inputArtifacts { uid } } }`,
        {
          a: first.uid,
          r: rerun.uid,
        },
      ),
    );
    expect(seen.artifact.recreatingRuns).toEqual([{ uid: rerun.uid }]);
    expect(seen.artifact.inputOfRuns).toEqual([]);
    expect(seen.run.recreatedArtifacts).toEqual([{ uid: first.uid }]);
    expect(seen.run.inputArtifacts).toEqual([]);
    const count = ok(await svc.gql(`query($h: String!) { artifacts(filter: { hash: $h }) { totalCount } }`, { h: contentHash("model") })).artifacts.totalCount;
    expect(count).toBe(1);
  });

  it("never records a run's own output as its input", async () => {
    const run = await track({ name: "self-reader" });
    const out = await register({ key: "self/out.txt", hash: contentHash("self-out"), runUid: run.uid });
    const after = ok(
      await svc.gql(
        `mutation($r: String!, $a: String!) { addRunInputs(input: { runUid: $r, artifactUids: [$a] }) { inputArtifacts { uid } outputArtifacts { uid } } }`,
        { r: run.uid, a: out.uid },
      ),
    ).addRunInputs;
    expect(after.inputArtifacts).toEqual([]);
    expect(after.outputArtifacts).toEqual([{ uid: out.uid }]);
  });

  it("round-trips 64-bit sizes exactly and validates input", async () => {
    const max = "9223372036854775807";
    const big = await svc.gql(
      `mutation($h: String!) { registerArtifact(input: { hash: $h, size: "${max}", nObservations: 12345678901 }) { size nObservations key suffix } }`,
      { h: contentHash("big") },
    );
    expect(ok(big).registerArtifact).toEqual({ size: max, nObservations: 12345678901, key: null, suffix: "" });
    expectError(await svc.gql(`mutation { registerArtifact(input: { hash: "big2", size: "18446744073709551616" }) { uid } }`), "GRAPHQL_VALIDATION_FAILED");
    expectError(await svc.gql(`mutation($s: BigInt) { registerArtifact(input: { hash: "big3", size: $s }) { uid } }`, { s: 1.5 }), "BAD_USER_INPUT");
    expectError(await svc.gql(`mutation { registerArtifact(input: { hash: "x y" }) { uid } }`), "VALIDATION_FAILED");
    expectError(await svc.gql(`mutation { registerArtifact(input: { hash: "abc", size: -1 }) { uid } }`), "VALIDATION_FAILED");
    expectError(await svc.gql(`mutation { registerArtifact(input: { hash: "abcd", runUid: "AAAAAAAAAAAAAAAAAAAA" }) { uid } }`), "NOT_FOUND");
    expectError(await svc.gql(`mutation { registerArtifact(input: { hash: "abcde", key: "/absolute/path" }) { uid } }`), "VALIDATION_FAILED");
  });
});
