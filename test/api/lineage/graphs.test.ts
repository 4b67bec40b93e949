// Lineage graphs over GraphQL: chains, diamonds, fan-in/fan-out, collections, a planted cycle,
// depth and node caps, both directions, the trash, re-created artifacts, and a large graph —
// each answered by one recursive SQL statement.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphFixture, type Node } from "../../helpers/lineage-fixtures.ts";
import { contentHash, expectError, ok, startTestService, type TestService } from "../../harness.ts";

let svc: TestService;
let g: GraphFixture;
beforeAll(async () => {
  // the hard caps, above the operator's defaults, to walk deep and wide graphs
  svc = await startTestService({ limits: { lineageMaxDepth: 100, lineageMaxNodes: 100_000 } });
  g = new GraphFixture(svc);
});
afterAll(async () => svc?.stop());

const GRAPH = `nodes { uid kind distance label isStart } edges { source target } truncated truncatedByDepth truncatedByMaxNodes`;
const LINEAGE = `query($uid: String!, $direction: LineageDirection, $depth: Int, $maxNodes: Int, $includeTrashed: Boolean) {
  lineage(uid: $uid, direction: $direction, depth: $depth, maxNodes: $maxNodes, includeTrashed: $includeTrashed) { ${GRAPH} }
}`;

interface GraphResult {
  nodes: { uid: string; kind: string; distance: number; label: string; isStart: boolean }[];
  edges: { source: string; target: string }[];
  truncated: boolean;
  truncatedByDepth: boolean;
  truncatedByMaxNodes: boolean;
  mermaid?: string;
  dot?: string;
}

async function lineage(uid: string, vars: Record<string, unknown> = {}): Promise<GraphResult> {
  return ok(await svc.gql(LINEAGE, { uid, ...vars })).lineage as GraphResult;
}

/** node uid → distance, for compact assertions */
const distances = (graph: GraphResult) => Object.fromEntries(graph.nodes.map((node) => [node.uid, node.distance]));
const edgeSet = (graph: GraphResult) => new Set(graph.edges.map((edge) => `${edge.source}>${edge.target}`));
const edge = (a: Node, b: Node) => `${a.uid}>${b.uid}`;

describe("chain", () => {
  // raw → r1 → a1 → r2 → a2 → r3 → a3
  let raw: Node, r1: Node, a1: Node, r2: Node, a2: Node, r3: Node, a3: Node;
  beforeAll(async () => {
    raw = await g.artifact("raw/reads.fq");
    r1 = await g.run("align", [raw]);
    a1 = await g.artifact("aligned.bam", r1);
    r2 = await g.run("call", [a1]);
    a2 = await g.artifact("calls.vcf", r2);
    r3 = await g.run("report", [a2]);
    a3 = await g.artifact(null, r3);
  });

  it("goes upstream to the requested depth, counting runs, and says when depth cut it", async () => {
    const one = await lineage(a3.uid, { direction: "UPSTREAM", depth: 1 });
    expect(distances(one)).toEqual({ [a3.uid]: 0, [r3.uid]: 1, [a2.uid]: 1 });
    expect(one.truncated).toBe(true);
    expect(one.truncatedByDepth).toBe(true);
    expect(edgeSet(one)).toEqual(new Set([edge(r3, a3), edge(a2, r3)]));
    expect(one.nodes.find((n) => n.uid === a3.uid)).toMatchObject({ isStart: true, kind: "ARTIFACT", label: a3.uid });
    expect(one.nodes.find((n) => n.uid === r3.uid)?.label).toBe("report 1 · 2026-01-02 03:04");

    const all = await lineage(a3.uid, { direction: "UPSTREAM", depth: 3 });
    expect(distances(all)).toEqual({ [a3.uid]: 0, [r3.uid]: 1, [a2.uid]: 1, [r2.uid]: 2, [a1.uid]: 2, [r1.uid]: 3, [raw.uid]: 3 });
    expect(all.truncated).toBe(false);
    expect(all.edges).toHaveLength(6);
  });

  it("goes downstream, and both ways from the middle", async () => {
    const down = await lineage(raw.uid, { direction: "DOWNSTREAM", depth: 2 });
    expect(distances(down)).toEqual({ [raw.uid]: 0, [r1.uid]: 1, [a1.uid]: 1, [r2.uid]: 2, [a2.uid]: 2 });
    expect(down.truncatedByDepth).toBe(true);
    expect(edgeSet(down)).toEqual(new Set([edge(raw, r1), edge(r1, a1), edge(a1, r2), edge(r2, a2)]));

    const both = await lineage(a1.uid, { depth: 1 }); // BOTH is the default
    expect(distances(both)).toEqual({ [a1.uid]: 0, [r1.uid]: 1, [raw.uid]: 1, [r2.uid]: 1, [a2.uid]: 1 });
    expect(both.truncated).toBe(true);
  });

  it("starts from a run: the run and its own inputs and outputs are at distance 0", async () => {
    const up = await lineage(r2.uid, { direction: "UPSTREAM", depth: 1 });
    expect(distances(up)).toEqual({ [r2.uid]: 0, [a1.uid]: 0, [r1.uid]: 1, [raw.uid]: 1 });
    expect(up.truncated).toBe(false);
    const down = await lineage(r2.uid, { direction: "DOWNSTREAM", depth: 0 });
    expect(distances(down)).toEqual({ [r2.uid]: 0, [a2.uid]: 0 });
    expect(down.truncatedByDepth).toBe(true);
  });

  it("accepts a 16-character stem for the latest version, and rejects unknown uids and limits above the caps", async () => {
    const byStem = await lineage(a1.uid.slice(0, 16), { direction: "UPSTREAM", depth: 1 });
    expect(byStem.nodes.find((n) => n.isStart)?.uid).toBe(a1.uid);
    const missing = expectError(await svc.gql(LINEAGE, { uid: "AAAAAAAAAAAAAAAAAAAA" }), "NOT_FOUND");
    expect(missing.message).toMatch(/no artifact, run or collection/);
    const deep = expectError(await svc.gql(LINEAGE, { uid: a1.uid, depth: 101 }), "VALIDATION_FAILED");
    expect(deep.message).toMatch(/depth.*100/);
    const wide = expectError(await svc.gql(LINEAGE, { uid: a1.uid, maxNodes: 100_001 }), "VALIDATION_FAILED");
    expect(wide.message).toMatch(/maxNodes.*100000/);
    expectError(await svc.gql(LINEAGE, { uid: a1.uid, depth: -1 }), "VALIDATION_FAILED");
    expectError(await svc.gql(LINEAGE, { uid: a1.uid, maxNodes: 0 }), "VALIDATION_FAILED");
  });

  it("renders the same graph as Mermaid and DOT", async () => {
    const graph = ok(await svc.gql(`query($uid: String!) { lineage(uid: $uid, direction: UPSTREAM, depth: 1) { mermaid dot } }`, { uid: a2.uid })).lineage;
    expect(graph.mermaid).toBe(
      [
        "flowchart LR",
        `  a_${a2.uid}["calls.vcf"]`,
        `  a_${a1.uid}["aligned.bam"]`,
        `  r_${r2.uid}(["call 1 · 2026-01-02 03:04"])`,
        `  a_${a1.uid} --> r_${r2.uid}`,
        `  r_${r2.uid} --> a_${a2.uid}`,
        "  classDef start stroke-width:3px,stroke:#d97706",
        `  class a_${a2.uid} start`,
        "",
      ].join("\n"),
    );
    expect(graph.dot).toContain(`"${r2.uid}" [label="call 1 · 2026-01-02 03:04", shape=ellipse];`);
    expect(graph.dot).toContain(`"${a1.uid}" -> "${r2.uid}";`);
    expect(graph.dot).toContain(`"${r2.uid}" -> "${a2.uid}";`);
    expect(graph.dot.match(/->/g)).toHaveLength(2);
  });
});

describe("diamond, fan-in and fan-out", () => {
  // src → split → left, right; left → l → lo; right → r → ro; (lo, ro) → merge → out
  let src: Node, split: Node, left: Node, right: Node, l: Node, lo: Node, r: Node, ro: Node, merge: Node, out: Node, longer: Node, lr: Node;
  beforeAll(async () => {
    src = await g.artifact("src.csv");
    split = await g.run("split", [src]);
    left = await g.artifact("left.csv", split);
    right = await g.artifact("right.csv", split);
    l = await g.run("clean", [left]);
    lo = await g.artifact("left.clean.csv", l);
    r = await g.run("clean", [right]);
    ro = await g.artifact("right.clean.csv", r);
    // an extra, longer path to ro's sibling: right → lr → longer (read by merge as well)
    lr = await g.run("enrich", [ro]);
    longer = await g.artifact("right.enriched.csv", lr);
    merge = await g.run("merge", [lo, ro, longer]);
    out = await g.artifact("merged.parquet", merge);
  });

  it("reaches each node once, at its shortest distance", async () => {
    const up = await lineage(out.uid, { direction: "UPSTREAM", depth: 10 });
    expect(distances(up)).toEqual({
      [out.uid]: 0,
      [merge.uid]: 1,
      [lo.uid]: 1,
      [ro.uid]: 1,
      [longer.uid]: 1,
      [l.uid]: 2,
      [r.uid]: 2,
      [lr.uid]: 2,
      [left.uid]: 2,
      [right.uid]: 2,
      [split.uid]: 3,
      [src.uid]: 3,
    });
    expect(up.nodes).toHaveLength(12);
    expect(edgeSet(up)).toEqual(
      new Set([
        edge(src, split),
        edge(split, left),
        edge(split, right),
        edge(left, l),
        edge(l, lo),
        edge(right, r),
        edge(r, ro),
        edge(ro, lr),
        edge(lr, longer),
        edge(lo, merge),
        edge(ro, merge),
        edge(longer, merge),
        edge(merge, out),
      ]),
    );
    expect(up.truncated).toBe(false);
  });

  it("fans out downstream and keeps the nearest nodes under maxNodes", async () => {
    const down = await lineage(src.uid, { direction: "DOWNSTREAM", depth: 10 });
    expect(down.nodes).toHaveLength(12);
    const capped = await lineage(src.uid, { direction: "DOWNSTREAM", depth: 10, maxNodes: 4 });
    expect(capped.nodes).toHaveLength(4);
    expect(capped.truncated).toBe(true);
    expect(capped.truncatedByMaxNodes).toBe(true);
    expect(capped.truncatedByDepth).toBe(false);
    expect(Math.max(...capped.nodes.map((n) => n.distance))).toBe(1);
    // edges only among the nodes kept
    const kept = new Set(capped.nodes.map((n) => n.uid));
    for (const e of capped.edges) expect(kept.has(e.source) && kept.has(e.target)).toBe(true);
  });
});

describe("collections", () => {
  let m1: Node, m2: Node, p1: Node, p2: Node, bundle: Node, reader: Node, result: Node, builder: Node;
  beforeAll(async () => {
    p1 = await g.run("sequence");
    m1 = await g.artifact("sample1.fq", p1);
    p2 = await g.run("sequence");
    m2 = await g.artifact("sample2.fq", p2);
    builder = await g.run("bundle", [m1, m2]);
    bundle = await g.collection("cohort", [m1, m2], builder);
    reader = await g.run("train", [], [bundle]);
    result = await g.artifact("model.pt", reader);
  });

  it("walks through a collection upstream: its producing run and its members", async () => {
    const up = await lineage(result.uid, { direction: "UPSTREAM", depth: 5 });
    expect(distances(up)).toEqual({
      [result.uid]: 0,
      [reader.uid]: 1,
      [bundle.uid]: 1,
      [m1.uid]: 1,
      [m2.uid]: 1,
      [builder.uid]: 2,
      [p1.uid]: 2,
      [p2.uid]: 2,
    });
    expect(up.nodes.find((n) => n.uid === bundle.uid)).toMatchObject({ kind: "COLLECTION", label: "cohort" });
    expect(edgeSet(up)).toEqual(
      new Set([
        edge(p1, m1),
        edge(p2, m2),
        edge(m1, bundle),
        edge(m2, bundle),
        edge(builder, bundle),
        edge(m1, builder),
        edge(m2, builder),
        edge(bundle, reader),
        edge(reader, result),
      ]),
    );
  });

  it("goes downstream from a member into the collection and its readers, and starts from a collection", async () => {
    const down = await lineage(m1.uid, { direction: "DOWNSTREAM", depth: 1 });
    expect(distances(down)).toEqual({ [m1.uid]: 0, [bundle.uid]: 0, [builder.uid]: 1, [reader.uid]: 1, [result.uid]: 1 });
    const fromCollection = await lineage(bundle.uid, { direction: "DOWNSTREAM" });
    expect(distances(fromCollection)).toEqual({ [bundle.uid]: 0, [reader.uid]: 1, [result.uid]: 1 });
    const mermaid = ok(await svc.gql(`query($uid: String!) { lineage(uid: $uid, direction: DOWNSTREAM) { mermaid } }`, { uid: bundle.uid })).lineage.mermaid;
    expect(mermaid).toContain(`c_${bundle.uid}[["cohort"]]`);
  });
});

describe("bad data and the trash", () => {
  it("never hangs on a cycle planted in the data", async () => {
    const seed = await g.artifact("seed");
    const r1 = await g.run("loop-a", [seed]);
    const x = await g.artifact("x", r1);
    const r2 = await g.run("loop-b", [x]);
    const y = await g.artifact("y", r2);
    await g.addInputs(r1, [y]); // r1 now reads what r2 made from r1's output
    for (const direction of ["UPSTREAM", "DOWNSTREAM", "BOTH"]) {
      const graph = await lineage(x.uid, { direction, depth: 100, maxNodes: 100_000 });
      expect(graph.truncated).toBe(false);
      expect(new Set(graph.nodes.map((n) => n.uid)).size).toBe(graph.nodes.length);
    }
    const up = await lineage(x.uid, { direction: "UPSTREAM", depth: 100 });
    expect(distances(up)).toEqual({ [x.uid]: 0, [r1.uid]: 1, [seed.uid]: 1, [y.uid]: 1, [r2.uid]: 2 });
    expect(edgeSet(up)).toEqual(new Set([edge(seed, r1), edge(y, r1), edge(r1, x), edge(x, r2), edge(r2, y)]));
  });

  it("leaves trashed records out unless asked for", async () => {
    const a = await g.artifact("t/a");
    const run = await g.run("trashy", [a]);
    const b = await g.artifact("t/b", run);
    const next = await g.run("after", [b]);
    const c = await g.artifact("t/c", next);
    await g.trash("run", run);
    const hidden = await lineage(c.uid, { direction: "UPSTREAM", depth: 5 });
    expect(distances(hidden)).toEqual({ [c.uid]: 0, [next.uid]: 1, [b.uid]: 1 });
    const shown = await lineage(c.uid, { direction: "UPSTREAM", depth: 5, includeTrashed: true });
    expect(distances(shown)).toEqual({ [c.uid]: 0, [next.uid]: 1, [b.uid]: 1, [run.uid]: 2, [a.uid]: 2 });
    await g.trash("artifact", c);
    expectError(await svc.gql(LINEAGE, { uid: c.uid }), "NOT_FOUND");
    expect((await lineage(c.uid, { includeTrashed: true })).nodes.length).toBeGreaterThan(0);
  });

  it("does not treat a run that re-creates an existing artifact as its reader or producer", async () => {
    const hash = contentHash("lineage-recreated");
    const first = ok(await svc.gql(`mutation { track(input: { transform: { name: "make", version: "1" } }) { uid } }`)).track;
    const made = ok(
      await svc.gql(`mutation($r: String!, $h: String!) { registerArtifact(input: { key: "made.txt", hash: $h, runUid: $r }) { uid } }`, {
        r: first.uid,
        h: hash,
      }),
    ).registerArtifact;
    const second = ok(
      await svc.gql(`mutation($a: String!) { track(input: { transform: { name: "remake", version: "1" }, inputArtifactUids: [$a] }) { uid } }`, {
        a: made.uid,
      }),
    ).track;
    const again = ok(
      await svc.gql(`mutation($r: String!, $h: String!) { registerArtifact(input: { key: "made.txt", hash: $h, runUid: $r }) { uid } }`, {
        r: second.uid,
        h: hash,
      }),
    ).registerArtifact;
    expect(again.uid).toBe(made.uid);
    const up = await lineage(made.uid, { direction: "UPSTREAM", depth: 10 });
    expect(distances(up)).toEqual({ [made.uid]: 0, [first.uid]: 1 });
    const down = await lineage(made.uid, { direction: "DOWNSTREAM", depth: 10 });
    expect(distances(down)).toEqual({ [made.uid]: 0, [second.uid]: 1 });
    expect(down.truncated).toBe(false);
  });
});

describe("a graph of more than 10,000 nodes", () => {
  it("returns every node and edge in one SQL statement, and caps it on request", async () => {
    const { summary, first, nodes, edges } = await g.layered(50, 100);
    expect(nodes).toBeGreaterThanOrEqual(10_000);
    let graph: GraphResult | undefined;
    const counted = await svc.countStatements(async () => {
      graph = await lineage(summary.uid, { direction: "UPSTREAM", depth: 60, maxNodes: 20_000 });
    });
    expect(counted.count).toBe(1);
    expect(graph?.nodes).toHaveLength(nodes);
    expect(graph?.edges).toHaveLength(edges);
    expect(graph?.truncated).toBe(false);
    expect(
      graph?.nodes
        .filter((n) => n.distance === 51 && n.kind === "ARTIFACT")
        .map((n) => n.uid)
        .sort(),
    ).toEqual(first.map((a) => a.uid).sort());

    const capped = await lineage(summary.uid, { direction: "UPSTREAM", depth: 60, maxNodes: 5_000 });
    expect(capped.nodes).toHaveLength(5_000);
    expect(capped.truncatedByMaxNodes).toBe(true);
    const shallow = await lineage(summary.uid, { direction: "UPSTREAM", depth: 10, maxNodes: 100_000 });
    expect(shallow.truncatedByDepth).toBe(true);
    expect(Math.max(...shallow.nodes.map((n) => n.distance))).toBe(10);
  });
});
