// OpenLineage `processing_engine` and `environmentVariables` run facets become the run's
// environment: one record per distinct environment, whatever the order events arrive in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ok, startTestService, type TestService } from "../../harness.ts";
import { postBatch, postEvent } from "./helpers.ts";

const engine = (version: string) => ({ version, name: "spark", openlineageAdapterVersion: "1.9.0" });
const variables = (vars: Record<string, string>) => ({ environmentVariables: Object.entries(vars).map(([name, value]) => ({ name, value })) });

function runEvent(eventType: string, eventTime: string, runId: string, facets: Record<string, unknown> = {}) {
  return {
    eventType,
    eventTime,
    producer: "https://example.com/test",
    run: { runId, facets },
    job: { namespace: "env-test", name: "job" },
    inputs: [],
    outputs: [],
  };
}

interface EnvRun {
  uid: string;
  environment: { uid: string; key: string; hash: string; hashType: string; suffix: string; facets: Record<string, any>; storage: { root: string } } | null;
}

async function runOf(svc: TestService, reference: string): Promise<EnvRun> {
  const data = ok(
    await svc.gql<{ runs: { edges: { node: EnvRun }[] } }>(
      `query($r: String!) { runs(first: 2, filter: { reference: $r, referenceType: "openlineage" }) { edges { node {
        uid environment { uid key hash hashType suffix facets storage { root } } } } } }`,
      { r: reference },
    ),
  );
  expect(data.runs.edges).toHaveLength(1);
  return data.runs.edges[0].node;
}

describe("OpenLineage run environment", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService();
  });
  afterAll(async () => svc?.stop());

  it("records processing_engine and environmentVariables as the run's environment", async () => {
    const facets = { processing_engine: engine("3.5.1"), ...{ environmentVariables: variables({ SPARK_HOME: "/opt/spark" }) } };
    expect((await postEvent(svc, runEvent("START", "2024-03-01T10:00:00Z", "env-1", facets))).status).toBe(200);
    const run = await runOf(svc, "env-1");
    expect(run.environment).toMatchObject({
      hashType: "openlineage",
      suffix: ".json",
      storage: { root: "openlineage://environments" },
      facets: {
        processing_engine: { name: "spark", version: "3.5.1" },
        environmentVariables: { environmentVariables: [{ name: "SPARK_HOME", value: "/opt/spark" }] },
      },
    });
    expect(run.environment!.hash).toMatch(/^~ol:environment:/);
  });

  it("shares one record between runs with the same environment and keeps others apart", async () => {
    await postBatch(svc, [
      runEvent("START", "2024-03-02T10:00:00Z", "env-2", { processing_engine: engine("3.5.1"), environmentVariables: variables({ SPARK_HOME: "/opt/spark" }) }),
      runEvent("START", "2024-03-02T11:00:00Z", "env-3", { processing_engine: engine("3.4.0") }),
      runEvent("START", "2024-03-02T12:00:00Z", "env-4"),
    ]);
    const [first, same, other, none] = await Promise.all(["env-1", "env-2", "env-3", "env-4"].map((r) => runOf(svc, r)));
    expect(same.environment!.uid).toBe(first.environment!.uid);
    expect(other.environment!.uid).not.toBe(first.environment!.uid);
    expect(other.environment!.facets).toEqual({ processing_engine: engine("3.4.0") });
    expect(none.environment).toBeNull();
  });

  it("follows the newest facets of the run, in whatever order its events arrive", async () => {
    const start = runEvent("START", "2024-03-03T10:00:00Z", "env-5", { processing_engine: engine("3.5.0") });
    const complete = runEvent("COMPLETE", "2024-03-03T10:05:00Z", "env-5", { processing_engine: engine("3.5.2") });
    await postEvent(svc, complete);
    await postEvent(svc, start);
    await postEvent(svc, complete);
    const run = await runOf(svc, "env-5");
    expect(run.environment!.facets).toEqual({ processing_engine: engine("3.5.2") });
  });
});
