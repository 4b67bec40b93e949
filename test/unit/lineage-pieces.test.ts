// The pure pieces of lineage: the caps check, the walk statement's summary row and start
// seeds, and the labels of a transform-level rendering (no database).
import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/domain/errors.ts";
import { checkDepth, checkLimits, LINEAGE_DEFAULTS, MAX_DEPTH } from "../../src/lineage/limits.ts";
import { transformRenderGraph } from "../../src/lineage/render.ts";
import { readSummary } from "../../src/lineage/rows.ts";
import { buildLineageSql } from "../../src/lineage/sql.ts";

function refusal(fn: () => void) {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, field: error.field, details: error.details };
    throw error;
  }
  return null;
}

describe("lineage limits", () => {
  it("accepts the defaults and refuses a depth above the operator's cap, naming the cap", () => {
    expect(refusal(() => checkLimits(LINEAGE_DEFAULTS.depth, LINEAGE_DEFAULTS.maxNodes))).toBeNull();
    expect(refusal(() => checkDepth(11, 10))).toEqual({ code: "VALIDATION_FAILED", field: "depth", details: { max: 10 } });
    // a configured cap above the hard cap is cut to it
    expect(refusal(() => checkDepth(MAX_DEPTH + 1, 10_000))?.details).toEqual({ max: MAX_DEPTH });
    expect(refusal(() => checkLimits(1, 0, { maxDepth: 5, maxNodes: 50 }))).toEqual({ code: "VALIDATION_FAILED", field: "maxNodes", details: { max: 50 } });
  });
});

describe("the walk statement", () => {
  it("names the summary row's columns", () => {
    expect(readSummary({ t: "m", root: 0, id: 12n, distance: 1, uid: null, label: null, inputs: "40" })).toEqual({
      nodesWithinDepth: 12,
      beyondDepth: true,
      walkRows: 40,
    });
  });

  it("seeds a stem start from artifact and collection families only: runs have no versions", () => {
    const options = { directions: ["U" as const], depth: 2, maxNodes: 10, includeTrashed: false };
    const byStem = buildLineageSql("sqlite", { ...options, start: { uid: "g".repeat(16) } });
    const seeds = byStem.sql.split("\n")[1];
    expect(seeds).toContain(`FROM "Artifact" WHERE stem = ?`);
    expect(seeds).not.toContain(`FROM "Run"`);
    expect(byStem.params).toEqual(["g".repeat(16), "g".repeat(16)]);
    const byUid = buildLineageSql("postgresql", { ...options, start: { uid: "g".repeat(20) } });
    expect(byUid.sql.split("\n")[1]).toContain(`FROM "Run" WHERE uid = $2`);
  });
});

describe("transform-level rendering", () => {
  it("labels transforms with their runs and edges with runs and inputs, in the singular where one", () => {
    const { nodes, edges } = transformRenderGraph({
      nodes: [
        { id: 1, uid: "t1", name: "align", version: "2", distance: 0, runs: 1, isStart: true },
        { id: 2, uid: "t2", name: "count", version: null, distance: 1, runs: 3, isStart: false },
      ],
      edges: [{ source: "t1", target: "t2", runs: 3, artifacts: 1, collections: 0 }],
      truncated: false,
    });
    expect(nodes.map((node) => node.label)).toEqual(["align 2 (1 run)", "count (3 runs)"]);
    expect(edges[0].label).toBe("3 runs · 1 input");
  });
});
