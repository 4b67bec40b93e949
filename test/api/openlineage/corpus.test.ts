// Every event captured from a real producer (test/fixtures/openlineage/SOURCES.md) goes through
// the HTTP routes, and the registry it leaves is checked: runs, statuses, parents, versions,
// aliases and lineage — not only the status codes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ok, startTestService, type TestService } from "../../harness.ts";
import { corpus, corpusFiles, post, runByReference } from "./helpers.ts";

// Files that reuse another file's run ids (test data of their projects) get a registry of their own.
const SEPARATE = new Set(["rentgen-events_unknown.jsonl"]);

/** What each file's events must give: "ok", or the refused event's status and the path its message names. */
const REFUSED: Record<string, [number, string][]> = {
  "ol-proxy-fluentd-event_no_run_id.json": [[400, "run.runId"]],
  "ol-proxy-fluentd-event_invalid_run_facet.json": [[400, "run.facets.parent.run.runId"]],
};

async function ingestFile(svc: TestService, file: string) {
  const events = corpus(file);
  if (events.length === 1) return [await post(svc, "/api/v1/lineage", events[0])];
  return [await post(svc, "/api/v1/lineage/batch", events)];
}

const DATASET = `query($ns: String!, $name: String!) { openLineageDataset(namespace: $ns, name: $name) { uid key storage { root } nObservations size facets run { reference } } }`;

describe("the captured OpenLineage events", () => {
  let svc: TestService;
  let separate: TestService;
  const answers = new Map<string, Awaited<ReturnType<typeof ingestFile>>>();
  beforeAll(async () => {
    svc = await startTestService();
    separate = await startTestService();
    for (const file of corpusFiles()) answers.set(file, await ingestFile(SEPARATE.has(file) ? separate : svc, file));
  }, 120_000);
  afterAll(async () => {
    await svc?.stop();
    await separate?.stop();
  });

  it("are all accepted except the ones that cannot be placed, whose message names the missing path", () => {
    expect(corpusFiles().length).toBeGreaterThanOrEqual(50);
    for (const [file, [answer]] of answers) {
      const refused = REFUSED[file];
      if (refused) {
        expect(answer.status, file).toBe(refused[0][0]);
        expect(answer.body.errors[0].extensions.field, file).toBe(refused[0][1]);
        expect(answer.body.errors[0].message, file).toContain(refused[0][1]);
      } else if (file.startsWith("ol-dbt-postgres")) {
        // the template's placeholder run id stands for 8 runs of 4 jobs: one run, the others refused
        expect(answer.body.summary).toMatchObject({ received: 8, successful: 2, failed: 6, non_retriable: 6 });
        expect(answer.body.failed_events.map((event: { index: number }) => event.index)).toEqual([1, 2, 3, 4, 5, 6]);
      } else {
        expect(answer.status, `${file}: ${JSON.stringify(answer.body)}`).toBe(200);
        if (answer.body.summary) expect(answer.body.status, file).toBe("success");
      }
    }
  });

  it("wrote nothing for the refused events", async () => {
    const before = await svc.snapshot();
    for (const file of Object.keys(REFUSED)) expect((await ingestFile(svc, file))[0].status).toBe(400);
    expect(await svc.snapshot()).toEqual(before);
  });

  it("Airflow: the DAG run initiates the task run; task and DAG complete; SQL is the task's source", async () => {
    const dag = await runByReference(svc, "01908223-0782-79b8-9495-b1c38aaee839");
    const task = await runByReference(svc, "01908223-0782-7fc0-9d69-b1df9dac2c60");
    expect(dag).toMatchObject({ status: "COMPLETED", startedAt: "2024-07-05T09:04:13.979Z", finishedAt: "2024-07-05T09:08:05.691Z", initiatedBy: null });
    expect(dag.transform).toMatchObject({ key: "http://airflow-host:8081/mydag", name: "mydag", type: "pipeline" });
    expect(task).toMatchObject({
      status: "COMPLETED",
      startedAt: "2024-07-05T09:04:20.783Z",
      finishedAt: "2024-07-05T09:07:37.858Z",
      initiatedBy: { reference: dag.reference },
    });
    expect(task.transform).toMatchObject({ key: "http://airflow-host:8081/mydag.mytask", type: "function" });
    expect(task.transform.sourceCode).toContain("popular_orders_day_of_week");
    expect(task.inputArtifacts.map((a: any) => [a.storage.root, a.key])).toEqual([["postgres://postgres:5432", "food_delivery.public.top_delivery_times"]]);
    expect(task.outputArtifacts.map((a: any) => a.key)).toEqual(["food_delivery.public.popular_orders_day_of_week"]);
    expect(task.outputArtifacts[0].facets.columnLineage).toBeTruthy();
    expect(task.facets.airflow).toBeTruthy();
  });

  it("Spark: the application run initiates its jobs; a CTAS output traces to the runs that created its inputs", async () => {
    const app = await runByReference(svc, corpus("compat-spark-cll-1.json")[0].run.runId);
    expect(app.status).toBe("COMPLETED");
    const ctas = await runByReference(svc, "019127df-0850-72bc-b214-b255290588a6");
    expect(ctas).toMatchObject({ status: "COMPLETED", initiatedBy: { reference: app.reference } });
    const sources = ctas.inputArtifacts.map((a: any) => [a.key, a.run?.reference]).sort();
    expect(sources).toEqual([
      ["/tmp/cll_test/cll_source1", "019127df-00a2-743c-b714-df7e6dcadb2b"],
      ["/tmp/cll_test/cll_source2", expect.any(String)],
    ]);
    const tbl1 = ctas.outputArtifacts[0];
    expect(tbl1).toMatchObject({ key: "/tmp/cll_test/tbl1", isLatest: true });
    expect(tbl1.facets.columnLineage.fields).toBeTruthy();
    // the symlink names the same family
    const bySymlink = ok(await svc.gql(DATASET, { ns: "file:/tmp/cll_test", name: "default.tbl1" })).openLineageDataset;
    expect(bySymlink.uid).toBe(tbl1.uid);
    const graph = ok(
      await svc.gql(`query($uid: String!) { lineage(uid: $uid, direction: UPSTREAM, depth: 5) { nodes { run { reference } } } }`, { uid: tbl1.uid }),
    ).lineage;
    expect(graph.nodes.filter((n: any) => n.run).map((n: any) => n.run.reference)).toContain("019127df-00a2-743c-b714-df7e6dcadb2b");
  });

  it("Hive on Dataproc: one table under its HDFS path and two Hive names is one family; the insert reads the created version", async () => {
    const byPath = ok(await svc.gql(DATASET, { ns: "hdfs://dataproc-producer-test-m", name: "/user/hive/warehouse/t1" })).openLineageDataset;
    const byHive = ok(await svc.gql(DATASET, { ns: "hive://dataproc-producer-test-m:9083", name: "default.t1" })).openLineageDataset;
    const byWarehouse = ok(await svc.gql(DATASET, { ns: "hdfs://dataproc-producer-test-m/user/hive/warehouse", name: "default.t1" })).openLineageDataset;
    expect(byHive.uid).toBe(byPath.uid);
    expect(byWarehouse.uid).toBe(byPath.uid);
    // the latest version of t1 is the one the create_table run (COMPLETE without START) wrote
    expect(byPath.run.reference).toBe("019299c5-4f43-7e45-aa6f-c65164159854");
    const insert = await runByReference(svc, "019299c5-73cf-7069-a70f-74eb8070b577");
    expect(insert.status).toBe("COMPLETED");
    expect(insert.inputArtifacts.map((a: any) => a.run?.reference)).toEqual(["019299c5-4f43-7e45-aa6f-c65164159854"]);
    const completeOnly = await runByReference(svc, corpus("compat-spark-dataproc-hive-04.json")[0].run.runId);
    expect(completeOnly.startedAt).toBe(completeOnly.finishedAt);
  });

  it("BigQuery on Dataproc: output statistics become the version's row count and size", async () => {
    const output = ok(await svc.gql(DATASET, { ns: "file", name: "/tmp/outputs/1729097570970" })).openLineageDataset;
    expect(output).toMatchObject({ nObservations: 1, size: 9 });
    const child = await runByReference(svc, output.run.reference);
    expect(child.inputArtifacts.map((a: any) => [a.storage.root, a.key])).toEqual([["bigquery", "bigquery-public-data.samples.shakespeare"]]);
    expect(child.initiatedBy).not.toBeNull();
  });

  it("dbt: the command run fails with the error message kept", async () => {
    const run = await runByReference(svc, "{{ any(result) }}");
    expect(run).toMatchObject({
      status: "ERRORED",
      finishedAt: "2024-11-22T15:58:09.771Z",
      transform: { key: "dbt-test-namespace/dbt-run-jaffle_shop", type: "pipeline" },
    });
  });

  it("Hive: a COMPLETE-only query run reads the source under its Hive name", async () => {
    const run = await runByReference(svc, "0197833d-6cec-7609-a80f-8f4e0f8a5b1f");
    expect(run).toMatchObject({ status: "COMPLETED", transform: { type: "script" } });
    expect(run.startedAt).toBe(run.finishedAt);
    expect(run.transform.sourceCode).toContain("create table mydatabase.target_table");
  });

  it("leniency: no timezone (UTC), no schemaURL, no eventType, a non-UUID run id, unicode names", async () => {
    expect(await runByReference(svc, "run_id")).toMatchObject({ status: "COMPLETED", transform: { key: "job_namespace/job_name" } });
    const noZone = corpus("marquez-event_required_no_timezone.json")[0];
    expect(await runByReference(svc, noZone.run.runId)).toMatchObject({ status: "STARTED", startedAt: "2020-12-28T19:51:01.641Z" });
    const unicode = corpus("marquez-event_unicode.json")[0];
    expect((await runByReference(svc, unicode.run.runId)).transform.name).toBe(unicode.job.name);
    const serde = corpus("ol-client-python-serde_example_run_event.json")[0];
    expect(await runByReference(svc, serde.run.runId)).toMatchObject({ startedAt: "2021-11-03T10:53:52.427Z" });
    const full = corpus("ol-spec-tests-example_full_event.json")[0];
    expect((await runByReference(svc, full.run.runId)).transform.sourceCode).toBe("SELECT 1");
  });

  it("DatasetEvent and JobEvent: facets on the family, declared inputs and outputs on the transform", async () => {
    const dataset = ok(await svc.gql(DATASET, { ns: "my-dataset-namespace", name: "my-dataset-name" })).openLineageDataset;
    expect(dataset.facets.schema.fields[0].name).toBe("col_a");
    const transforms = ok(
      await svc.gql(
        `{ transforms(first: 100, filter: { key: { equals: "delta-namespace/delta_integration_test.append_data_exec_v1.spark_catalog_default_versioned_table" } }) { edges { node { key facets } } } }`,
      ),
    ).transforms.edges;
    expect(transforms).toHaveLength(1);
    expect(transforms[0].node.facets.declaredOutputs[0].name).toBe("/tmp/delta/versioned_table");
  });

  it("an unknown producer's runs stand on their own", async () => {
    const events = corpus("rentgen-events_unknown.jsonl");
    const run = await runByReference(separate, events[0].run.runId);
    expect(run).toMatchObject({ status: "COMPLETED", transform: { key: "unknown://unknown/somejob" } });
    expect(run.inputArtifacts.length + run.outputArtifacts.length).toBeGreaterThan(0);
  });
});
