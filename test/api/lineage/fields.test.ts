// Lineage fields that load records: LineageNode.artifact/run/collection are hydrated in a
// constant number of statements, and Artifact/Run.upstream/downstream run one traversal for
// all siblings of a list.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphFixture, type Node } from "../../helpers/lineage-fixtures.ts";
import { ok, startTestService, TEST_DB, type TestService } from "../../harness.ts";

let svc: TestService;
let g: GraphFixture;
beforeAll(async () => {
  svc = await startTestService();
  g = new GraphFixture(svc);
});
afterAll(async () => svc?.stop());

/** `width` independent pipelines raw_i → prep_i → mid_i → (mid_i + bundle_i) → model_i → out_i. */
async function pipelines(prefix: string, width: number) {
  const outs: Node[] = [];
  for (let i = 0; i < width; i++) {
    const raw = await g.artifact(`${prefix}/raw-${i}`);
    const prep = await g.run(`${prefix}-prep`, [raw]);
    const mid = await g.artifact(`${prefix}/mid-${i}`, prep);
    const bundle = await g.collection(`${prefix}/bundle-${i}`, [mid, raw]);
    const model = await g.run(`${prefix}-model`, [mid], [bundle]);
    outs.push(await g.artifact(`${prefix}/out-${i}`, model));
  }
  return outs;
}

const HYDRATED = `query($uid: String!) {
  lineage(uid: $uid, direction: UPSTREAM, depth: 10) {
    nodes {
      uid kind
      artifact { uid key storage { root } run { uid } }
      run { uid status transform { name } inputArtifacts { uid } }
      collection { uid key artifacts { uid } }
    }
    edges { source target }
  }
}`;

describe("LineageNode records", () => {
  it("loads artifacts, runs and collections of any graph size in the same number of statements", async () => {
    const [small] = await pipelines("one", 1);
    // one wide graph: a final run reads every output of 12 pipelines
    const outs = await pipelines("wide", 12);
    const summarise = await g.run("summarise", outs);
    const summary = await g.artifact("wide/summary", summarise);

    const counts: number[] = [];
    for (const start of [small, summary]) {
      let data: any;
      const { count } = await svc.countStatements(async () => {
        data = ok(await svc.gql(HYDRATED, { uid: start.uid })).lineage;
      });
      counts.push(count);
      for (const node of data.nodes) {
        expect(node.artifact?.uid ?? node.run?.uid ?? node.collection?.uid).toBe(node.uid);
        expect([node.artifact, node.run, node.collection].filter(Boolean)).toHaveLength(1);
      }
      const bundles = data.nodes.filter((n: any) => n.kind === "COLLECTION");
      expect(bundles.every((b: any) => b.collection.artifacts.length === 2)).toBe(true);
      const models = data.nodes.filter((n: any) => n.run?.transform.name.endsWith("-model"));
      expect(models.every((m: any) => m.run.inputArtifacts.length === 1)).toBe(true);
    }
    expect(counts[1]).toBe(counts[0]);
    // the walk; artifacts, their storage and run; runs, their transform, input links and
    // artifacts; collections, their member links and artifacts: on SQLite one statement per
    // field level, on PostgreSQL one per record kind (its relations joined in)
    expect(counts[0]).toBe(TEST_DB === "postgres" ? 4 : 11);
  });
});

describe("upstream and downstream fields", () => {
  it("run one traversal per field for all siblings of a list", async () => {
    const query = `query($first: Int!) {
      runs(first: $first, filter: { transformName: { equals: "fields-model" } }) {
        edges { node { uid
          upstream(depth: 2) { nodes { uid kind distance } edges { source target } truncated }
          downstream { nodes { uid } }
        } }
      }
    }`;
    await pipelines("fields", 8);
    const counts: number[] = [];
    for (const first of [1, 8]) {
      let runs: any[] = [];
      const { count } = await svc.countStatements(async () => {
        runs = ok(await svc.gql(query, { first })).runs.edges.map((e: any) => e.node);
      });
      counts.push(count);
      expect(runs).toHaveLength(first);
      for (const run of runs) {
        // the model run, its inputs (mid, bundle), bundle members (raw), prep run
        expect(run.upstream.nodes.map((n: any) => n.kind).sort()).toEqual(["ARTIFACT", "ARTIFACT", "COLLECTION", "RUN", "RUN"]);
        expect(run.upstream.nodes.find((n: any) => n.distance === 0 && n.kind === "RUN").uid).toBe(run.uid);
        expect(run.upstream.truncated).toBe(false);
        expect(run.downstream.nodes).toHaveLength(2); // the run and its output
      }
    }
    expect(counts[1]).toBe(counts[0]);
  });

  it("batches Artifact.upstream and Artifact.downstream across the artifacts of a list", async () => {
    const query = `query($keys: String!) {
      artifacts(filter: { key: { startsWith: $keys } }, first: 50) {
        edges { node { key upstream(depth: 1) { nodes { uid } } downstream(depth: 1) { nodes { uid } truncated } } }
      }
    }`;
    const counts: number[] = [];
    for (const keys of ["one/out", "wide/"]) {
      let nodes: any[] = [];
      const { count } = await svc.countStatements(async () => {
        nodes = ok(await svc.gql(query, { keys })).artifacts.edges.map((e: any) => e.node);
      });
      counts.push(count);
      expect(nodes.length).toBeGreaterThan(0);
      for (const node of nodes) {
        if (node.key.includes("/out-")) expect(node.upstream.nodes).toHaveLength(5); // out, model, mid, bundle and its member raw
      }
    }
    expect(counts[1]).toBe(counts[0]);
  });
});
