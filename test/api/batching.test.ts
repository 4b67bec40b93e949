// Relations are loaded in a fixed number of SQL statements, whatever the number of rows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentHash, ok, startTestService, TEST_DB, type TestService } from "../harness.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => svc?.stop());

async function recordRuns(count: number, offset: number) {
  for (let i = offset; i < offset + count; i++) {
    const input = ok(
      await svc.gql(`mutation($h: String!) { registerArtifact(input: { key: "in/${i}.csv", hash: $h }) { uid } }`, { h: contentHash(`in${i}`) }),
    ).registerArtifact;
    const run = ok(
      await svc.gql(`mutation($input: TrackInput!) { track(input: $input) { uid } }`, {
        input: { transform: { name: `step-${i % 7}` }, params: { alpha: i, label: `l${i}` }, defineMissingParams: true, inputArtifactUids: [input.uid] },
      }),
    ).track;
    ok(
      await svc.gql(`mutation($h: String!, $r: String!) { registerArtifact(input: { key: "out/${i}.csv", hash: $h, runUid: $r }) { uid } }`, {
        h: contentHash(`out${i}`),
        r: run.uid,
      }),
    );
  }
}

const DASHBOARD = `query($n: Int!) { runs(first: $n) { totalCount edges { node {
  uid status startedAt params
  transform { uid name version }
  inputArtifacts { uid key }
  outputArtifacts { uid key }
  paramValues { value param { name dtype } }
  createdBy { handle }
} } } }`;

describe("dashboard page of runs", () => {
  it("issues the same number of SQL statements for 10 runs as for 100", async () => {
    await recordRuns(10, 0);
    const small = await svc.countStatements(async () => {
      const data = ok(await svc.gql(DASHBOARD, { n: 100 }));
      expect(data.runs.edges).toHaveLength(10);
      expect(data.runs.edges[0].node.inputArtifacts).toHaveLength(1);
      expect(data.runs.edges[0].node.outputArtifacts).toHaveLength(1);
      expect(data.runs.edges[0].node.paramValues).toHaveLength(2);
    });
    await recordRuns(90, 10);
    const large = await svc.countStatements(async () => {
      const data = ok(await svc.gql(DASHBOARD, { n: 100 }));
      expect(data.runs.edges).toHaveLength(100);
      expect(data.runs.totalCount).toBe(100);
    });
    // PostgreSQL joins the page's relations into its statement (the count and the params
    // loader are apart); SQLite sends one statement per relation level
    expect(small.count).toBe(TEST_DB === "postgres" ? 3 : 11);
    expect(large.count).toBe(small.count);
  });

  it("keeps nested lookups from artifacts constant too", async () => {
    const query = `query($n: Int!) { artifacts(first: $n) { edges { node { uid run { uid transform { name } inputArtifacts { uid } } inputOfRuns { uid } storage { root } } } } }`;
    const ten = await svc.countStatements(async () => ok(await svc.gql(query, { n: 10 })));
    const all = await svc.countStatements(async () => ok(await svc.gql(query, { n: 200 })));
    expect(all.count).toBe(ten.count);
  });
});
