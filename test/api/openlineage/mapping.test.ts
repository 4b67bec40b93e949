// OpenLineage ingestion: the mapping onto runs, transforms and artifact versions, retries and
// out-of-order delivery, and the lineage the ingested events give.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ok, startTestService, type TestService } from "../../harness.ts";
import { postBatch, postEvent, runByReference } from "./helpers.ts";

const NS = "test-scheduler";
let seq = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, "0")}`;

function runEvent(
  eventType: string,
  eventTime: string,
  runId: string,
  job: string,
  io: {
    inputs?: string[];
    outputs?: string[];
    parent?: { runId: string; job: string };
    facets?: Record<string, unknown>;
    jobFacets?: Record<string, unknown>;
  } = {},
) {
  return {
    eventType,
    eventTime,
    producer: "https://example.com/test",
    schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
    run: {
      runId,
      facets: {
        ...(io.parent ? { parent: { run: { runId: io.parent.runId }, job: { namespace: NS, name: io.parent.job } } } : {}),
        ...io.facets,
      },
    },
    job: { namespace: NS, name: job, facets: io.jobFacets ?? {} },
    inputs: (io.inputs ?? []).map((name) => ({ namespace: "s3://lake", name })),
    outputs: (io.outputs ?? []).map((name) => ({ namespace: "s3://lake", name })),
  };
}

describe("OpenLineage ingestion", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService();
  });
  afterAll(async () => svc?.stop());

  it("maps a job to a transform and a run to a run with its status, times and datasets", async () => {
    const runId = uuid();
    const start = runEvent("START", "2024-01-01T10:00:00Z", runId, "etl.daily", {
      inputs: ["raw/a"],
      outputs: ["clean/a"],
      jobFacets: { jobType: { jobType: "TASK", processingType: "BATCH", integration: "AIRFLOW" }, sql: { query: "select 1" } },
      facets: {
        nominalTime: { nominalStartTime: "2024-01-01T00:00:00Z", nominalEndTime: null },
        executionParameters: { parameters: [{ key: "retries", name: "retries", value: 3 }] },
      },
    });
    const complete = runEvent("COMPLETE", "2024-01-01T10:05:00Z", runId, "etl.daily", { inputs: ["raw/a"], outputs: ["clean/a"] });
    expect((await postEvent(svc, start)).status).toBe(200);
    const answer = await postEvent(svc, complete);
    expect(answer.status).toBe(200);
    const run = await runByReference(svc, runId);
    expect(run).toMatchObject({
      reference: runId,
      referenceType: "openlineage",
      status: "COMPLETED",
      startedAt: "2024-01-01T10:00:00.000Z",
      finishedAt: "2024-01-01T10:05:00.000Z",
      transform: { key: `${NS}/etl.daily`, name: "etl.daily", type: "function", sourceCode: "select 1" },
    });
    expect(answer.body.runUid).toBe(run.uid);
    expect(run.facets.nominalTime.nominalStartTime).toBe("2024-01-01T00:00:00Z");
    const params = ok(await svc.gql(`query($uid: String!) { run(uid: $uid) { params } }`, { uid: run.uid })).run.params;
    expect(params).toEqual({ nominalStartTime: "2024-01-01T00:00:00Z", retries: 3 });
    expect(run.transform.facets.jobType.integration).toBe("AIRFLOW");
    expect(run.inputArtifacts.map((a: any) => [a.storage.root, a.key, a.run])).toEqual([["s3://lake", "raw/a", null]]);
    expect(run.outputArtifacts).toHaveLength(1);
    expect(run.outputArtifacts[0]).toMatchObject({ key: "clean/a", isLatest: true, hashType: "openlineage" });
    expect(run.outputArtifacts[0].hash.startsWith("~")).toBe(true);
  });

  it("never lets a retry or a late progress event overwrite a terminal state", async () => {
    const runId = uuid();
    const events = [
      runEvent("START", "2024-02-01T10:00:00Z", runId, "retry.job"),
      runEvent("FAIL", "2024-02-01T10:03:00Z", runId, "retry.job", {
        facets: { errorMessage: { message: "boom", programmingLanguage: "python", stackTrace: "Traceback…" } },
      }),
      runEvent("RUNNING", "2024-02-01T10:02:00Z", runId, "retry.job"),
      runEvent("COMPLETE", "2024-02-01T10:04:00Z", runId, "retry.job"),
      runEvent("START", "2024-02-01T10:00:00Z", runId, "retry.job"),
    ];
    for (const event of events) expect((await postEvent(svc, event)).status).toBe(200);
    const run = await runByReference(svc, runId);
    expect(run).toMatchObject({ status: "ERRORED", startedAt: "2024-02-01T10:00:00.000Z", finishedAt: "2024-02-01T10:03:00.000Z" });
    expect(run.facets.errorMessage.message).toBe("boom");
    const { errorMessage } = ok(await svc.gql(`query($uid: String!) { run(uid: $uid) { errorMessage } }`, { uid: run.uid })).run;
    expect(errorMessage).toBe("boom\n\nTraceback…");
    // an earlier terminal event arriving late decides: the run ended when it first ended
    const earlier = runEvent("ABORT", "2024-02-01T10:01:00Z", runId, "retry.job");
    expect((await postEvent(svc, earlier)).status).toBe(200);
    expect(await runByReference(svc, runId)).toMatchObject({ status: "ABORTED", finishedAt: "2024-02-01T10:01:00.000Z" });
  });

  it("starts a COMPLETE-only run when it completes, and moves the start back when an earlier event arrives", async () => {
    const runId = uuid();
    await postEvent(svc, runEvent("COMPLETE", "2024-03-01T12:00:00Z", runId, "late.job"));
    expect(await runByReference(svc, runId)).toMatchObject({
      status: "COMPLETED",
      startedAt: "2024-03-01T12:00:00.000Z",
      finishedAt: "2024-03-01T12:00:00.000Z",
    });
    await postEvent(svc, runEvent("START", "2024-03-01T11:00:00Z", runId, "late.job"));
    expect(await runByReference(svc, runId)).toMatchObject({ status: "COMPLETED", startedAt: "2024-03-01T11:00:00.000Z" });
  });

  it("creates an unseen parent as a placeholder that its own events complete", async () => {
    const parent = uuid();
    const child = uuid();
    await postEvent(svc, runEvent("START", "2024-04-01T10:01:00Z", child, "dag.task", { parent: { runId: parent, job: "dag" } }));
    const placeholder = await runByReference(svc, parent);
    expect(placeholder).toMatchObject({ status: "STARTED", transform: { key: `${NS}/dag` } });
    expect((await runByReference(svc, child)).initiatedBy.reference).toBe(parent);
    await postEvent(svc, runEvent("START", "2024-04-01T10:00:00Z", parent, "dag"));
    await postEvent(svc, runEvent("COMPLETE", "2024-04-01T10:09:00Z", parent, "dag"));
    expect(await runByReference(svc, parent)).toMatchObject({
      status: "COMPLETED",
      startedAt: "2024-04-01T10:00:00.000Z",
      finishedAt: "2024-04-01T10:09:00.000Z",
    });
  });

  it("adds up inputs and outputs over a run's events, one version per producing run", async () => {
    const runId = uuid();
    await postEvent(svc, runEvent("START", "2024-05-01T10:00:00Z", runId, "spark.app", { inputs: ["in/x"], outputs: ["out/y"] }));
    await postEvent(svc, runEvent("RUNNING", "2024-05-01T10:01:00Z", runId, "spark.app", { inputs: ["in/z"], outputs: ["out/y"] }));
    await postEvent(svc, runEvent("COMPLETE", "2024-05-01T10:02:00Z", runId, "spark.app"));
    const run = await runByReference(svc, runId);
    expect(run.inputArtifacts.map((a: any) => a.key).sort()).toEqual(["in/x", "in/z"]);
    expect(run.outputArtifacts.map((a: any) => a.key)).toEqual(["out/y"]);
  });

  it("links an input to the version current at the event time, so a re-run traces to its own inputs", async () => {
    const [extract1, load1, extract2, load2] = [uuid(), uuid(), uuid(), uuid()];
    const events = [
      runEvent("START", "2024-06-01T01:00:00Z", extract1, "rerun.extract", { outputs: ["rerun/raw"] }),
      runEvent("COMPLETE", "2024-06-01T01:10:00Z", extract1, "rerun.extract", { outputs: ["rerun/raw"] }),
      runEvent("START", "2024-06-01T02:00:00Z", load1, "rerun.load", { inputs: ["rerun/raw"], outputs: ["rerun/table"] }),
      runEvent("COMPLETE", "2024-06-01T02:10:00Z", load1, "rerun.load", { inputs: ["rerun/raw"], outputs: ["rerun/table"] }),
      runEvent("START", "2024-06-02T01:00:00Z", extract2, "rerun.extract", { outputs: ["rerun/raw"] }),
      runEvent("COMPLETE", "2024-06-02T01:10:00Z", extract2, "rerun.extract", { outputs: ["rerun/raw"] }),
      runEvent("START", "2024-06-02T02:00:00Z", load2, "rerun.load", { inputs: ["rerun/raw"], outputs: ["rerun/table"] }),
      runEvent("COMPLETE", "2024-06-02T02:10:00Z", load2, "rerun.load", { inputs: ["rerun/raw"], outputs: ["rerun/table"] }),
    ];
    const answer = await postBatch(svc, events);
    expect(answer.body).toMatchObject({ status: "success", summary: { received: 8, successful: 8, failed: 0 } });
    const newest = await runByReference(svc, load2);
    expect(newest.inputArtifacts.map((a: any) => a.run.reference)).toEqual([extract2]);
    const table = newest.outputArtifacts[0];
    expect(table.isLatest).toBe(true);
    const graph = ok(
      await svc.gql(`query($uid: String!) { lineage(uid: $uid, direction: UPSTREAM, depth: 10) { nodes { kind run { reference } } } }`, { uid: table.uid }),
    ).lineage;
    const runs = graph.nodes.filter((node: any) => node.run).map((node: any) => node.run.reference);
    expect(runs.sort()).toEqual([extract2, load2].sort());
    const transformGraph = ok(
      await svc.gql(`query($uid: String!) { transformLineage(uid: $uid, direction: UPSTREAM) { nodes { transform { key } } edges { runs artifacts } } }`, {
        uid: newest.transform.uid,
      }),
    ).transformLineage;
    expect(transformGraph.nodes.map((node: any) => node.transform.key).sort()).toEqual([`${NS}/rerun.extract`, `${NS}/rerun.load`]);
    expect(transformGraph.edges).toEqual([{ runs: 2, artifacts: 2 }]);
  });

  it("writes a batch set-based: the statement count does not grow with the number of events", async () => {
    const batch = (size: number, tag: string) =>
      Array.from({ length: size }, (_, i) => {
        const runId = `${tag}-${i}`;
        const io = { inputs: [`sb/raw-${i % 5}`, `sb/raw-${(i + 1) % 5}`], outputs: [`sb/out-${i % 10}`] };
        return [
          runEvent("START", "2024-08-01T10:00:00Z", runId, `sb.job-${i % 3}`, io),
          runEvent("COMPLETE", "2024-08-01T10:05:00Z", runId, `sb.job-${i % 3}`, io),
        ];
      }).flat();
    await postBatch(svc, batch(10, "warm"));
    const small = await svc.countStatements(() => postBatch(svc, batch(10, "small")));
    const large = await svc.countStatements(() => postBatch(svc, batch(50, "large")));
    expect(large.count).toBeLessThanOrEqual(small.count + 2);
    expect(large.count).toBeLessThan(60);
  });

  it("moves a family's key on RENAME and keeps its history; the old name still finds it", async () => {
    const [first, second] = [uuid(), uuid()];
    await postEvent(svc, runEvent("COMPLETE", "2024-09-01T10:00:00Z", first, "rename.job", { outputs: ["rename/old"] }));
    const renamed = runEvent("COMPLETE", "2024-09-02T10:00:00Z", second, "rename.job", { outputs: ["rename/new"] });
    (renamed.outputs[0] as Record<string, unknown>).facets = {
      lifecycleStateChange: { lifecycleStateChange: "RENAME", previousIdentifier: { namespace: "s3://lake", name: "rename/old" } },
    };
    expect((await postEvent(svc, renamed)).status).toBe(200);
    const query = `query($name: String!) { openLineageDataset(namespace: "s3://lake", name: $name) { uid key run { reference } facets } }`;
    const byNew = ok(await svc.gql(query, { name: "rename/new" })).openLineageDataset;
    const byOld = ok(await svc.gql(query, { name: "rename/old" })).openLineageDataset;
    expect(byOld.uid).toBe(byNew.uid);
    expect(byNew).toMatchObject({ key: "rename/new", run: { reference: second } });
    expect(byNew.facets.lifecycleStateChange.lifecycleStateChange).toBe("RENAME");
    const family = ok(await svc.gql(`{ artifacts(filter: { key: { equals: "rename/new" } }) { edges { node { uid key run { reference } } } } }`)).artifacts
      .edges;
    expect(family.map((edge: any) => edge.node.run.reference).sort()).toEqual([first, second].sort());
    expect(new Set(family.map((edge: any) => edge.node.uid.slice(0, 16))).size).toBe(1);
  });
});
