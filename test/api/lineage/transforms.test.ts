// Transform-level lineage: runs collapsed to transforms, edges counting the runs, artifacts
// and collections behind them, in both directions, with depth, trash and rendering.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphFixture, type Node } from "../../helpers/lineage-fixtures.ts";
import { expectError, ok, startTestService, type TestService } from "../../harness.ts";

let svc: TestService;
let g: GraphFixture;
const uid: Record<string, string> = {};
const alignRuns: Node[] = [];

const QUERY = `query($uid: String!, $direction: LineageDirection, $depth: Int, $includeTrashed: Boolean) {
  transformLineage(uid: $uid, direction: $direction, depth: $depth, includeTrashed: $includeTrashed) {
    nodes { uid name version distance runs isStart transform { uid name } }
    edges { source target runs artifacts collections }
    truncated mermaid dot
  }
}`;

beforeAll(async () => {
  svc = await startTestService();
  g = new GraphFixture(svc);
  // ingest ×2 → raw; align ×3 reads raw → bam; bundle gathers the bams into a collection;
  // merge reads the collection
  const raws: Node[] = [];
  for (let i = 0; i < 2; i++) raws.push(await g.artifact(`raw-${i}`, await g.run("ingest")));
  const bams: Node[] = [];
  for (let j = 0; j < 3; j++) {
    const run = await g.run("align", [raws[j % 2]]);
    alignRuns.push(run);
    bams.push(await g.artifact(`bam-${j}`, run));
  }
  const bundler = await g.run("bundle", bams);
  const cohort = await g.collection("cohort", bams, bundler);
  await g.artifact("merged", await g.run("merge", [], [cohort]));
  for (const name of ["ingest", "align", "bundle", "merge"]) {
    uid[name] = (await svc.db.prisma.transform.findUniqueOrThrow({ where: { id: await g.transform(name) } })).uid;
  }
});
afterAll(async () => svc?.stop());

describe("transformLineage", () => {
  it("collapses runs to transforms with the runs and data behind each edge", async () => {
    const graph = ok(await svc.gql(QUERY, { uid: uid.align })).transformLineage;
    const byName = Object.fromEntries(graph.nodes.map((n: any) => [n.name, n]));
    expect(Object.keys(byName).sort()).toEqual(["align", "bundle", "ingest", "merge"]);
    expect(byName.align).toMatchObject({ distance: 0, runs: 3, isStart: true, version: "1", transform: { uid: uid.align, name: "align" } });
    expect(byName.ingest).toMatchObject({ distance: 1, runs: 2, isStart: false });
    expect(byName.bundle).toMatchObject({ distance: 1, runs: 1 });
    expect(byName.merge).toMatchObject({ distance: 2, runs: 1 });
    expect(graph.edges).toEqual(
      expect.arrayContaining([
        { source: uid.ingest, target: uid.align, runs: 3, artifacts: 2, collections: 0 },
        { source: uid.align, target: uid.bundle, runs: 1, artifacts: 3, collections: 0 },
        { source: uid.bundle, target: uid.merge, runs: 1, artifacts: 0, collections: 1 },
      ]),
    );
    expect(graph.edges).toHaveLength(3);
    expect(graph.truncated).toBe(false);
    expect(graph.mermaid).toContain(`t_${uid.ingest} -->|"3 runs · 2 inputs"| t_${uid.align}`);
    expect(graph.mermaid).toContain(`t_${uid.align}("align 1 (3 runs)")`);
    expect(graph.dot).toContain(`"${uid.align}" -> "${uid.bundle}" [label="1 run · 3 inputs"];`);
  });

  it("follows one direction to a depth and says when it was cut", async () => {
    const up = ok(await svc.gql(QUERY, { uid: uid.merge, direction: "UPSTREAM", depth: 1 })).transformLineage;
    expect(up.nodes.map((n: any) => n.name).sort()).toEqual(["bundle", "merge"]);
    expect(up.truncated).toBe(true);
    const down = ok(await svc.gql(QUERY, { uid: uid.ingest, direction: "DOWNSTREAM", depth: 3 })).transformLineage;
    expect(down.nodes.map((n: any) => [n.name, n.distance])).toEqual([
      ["ingest", 0],
      ["align", 1],
      ["bundle", 2],
      ["merge", 3],
    ]);
    expect(down.truncated).toBe(false);
  });

  it("leaves trashed runs out unless asked for, and rejects unknown transforms and deep requests", async () => {
    await g.trash("run", alignRuns[0]);
    const graph = ok(await svc.gql(QUERY, { uid: uid.align, direction: "UPSTREAM" })).transformLineage;
    expect(graph.nodes.find((n: any) => n.name === "align").runs).toBe(2);
    expect(graph.edges).toEqual([{ source: uid.ingest, target: uid.align, runs: 2, artifacts: 2, collections: 0 }]);
    const all = ok(await svc.gql(QUERY, { uid: uid.align, direction: "UPSTREAM", includeTrashed: true })).transformLineage;
    expect(all.edges[0].runs).toBe(3);
    expectError(await svc.gql(QUERY, { uid: "AAAAAAAAAAAAAAAA" }), "NOT_FOUND");
    expectError(await svc.gql(QUERY, { uid: uid.align, depth: 101 }), "VALIDATION_FAILED");
  });

  it("holds lineage requests to the operator's caps (50 runs deep, 5000 nodes by default)", async () => {
    const lineage = `query($uid: String!, $depth: Int, $maxNodes: Int) { lineage(uid: $uid, depth: $depth, maxNodes: $maxNodes) { truncated } }`;
    const run = alignRuns[1].uid;
    ok(await svc.gql(lineage, { uid: run, depth: 50, maxNodes: 5000 }));
    expect(expectError(await svc.gql(lineage, { uid: run, depth: 51 }), "VALIDATION_FAILED").message).toMatch(/between 0 and 50 .*LIMIT_LINEAGE_MAX_DEPTH/);
    expect(expectError(await svc.gql(lineage, { uid: run, maxNodes: 5001 }), "VALIDATION_FAILED").message).toMatch(
      /between 1 and 5000 .*LIMIT_LINEAGE_MAX_NODES/,
    );
    const field = `query($uid: String!) { run(uid: $uid) { upstream(depth: 51) { truncated } } }`;
    expectError(await svc.gql(field, { uid: run }), "VALIDATION_FAILED");
  });
});
