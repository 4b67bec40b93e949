// The trash: soft and permanent deletes of runs, artifacts and transforms, and restoring them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, ok, registerArtifact, startTestService, trackRun, type TestService } from "../harness.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => svc?.stop());

const track = (name: string, extra?: Record<string, unknown>) => trackRun(svc, name, extra);
const register = (seed: string, extra?: Record<string, unknown>) => registerArtifact(svc, seed, extra);

describe("deleting runs", () => {
  it("refuses a permanent delete while outputs point to the run, naming them, and changes nothing", async () => {
    const run = await track("producer");
    const out = await register("lc-out", { runUid: run });
    const before = await svc.snapshot();
    const error = expectError(await svc.gql(`mutation($u: String!) { deleteRun(uid: $u, permanent: true) { uid } }`, { u: run }), "CONFLICT");
    expect(error.message).toContain(out);
    expect(error.extensions?.outputUids).toEqual([out]);
    expect(await svc.snapshot()).toEqual(before);
  });

  it("removes links, param links and a report used by no other run", async () => {
    const input = await register("lc-in");
    const run = await track("consumer", { inputArtifactUids: [input], params: { k: 1 }, defineMissingParams: true });
    const report = await register("lc-report");
    const environment = await register("lc-env");
    const other = await track("other");
    ok(await svc.gql(`mutation($u: String!, $e: String!) { finishRun(input: { uid: $u, environment: $e }) { uid } }`, { u: other, e: environment }));
    ok(
      await svc.gql(
        `mutation($u: String!, $r: String!, $e: String!) { finishRun(input: { uid: $u, report: $r, environment: $e }) { report { uid } environment { uid } } }`,
        { u: run, r: report, e: environment },
      ),
    );
    const before = await svc.snapshot();
    expect(ok(await svc.gql(`mutation($u: String!) { deleteRun(uid: $u, permanent: true) { uid permanent } }`, { u: run })).deleteRun).toEqual({
      uid: run,
      permanent: true,
    });
    const after = await svc.snapshot();
    expect(after.run).toBe(before.run - 1);
    expect(after.runInputArtifact).toBe(before.runInputArtifact - 1);
    expect(after.runParamValue).toBe(before.runParamValue - 1);
    expect(after.artifact).toBe(before.artifact - 1); // the report went; the shared environment stayed
    const left = ok(
      await svc.gql(
        `query($r: String!, $e: String!, $i: String!) { r: artifact(uid: $r) { uid } e: artifact(uid: $e) { uid } i: artifact(uid: $i) { inputOfRuns { uid } } }`,
        { r: report, e: environment, i: input },
      ),
    );
    expect(left.r).toBeNull();
    expect(left.e.uid).toBe(environment);
    expect(left.i.inputOfRuns).toEqual([]);
    expectError(await svc.gql(`mutation($u: String!) { deleteRun(uid: $u) { uid } }`, { u: run }), "NOT_FOUND");
  });
});

describe("deleting artifacts and transforms", () => {
  it("moves the latest version to the trash and makes the previous one latest until restored", async () => {
    const v1 = await register("lc-v1", { key: "family/x.csv" });
    const v2 = await register("lc-v2", { key: "family/x.csv" });
    ok(await svc.gql(`mutation($u: String!) { deleteArtifact(uid: $u) { permanent } }`, { u: v2 }));
    const stem = v1.slice(0, 16);
    expect(ok(await svc.gql(`query($u: String!) { artifact(uid: $u) { uid isLatest } }`, { u: stem })).artifact).toEqual({ uid: v1, isLatest: true });
    ok(await svc.gql(`mutation($u: String!) { restoreArtifact(uid: $u) { uid } }`, { u: v2 }));
    expect(ok(await svc.gql(`query($u: String!) { artifact(uid: $u) { uid } }`, { u: stem })).artifact.uid).toBe(v2);
  });

  it("refuses to delete a transform with runs for good", async () => {
    const run = await track("kept");
    const transform = ok(await svc.gql(`query($u: String!) { run(uid: $u) { transform { uid } } }`, { u: run })).run.transform.uid;
    expectError(await svc.gql(`mutation($u: String!) { deleteTransform(uid: $u, permanent: true) { uid } }`, { u: transform }), "CONFLICT");
    ok(await svc.gql(`mutation($u: String!) { deleteTransform(uid: $u) { uid } }`, { u: transform }));
    expect(ok(await svc.gql(`query($u: String!) { transform(uid: $u) { uid } }`, { u: transform })).transform).toBeNull();
    // Tracking it again brings it back from the trash.
    await track("kept");
    expect(ok(await svc.gql(`query($u: String!) { transform(uid: $u) { uid } }`, { u: transform })).transform.uid).toBe(transform);
  });
});
