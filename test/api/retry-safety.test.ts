// Retry-safe writes: a workflow client that sends a mutation again after losing its answer
// gets the same result and nothing is written twice (README: "Which writes are safe to retry").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken, createUser } from "../../src/auth/accounts.ts";
import { contentHash, expectError, ok, startTestService, type TestService } from "../harness.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => svc?.stop());

const TRACK = `mutation($input: TrackInput!) { track(input: $input) { uid status params transform { uid name version } inputArtifacts { uid } } }`;
const FINISH = `mutation($input: FinishRunInput!) { finishRun(input: $input) { uid status finishedAt } }`;
let counter = 0;
const clientUid = () => `retry${String(Date.now()).slice(-9)}${String(counter++).padStart(6, "0")}`.slice(0, 20);

describe("track with a client-chosen uid", () => {
  it("creates the run under that uid, and the same track again returns it without writing", async () => {
    const input = ok(await svc.gql(`mutation { registerArtifact(input: { key: "in/a.txt", hash: "${contentHash("retry-a")}" }) { uid } }`)).registerArtifact;
    const uid = clientUid();
    const body = {
      uid,
      transform: { name: "step.sh", key: "steps/step.sh", version: "1" },
      params: { threads: 4 },
      defineMissingParams: true,
      inputArtifactUids: [input.uid],
    };
    const first = ok(await svc.gql(TRACK, { input: body })).track;
    expect(first.uid).toBe(uid);
    expect(first.status).toBe("STARTED");
    const before = await svc.snapshot();
    const again = ok(await svc.gql(TRACK, { input: body })).track;
    expect(again).toEqual(first);
    expect(await svc.snapshot()).toEqual(before);
  });

  it("makes one run of identical tracks sent at once", async () => {
    const uid = clientUid();
    const input = { uid, transform: { name: "burst.sh", version: "1" }, params: { n: 1 }, defineMissingParams: true };
    const answers = await Promise.all(Array.from({ length: 6 }, () => svc.gql(TRACK, { input })));
    expect(new Set(answers.map((answer) => ok(answer).track.uid))).toEqual(new Set([uid]));
    const runs = ok(await svc.gql(`{ runs(filter: { transformName: { equals: "burst.sh" } }) { totalCount } }`)).runs;
    expect(runs.totalCount).toBe(1);
  });

  it("refuses the uid for another transform (CONFLICT), writing nothing", async () => {
    const uid = clientUid();
    ok(await svc.gql(TRACK, { input: { uid, transform: { name: "one.sh", version: "1" } } }));
    const before = await svc.snapshot();
    const error = expectError(await svc.gql(TRACK, { input: { uid, transform: { name: "other.sh", version: "1" } } }), "CONFLICT");
    expect(error.extensions?.field).toBe("uid");
    expectError(await svc.gql(TRACK, { input: { uid, transform: { name: "one.sh", version: "2" } } }), "CONFLICT");
    expect(await svc.snapshot()).toEqual(before);
  });

  it("never hands one user's run to another who sends its uid", async () => {
    const secured = await startTestService({ auth: "token" });
    try {
      const bearer = async (handle: string) => {
        await createUser(secured.db, { handle });
        const { secret } = await createToken(secured.db, { userHandle: handle, scopes: "write", name: handle });
        return { authorization: `Bearer ${secret}` };
      };
      const [alice, bob] = [await bearer("alice"), await bearer("bob")];
      const input = { uid: clientUid(), transform: { name: "shared.sh", version: "1" } };
      const track = `mutation($input: TrackInput!) { track(input: $input) { uid status } }`;
      ok(await secured.gql(track, { input }, alice));
      const error = expectError(await secured.gql(track, { input }, bob), "CONFLICT");
      expect(error.extensions?.field).toBe("uid");
      expect(ok(await secured.gql(track, { input }, alice)).track.uid).toBe(input.uid);
    } finally {
      await secured.stop();
    }
  });

  it("checks the uid's shape (20 base62 characters)", async () => {
    for (const uid of ["short", "x".repeat(21), "abcdefghij-klmnopqrs"]) {
      const error = expectError(await svc.gql(TRACK, { input: { uid, transform: { name: "shape.sh" } } }), "VALIDATION_FAILED");
      expect(error.extensions?.field).toBe("uid");
    }
  });
});

describe("finishRun again", () => {
  it("returns the run unchanged in the state it already has; another final state stays a CONFLICT", async () => {
    const { uid } = ok(await svc.gql(TRACK, { input: { transform: { name: "finish-twice.sh" } } })).track;
    const first = ok(await svc.gql(FINISH, { input: { uid, status: "ERRORED" } })).finishRun;
    const before = await svc.snapshot();
    const again = ok(await svc.gql(FINISH, { input: { uid, status: "ERRORED" } })).finishRun;
    expect(again).toEqual(first);
    expect(await svc.snapshot()).toEqual(before);
    const error = expectError(await svc.gql(FINISH, { input: { uid, status: "COMPLETED" } }), "CONFLICT");
    expect(error.extensions?.field).toBe("uid");
  });
});

describe("the other workflow writes, sent twice", () => {
  it("addRunInputs links each input once", async () => {
    const artifact = ok(
      await svc.gql(`mutation { registerArtifact(input: { hash: "${contentHash("retry-input")}", key: "in/b.txt" }) { uid } }`),
    ).registerArtifact;
    const { uid } = ok(await svc.gql(TRACK, { input: { transform: { name: "inputs-twice.sh" } } })).track;
    const add = `mutation($runUid: String!, $a: [String!]) { addRunInputs(input: { runUid: $runUid, artifactUids: $a }) { uid inputArtifacts { uid } } }`;
    const first = ok(await svc.gql(add, { runUid: uid, a: [artifact.uid] })).addRunInputs;
    const before = await svc.snapshot();
    expect(ok(await svc.gql(add, { runUid: uid, a: [artifact.uid] })).addRunInputs).toEqual(first);
    expect(first.inputArtifacts).toEqual([{ uid: artifact.uid }]);
    expect(await svc.snapshot()).toEqual(before);
  });

  it("addParamValues stores each value once", async () => {
    const { uid } = ok(await svc.gql(TRACK, { input: { transform: { name: "params-twice.sh" } } })).track;
    const add = `mutation($runUid: String!) { addParamValues(input: { runUid: $runUid, values: { depth: 3, mode: "fast" }, defineMissing: true }) { run { uid params } } }`;
    const first = ok(await svc.gql(add, { runUid: uid })).addParamValues;
    const before = await svc.snapshot();
    expect(ok(await svc.gql(add, { runUid: uid })).addParamValues).toEqual(first);
    expect(first.run.params).toEqual({ depth: 3, mode: "fast" });
    expect(await svc.snapshot()).toEqual(before);
  });

  it("createCollection returns the collection it made", async () => {
    const { uid } = ok(await svc.gql(TRACK, { input: { transform: { name: "collection-twice.sh" } } })).track;
    const a = ok(await svc.gql(`mutation { registerArtifact(input: { hash: "${contentHash("retry-c1")}", key: "c/1" }) { uid } }`)).registerArtifact;
    const b = ok(await svc.gql(`mutation { registerArtifact(input: { hash: "${contentHash("retry-c2")}", key: "c/2" }) { uid } }`)).registerArtifact;
    const create = `mutation($input: CreateCollectionInput!) { createCollection(input: $input) { uid version isLatest run { uid } artifacts { uid } } }`;
    const input = { key: "cohort-retry", artifactUids: [a.uid, b.uid], runUid: uid };
    const first = ok(await svc.gql(create, { input })).createCollection;
    const before = await svc.snapshot();
    expect(ok(await svc.gql(create, { input })).createCollection).toEqual(first);
    expect(await svc.snapshot()).toEqual(before);
  });

  it("defineParam and addTransformPredecessors answer the same", async () => {
    const define = `mutation { defineParam(input: { name: "retry_depth", dtype: "int" }) { name dtype } }`;
    const defined = ok(await svc.gql(define)).defineParam;
    const before = await svc.snapshot();
    expect(ok(await svc.gql(define)).defineParam).toEqual(defined);
    expect(await svc.snapshot()).toEqual(before);

    const transformOf = async (name: string) =>
      ok(await svc.gql(`mutation($name: String!) { track(input: { transform: { name: $name } }) { transform { uid } } }`, { name })).track.transform.uid;
    const [predecessor, successor] = [await transformOf("pred-a.sh"), await transformOf("pred-b.sh")];
    const link = `mutation($uid: String!, $p: [String!]!) { addTransformPredecessors(input: { uid: $uid, predecessorUids: $p }) { uid predecessors { uid } } }`;
    const linked = ok(await svc.gql(link, { uid: successor, p: [predecessor] })).addTransformPredecessors;
    const afterLink = await svc.snapshot();
    expect(ok(await svc.gql(link, { uid: successor, p: [predecessor] })).addTransformPredecessors).toEqual(linked);
    expect(await svc.snapshot()).toEqual(afterLink);
  });

  it("registerArtifact returns the artifact it registered", async () => {
    const { uid } = ok(await svc.gql(TRACK, { input: { transform: { name: "register-twice.sh" } } })).track;
    const register = `mutation($runUid: String!) { registerArtifact(input: { hash: "${contentHash("retry-out")}", key: "out/x", runUid: $runUid }) { uid run { uid } } }`;
    const first = ok(await svc.gql(register, { runUid: uid })).registerArtifact;
    const before = await svc.snapshot();
    expect(ok(await svc.gql(register, { runUid: uid })).registerArtifact).toEqual(first);
    expect(await svc.snapshot()).toEqual(before);
    const run = ok(await svc.gql(`query($uid: String!) { run(uid: $uid) { outputArtifacts { uid } recreatedArtifacts { uid } } }`, { uid })).run;
    expect(run).toEqual({ outputArtifacts: [{ uid: first.uid }], recreatedArtifacts: [] });
  });
});
