// Delivery does not matter: every event sent twice, or a whole scenario replayed in reverse
// order, leaves the registry one in-order delivery leaves — same runs, statuses, times,
// parents, versions and input edges. And concurrent requests for one run never duplicate it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../../harness.ts";
import { corpus, postBatch, postEvent, registrySnapshot } from "./helpers.ts";

const FILES = [
  "rentgen-events_airflow.jsonl",
  "rentgen-events_spark.jsonl",
  ...Array.from({ length: 9 }, (_, i) => `compat-spark-cll-${i + 1}.json`),
  ...["01", "02", "03", "04", "05", "11", "12", "13", "14", "16"].map((n) => `compat-spark-dataproc-hive-${n}.json`),
  ...["1729097588979", "1729097627366", "1729097631761", "1729097631884"].map((n) => `compat-spark-dataproc-bq-${n}.json`),
];

/** A pipeline that ran on two days: each day's output must trace to that day's input only. */
function rerunScenario() {
  const event = (eventType: string, eventTime: string, runId: string, job: string, inputs: string[], outputs: string[]) => ({
    eventType,
    eventTime,
    producer: "https://example.com/test",
    schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
    run: { runId },
    job: { namespace: "daily", name: job },
    inputs: inputs.map((name) => ({ namespace: "s3://lake", name })),
    outputs: outputs.map((name) => ({ namespace: "s3://lake", name })),
  });
  const events = [];
  for (const [day, suffix] of [
    ["2024-06-01", "1"],
    ["2024-06-02", "2"],
  ]) {
    events.push(event("START", `${day}T01:00:00Z`, `extract-${suffix}`, "extract", [], ["raw"]));
    events.push(event("COMPLETE", `${day}T01:10:00Z`, `extract-${suffix}`, "extract", [], ["raw"]));
    events.push(event("START", `${day}T02:00:00Z`, `load-${suffix}`, "load", ["raw"], []));
    events.push(event("COMPLETE", `${day}T02:10:00Z`, `load-${suffix}`, "load", ["raw"], ["table"]));
  }
  return events;
}

const scenario = () => [...FILES.flatMap((file) => corpus(file)), ...rerunScenario()];

describe("OpenLineage delivery order and retries", () => {
  const services: TestService[] = [];
  const start = async () => {
    const svc = await startTestService();
    services.push(svc);
    return svc;
  };
  let inOrder: Awaited<ReturnType<typeof registrySnapshot>>;
  beforeAll(async () => {
    const svc = await start();
    for (const event of scenario()) expect((await postEvent(svc, event)).status).toBe(200);
    inOrder = await registrySnapshot(svc);
  }, 120_000);
  afterAll(async () => {
    for (const svc of services) await svc.stop();
  });

  it("the in-order registry has the expected shape", () => {
    expect(inOrder.runs.length).toBe(19);
    const load2 = inOrder.runs.find((run) => run.reference === "load-2")!;
    expect(load2.inputs).toEqual(["s3://lake|raw@extract-2"]);
    expect(inOrder.runs.find((run) => run.reference === "load-1")!.inputs).toEqual(["s3://lake|raw@extract-1"]);
    expect(inOrder.versions.filter((v) => v.startsWith("s3://lake|table"))).toEqual(["s3://lake|table@load-1", "s3://lake|table@load-2 (latest)"]);
  });

  it("every event sent twice gives the same registry", async () => {
    const svc = await start();
    for (const event of scenario()) {
      expect((await postEvent(svc, event)).status).toBe(200);
      expect((await postEvent(svc, event)).status).toBe(200);
    }
    expect(await registrySnapshot(svc)).toEqual(inOrder);
  }, 120_000);

  it("the whole scenario in reverse order gives the same registry", async () => {
    const svc = await start();
    for (const event of scenario().reverse()) expect((await postEvent(svc, event)).status).toBe(200);
    expect(await registrySnapshot(svc)).toEqual(inOrder);
  }, 120_000);

  it("the reversed scenario as batches gives the same registry", async () => {
    const svc = await start();
    const events = scenario().reverse();
    for (let i = 0; i < events.length; i += 7) expect((await postBatch(svc, events.slice(i, i + 7))).body.status).toBe("success");
    expect(await registrySnapshot(svc)).toEqual(inOrder);
  }, 120_000);

  it("concurrent requests for one run and one dataset create each once", async () => {
    const svc = await start();
    const event = (eventType: string, time: string) => ({
      eventType,
      eventTime: time,
      run: { runId: "concurrent-run" },
      job: { namespace: "race", name: "job" },
      inputs: [{ namespace: "s3://race", name: "in" }],
      outputs: [{ namespace: "s3://race", name: "out" }],
    });
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i % 2 ? postEvent(svc, event("COMPLETE", "2024-01-01T00:10:00Z")) : postBatch(svc, [event("START", "2024-01-01T00:00:00Z")]),
      ),
    );
    for (const answer of answers) expect(answer.status).toBe(200);
    const registry = await registrySnapshot(svc);
    expect(registry.runs).toEqual([
      {
        reference: "concurrent-run",
        job: "race/job",
        status: "COMPLETED",
        startedAt: "2024-01-01T00:00:00.000Z",
        finishedAt: "2024-01-01T00:10:00.000Z",
        parent: null,
        inputs: ["s3://race|in@origin"],
        outputs: ["s3://race|out (latest)"],
      },
    ]);
    expect(registry.versions).toEqual(["s3://race|in@origin (latest)", "s3://race|out@concurrent-run (latest)"]);
    const counts = await svc.snapshot();
    expect(counts).toMatchObject({ storage: 2, artifactAlias: 2, openLineageRun: 1, transform: 1, run: 1, artifact: 2, runInputArtifact: 1 });
  });

  it("a refused event among concurrent requests fails alone", async () => {
    const svc = await start();
    const event = (runId: string, job: string) => ({
      eventType: "COMPLETE",
      eventTime: "2024-01-01T00:00:00Z",
      run: { runId },
      job: { namespace: "group", name: job },
    });
    await postEvent(svc, event("taken", "first"));
    const answers = await Promise.all([
      ...Array.from({ length: 6 }, (_, i) => postEvent(svc, event(`ok-${i}`, "other"))),
      postEvent(svc, event("taken", "second")),
      ...Array.from({ length: 6 }, (_, i) => postEvent(svc, event(`ok-${i + 6}`, "other"))),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([...Array(6).fill(200), 409, ...Array(6).fill(200)]);
    expect((await registrySnapshot(svc)).runs).toHaveLength(13);
  });
});
