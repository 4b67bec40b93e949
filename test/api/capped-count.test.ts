// totalCountCapped: the count of a list's matches up to a cap, with `more` when the cap is passed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentHash, expectError, ok, startTestService, type TestService } from "../harness.ts";

let svc: TestService;

beforeAll(async () => {
  svc = await startTestService();
  for (let i = 0; i < 7; i++) {
    const run = ok(await svc.gql(`mutation($n: String!) { track(input: { transform: { name: $n } }) { uid } }`, { n: i < 3 ? "ingest" : "analyse" })).track;
    if (i % 3 === 0) ok(await svc.gql(`mutation($u: String!) { finishRun(input: { uid: $u, status: ERRORED }) { uid } }`, { u: run.uid }));
  }
  for (let i = 0; i < 4; i++) {
    ok(
      await svc.gql(`mutation($h: String!, $k: String!) { registerArtifact(input: { key: $k, hash: $h }) { uid } }`, {
        h: contentHash(`cap${i}`),
        k: `cap/${i}.csv`,
      }),
    );
  }
});
afterAll(async () => svc?.stop());

type Counts = Record<string, { totalCount: number; totalCountCapped: { count: number; more: boolean } }>;
const capped = async (query: string) => ok<Counts>(await svc.gql(query));

describe("totalCountCapped", () => {
  it("counts up to the cap and says whether more records match", async () => {
    const below = await capped(`{ runs(first: 1) { totalCount totalCountCapped(max: 10) { count more } } }`);
    expect(below.runs.totalCountCapped).toEqual({ count: 7, more: false });
    expect(below.runs.totalCount).toBe(7);
    const at = await capped(`{ runs(first: 1) { totalCount totalCountCapped(max: 7) { count more } } }`);
    expect(at.runs.totalCountCapped).toEqual({ count: 7, more: false });
    const above = await capped(`{ runs(first: 1) { totalCount totalCountCapped(max: 5) { count more } } }`);
    expect(above.runs.totalCountCapped).toEqual({ count: 5, more: true });
    expect(above.runs.totalCount).toBe(7); // the exact count is unchanged
  });

  it("applies the list's filter, on the other lists too", async () => {
    const errored = await capped(`{ runs(filter: { status: [ERRORED] }) { totalCount totalCountCapped(max: 2) { count more } } }`);
    expect(errored.runs).toMatchObject({ totalCount: 3, totalCountCapped: { count: 2, more: true } });
    const ingest = await capped(`{ runs(filter: { transformName: { equals: "ingest" } }) { totalCountCapped { count more } } }`);
    expect(ingest.runs.totalCountCapped).toEqual({ count: 3, more: false }); // default cap 1000
    const artifacts = await capped(`{ artifacts(filter: { key: { startsWith: "cap/" } }) { totalCountCapped(max: 3) { count more } } }`);
    expect(artifacts.artifacts.totalCountCapped).toEqual({ count: 3, more: true });
  });

  it("refuses a cap outside 1–100,000 with VALIDATION_FAILED on max", async () => {
    for (const max of [0, -1, 100_001]) {
      const error = expectError(await svc.gql(`query($m: Int!) { runs(first: 1) { totalCountCapped(max: $m) { count } } }`, { m: max }), "VALIDATION_FAILED");
      expect(error.extensions?.field).toBe("max");
    }
  });
});
