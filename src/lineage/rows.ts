// The rows of the lineage walk statement (sql.ts), as either driver returns them, and the
// names of what the summary row's columns hold.
import type { NodeKindCode } from "./sql.ts";

/** A node row of the walk statement, as either driver returns it. */
export interface LineageNodeRow {
  t: NodeKindCode;
  /** which start's graph the node belongs to (index in the list of starts) */
  root: number | bigint;
  id: number | bigint;
  distance: number | bigint;
  uid: string;
  /** runs: transform name, version and start minute (UTC); artifacts and collections: key or uid */
  label: string | null;
  /** what flows into the node: kind letter and id, comma-separated ("A12,C3") */
  inputs: string | null;
}

/**
 * The summary row of one start, in the node rows' columns: `id` holds the number of nodes
 * within depth, `distance` 1 when a run lies beyond depth, `inputs` the raw walk rows.
 * `readSummary` names them.
 */
export interface LineageSummaryRow {
  t: "m";
  root: number | bigint;
  id: number | bigint;
  distance: number | bigint;
  uid: null;
  label: null;
  inputs: string;
}

export type LineageRow = LineageNodeRow | LineageSummaryRow;

export interface WalkSummary {
  /** distinct nodes the walk reached within depth (before the maxNodes cut) */
  nodesWithinDepth: number;
  /** whether a run lies one step beyond depth */
  beyondDepth: boolean;
  /** rows the walk produced, to compare with walkRowBudget */
  walkRows: number;
}

export function readSummary(row: LineageSummaryRow): WalkSummary {
  return { nodesWithinDepth: Number(row.id), beyondDepth: Number(row.distance) === 1, walkRows: Number(row.inputs) };
}
