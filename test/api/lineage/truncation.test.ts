// Lineage cut by maxNodes keeps a connected graph around the start: every node kept is
// reachable from the start through kept nodes and edges, whatever the direction and shape.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphFixture, type Node } from "../../helpers/lineage-fixtures.ts";
import { ok, startTestService, type TestService } from "../../harness.ts";

let svc: TestService;
let g: GraphFixture;
beforeAll(async () => {
  svc = await startTestService();
  g = new GraphFixture(svc);
});
afterAll(async () => svc?.stop());

const LINEAGE = `query($uid: String!, $direction: LineageDirection, $depth: Int, $maxNodes: Int) {
  lineage(uid: $uid, direction: $direction, depth: $depth, maxNodes: $maxNodes) {
    nodes { uid isStart } edges { source target } truncated truncatedByMaxNodes
  }
}`;

interface GraphResult {
  nodes: { uid: string; isStart: boolean }[];
  edges: { source: string; target: string }[];
  truncated: boolean;
  truncatedByMaxNodes: boolean;
}

async function lineage(uid: string, direction: string, maxNodes: number): Promise<GraphResult> {
  return ok(await svc.gql(LINEAGE, { uid, direction, depth: 10, maxNodes })).lineage as GraphResult;
}

/** The kept nodes that cannot be reached from the start through kept nodes and edges. */
function unreachable(graph: GraphResult, start: string): string[] {
  const neighbours = new Map<string, string[]>(graph.nodes.map((n) => [n.uid, []]));
  for (const { source, target } of graph.edges) {
    neighbours.get(source)?.push(target);
    neighbours.get(target)?.push(source);
  }
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length) for (const next of neighbours.get(queue.shift() as string) ?? []) if (!seen.has(next)) (seen.add(next), queue.push(next));
  return graph.nodes.map((n) => n.uid).filter((uid) => !seen.has(uid));
}

describe("truncation by maxNodes", () => {
  const starts: { name: string; node: Node }[] = [];
  beforeAll(async () => {
    // A pipeline with fan-in, fan-out, collections (read and produced) and a reference read twice:
    // ref, r1, r2 → align ×2 → bam1, bam2 → cohort (collection) → call → vcf, stats
    //   make-cohort (run) reads bam1, bam2 and produces the collection too; report reads vcf and cohort
    const ref = await g.artifact("ref.fa");
    const r1 = await g.artifact("r1.fq");
    const r2 = await g.artifact("r2.fq");
    const align1 = await g.run("align", [ref, r1]);
    const align2 = await g.run("align", [ref, r2]);
    const bam1 = await g.artifact("s1.bam", align1);
    const bam2 = await g.artifact("s2.bam", align2);
    const makeCohort = await g.run("make-cohort", [bam1, bam2]);
    const cohort = await g.collection("cohort", [bam1, bam2], makeCohort);
    const call = await g.run("call", [ref], [cohort]);
    const vcf = await g.artifact("calls.vcf", call);
    const stats = await g.artifact("stats.txt", call);
    const report = await g.run("report", [vcf, stats], [cohort]);
    const html = await g.artifact("report.html", report);
    const bundle = await g.collection("bundle", [vcf, html], report);
    starts.push(
      { name: "final artifact", node: html },
      { name: "middle artifact", node: bam1 },
      { name: "shared reference", node: ref },
      { name: "run", node: call },
      { name: "collection read by runs", node: cohort },
      { name: "collection of outputs", node: bundle },
      { name: "raw input", node: r2 },
    );
  });

  for (const direction of ["UPSTREAM", "DOWNSTREAM", "BOTH"]) {
    it(`keeps a connected graph around the start, ${direction.toLowerCase()}, maxNodes 1 to 10`, async () => {
      for (const { name, node } of starts) {
        const full = await lineage(node.uid, direction, 1000);
        for (let maxNodes = 1; maxNodes <= 10; maxNodes++) {
          const graph = await lineage(node.uid, direction, maxNodes);
          const where = `${name}, ${direction}, maxNodes ${maxNodes}`;
          expect(graph.nodes.length, where).toBe(Math.min(maxNodes, full.nodes.length));
          expect(graph.nodes.find((n) => n.isStart)?.uid, where).toBe(node.uid);
          expect(unreachable(graph, node.uid), where).toEqual([]);
          const cut = full.nodes.length > maxNodes;
          expect(graph.truncatedByMaxNodes, where).toBe(cut);
          if (cut) expect(graph.truncated, where).toBe(true);
        }
      }
    });
  }

  it("keeps a connected graph when cutting a layered graph", async () => {
    const { summary, first } = await g.layered(6, 8);
    for (const [uid, direction] of [
      [summary.uid, "UPSTREAM"],
      [first[0].uid, "DOWNSTREAM"],
      [first[3].uid, "BOTH"],
    ]) {
      for (const maxNodes of [1, 2, 3, 5, 8, 10, 17, 40]) {
        const graph = await lineage(uid, direction, maxNodes);
        expect(graph.nodes).toHaveLength(maxNodes);
        expect(graph.truncated && graph.truncatedByMaxNodes).toBe(true);
        expect(unreachable(graph, uid), `${direction}, maxNodes ${maxNodes}`).toEqual([]);
      }
    }
  });
});
