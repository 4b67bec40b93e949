// A workflow tool records a run end to end: track → registerArtifact → finishRun.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentHash, expectError, ok, startTestService, type TestService } from "../harness.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => svc?.stop());

describe("workflow: track, register outputs, finish", () => {
  it("records a run with its transform, params, inputs and outputs", async () => {
    const raw = ok(
      await svc.gql(
        `mutation { registerArtifact(input: { key: "raw/reads.fastq.gz", hash: "${contentHash("reads")}", size: 1234 }) { uid key suffix run { uid } isLatest storage { root type } } }`,
      ),
    ).registerArtifact;
    expect(raw.uid).toMatch(/^[0-9A-Za-z]{16}0000$/);
    expect(raw.suffix).toBe(".fastq.gz");
    expect(raw.run).toBeNull();
    expect(raw.storage.type).toBe("local");

    const tracked = ok(
      await svc.gql(
        `mutation($input: TrackInput!) { track(input: $input) { uid status startedAt finishedAt params transform { uid name version type isLatest } inputArtifacts { uid } createdBy { handle } } }`,
        {
          input: {
            transform: { name: "align.nf", key: "pipelines/align.nf", version: "1.0", type: "pipeline" },
            params: { threads: 8, genome: "GRCh38" },
            defineMissingParams: true,
            inputArtifactUids: [raw.uid],
            reference: "nf-42",
            referenceType: "nextflow_id",
          },
        },
      ),
    ).track;
    expect(tracked.uid).toMatch(/^[0-9A-Za-z]{20}$/);
    expect(tracked.status).toBe("STARTED");
    expect(tracked.finishedAt).toBeNull();
    expect(tracked.params).toEqual({ threads: 8, genome: "GRCh38" });
    expect(tracked.transform).toMatchObject({ name: "align.nf", version: "1.0", type: "pipeline", isLatest: true });
    expect(tracked.transform.uid).toMatch(/^[0-9A-Za-z]{12}0000$/);
    expect(tracked.inputArtifacts).toEqual([{ uid: raw.uid }]);
    expect(tracked.createdBy.handle).toBe("local");

    const out = ok(
      await svc.gql(
        `mutation($runUid: String) { registerArtifact(input: { key: "aligned/sample.bam", hash: "${contentHash("bam")}", size: "9007199254740993", runUid: $runUid, type: "dataset" }) { uid size run { uid } } }`,
        {
          runUid: tracked.uid,
        },
      ),
    ).registerArtifact;
    expect(out.size).toBe("9007199254740993"); // beyond 2^53: exact, as a string
    expect(out.run.uid).toBe(tracked.uid);

    const finished = ok(
      await svc.gql(`mutation($uid: String!) { finishRun(input: { uid: $uid }) { status finishedAt outputArtifacts { uid } inputArtifacts { uid } } }`, {
        uid: tracked.uid,
      }),
    ).finishRun;
    expect(finished.status).toBe("COMPLETED");
    expect(new Date(finished.finishedAt).getTime()).toBeGreaterThan(0);
    expect(finished.outputArtifacts).toEqual([{ uid: out.uid }]);
    expect(finished.inputArtifacts).toEqual([{ uid: raw.uid }]);

    const again = await svc.gql(`mutation($uid: String!) { finishRun(input: { uid: $uid, status: ERRORED }) { status } }`, { uid: tracked.uid });
    expectError(again, "CONFLICT");
    const unknown = await svc.gql(`mutation { finishRun(input: { uid: "AAAAAAAAAAAAAAAAAAAA" }) { status } }`);
    expectError(unknown, "NOT_FOUND");

    const artifact = ok(
      await svc.gql(`query($uid: String!) { artifact(uid: $uid) { inputOfRuns { uid status transform { key } } } }`, { uid: raw.uid }),
    ).artifact;
    expect(artifact.inputOfRuns).toEqual([{ uid: tracked.uid, status: "COMPLETED", transform: { key: "pipelines/align.nf" } }]);
  });

  it("tracks a run of a known transform with known and new param values in four statements", async () => {
    const track = (seed: number) =>
      svc.gql(
        `mutation($seed: Int!) { track(input: { transform: { key: "steps/four.py" }, params: { seed: $seed, mode: "fast" }, defineMissingParams: true }) { uid } }`,
        {
          seed,
        },
      );
    ok(await track(1));
    let uid = "";
    const { count, statements } = await svc.countStatements(async () => {
      uid = ok(await track(2)).track.uid;
    });
    expect(ok(await svc.gql(`query($uid: String!) { run(uid: $uid) { params } }`, { uid })).run.params).toEqual({ seed: 2, mode: "fast" });
    // the transform (read without its lock), the run, the params' dtypes, then the values with
    // their links; on SQLite the values and the links are statements of their own
    const sqlite = ['INSERT INTO "ParamValue"', 'INSERT INTO "RunParamValue"'];
    expect(count, statements.join("\n")).toBe(svc.db.provider === "postgresql" ? 4 : 4 + sqlite.length);
  });

  it("finishes an unfinished run in one statement, and answers a retry or a second status as before", async () => {
    const track = async (name: string) =>
      ok(await svc.gql(`mutation($name: String!) { track(input: { transform: { name: $name, key: $name } }) { uid } }`, { name })).track.uid as string;
    const finish = (uid: string, status = "COMPLETED") =>
      svc.gql(`mutation($uid: String!, $status: RunStatus!) { finishRun(input: { uid: $uid, status: $status }) { uid status finishedAt } }`, { uid, status });
    const uid = await track("finish-once.py");
    let answer: any;
    const heard: string[] = [];
    const off = svc.db.onStatement((sql) => heard.push(sql));
    const { count, statements } = await svc.countStatements(async () => {
      answer = ok(await finish(uid, "ERRORED")).finishRun;
    });
    off();
    expect(answer).toMatchObject({ uid, status: "ERRORED" });
    expect(count, statements.join("\n")).toBe(1);
    // On PostgreSQL the statement is a write of its own: no transaction around it (no COMMIT).
    if (svc.db.provider === "postgresql") expect(heard).toEqual([expect.stringMatching(/^UPDATE "Run"/)]);
    // the same finish again is a retry: the run as it is, the same finish time
    const retried = ok(await finish(uid, "ERRORED")).finishRun;
    expect(retried).toEqual(answer);
    expectError(await finish(uid, "COMPLETED"), "CONFLICT");
    const row = ok(await svc.gql(`query($uid: String!) { run(uid: $uid) { status finishedAt } }`, { uid })).run;
    expect(row).toEqual({ status: "ERRORED", finishedAt: answer.finishedAt });
  });
});
