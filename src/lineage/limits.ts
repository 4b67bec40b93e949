// The bounds of a lineage walk: the defaults a request gets when it names none, the hard caps
// no configuration can raise, and the one check of a request against the operator's caps.
import { invalid } from "../domain/errors.ts";

/** What a lineage field walks when its arguments are left out: five runs away, a thousand nodes. */
export const LINEAGE_DEFAULTS = { depth: 5, maxNodes: 1000 } as const;

/** Server-side caps: requests above them fail with VALIDATION_FAILED naming the cap. */
export const MAX_DEPTH = 100;
export const MAX_NODES = 100_000;

export interface LineageCaps {
  /** the operator's limits (LIMIT_LINEAGE_MAX_DEPTH, LIMIT_LINEAGE_MAX_NODES), within the hard caps */
  maxDepth: number;
  maxNodes: number;
}

const HARD_CAPS: LineageCaps = { maxDepth: MAX_DEPTH, maxNodes: MAX_NODES };

/** Rejects a depth outside 0 … the cap, naming the cap and how to raise it. */
export function checkDepth(depth: number, cap: number = MAX_DEPTH): void {
  const maxDepth = Math.min(cap, MAX_DEPTH);
  if (!Number.isInteger(depth) || depth < 0 || depth > maxDepth) {
    throw invalid("depth", `must be between 0 and ${maxDepth} (the server's cap; LIMIT_LINEAGE_MAX_DEPTH raises it up to ${MAX_DEPTH}), got ${depth}`, {
      max: maxDepth,
    });
  }
}

/** Rejects arguments above the server-side caps, naming the cap and how to raise it. */
export function checkLimits(depth: number, maxNodes: number, caps: LineageCaps = HARD_CAPS): void {
  checkDepth(depth, caps.maxDepth);
  const nodeCap = Math.min(caps.maxNodes, MAX_NODES);
  if (!Number.isInteger(maxNodes) || maxNodes < 1 || maxNodes > nodeCap) {
    throw invalid("maxNodes", `must be between 1 and ${nodeCap} (the server's cap; LIMIT_LINEAGE_MAX_NODES raises it up to ${MAX_NODES}), got ${maxNodes}`, {
      max: nodeCap,
    });
  }
}
