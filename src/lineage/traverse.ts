// Runs the lineage walk (one recursive SQL statement, see sql.ts) and turns its rows into
// graphs: nodes with distance and label, data-flow edges, and whether depth or the node cap
// cut the graph.
import type { Database } from "../db/database.ts";
import { missing } from "../domain/errors.ts";
import { STEM_LENGTH, UID_LENGTH } from "../domain/uid.ts";
import { checkLimits, type LineageCaps } from "./limits.ts";
import { readSummary, type LineageRow } from "./rows.ts";
import { buildLineageSql, walkRowBudget, type DirectionCode, type LineageStart, type NodeKindCode } from "./sql.ts";

export type LineageDirection = "UPSTREAM" | "DOWNSTREAM" | "BOTH";
export type NodeKind = "ARTIFACT" | "RUN" | "COLLECTION";

export interface LineageNode {
  kind: NodeKind;
  /** internal id, valid in this database only */
  id: number;
  uid: string;
  /** runs between the start and this node (the start and its own inputs/outputs: 0) */
  distance: number;
  label: string;
  /** true for the node the traversal started from */
  isStart: boolean;
}

export interface LineageEdge {
  /** uids, in data-flow direction: input → run → output, member artifact → collection */
  source: string;
  target: string;
}

export interface LineageGraph {
  start: { kind: NodeKind; id: number; uid: string } | null;
  direction: LineageDirection;
  depth: number;
  nodes: LineageNode[];
  edges: LineageEdge[];
  truncated: boolean;
  /** which limits cut the graph, for messages and tests */
  truncatedBy: { depth: boolean; maxNodes: boolean };
}

export interface TraverseOptions {
  direction: LineageDirection;
  depth: number;
  maxNodes: number;
  includeTrashed?: boolean;
  /** caps to check depth and maxNodes against; the hard caps when absent */
  caps?: LineageCaps;
}

const KIND: Record<NodeKindCode, NodeKind> = { A: "ARTIFACT", R: "RUN", C: "COLLECTION" };
export const KIND_CODE: Record<NodeKind, NodeKindCode> = { ARTIFACT: "A", RUN: "R", COLLECTION: "C" };

export function directionCodes(direction: LineageDirection): DirectionCode[] {
  return direction === "UPSTREAM" ? ["U"] : direction === "DOWNSTREAM" ? ["D"] : ["U", "D"];
}

/** Turns the statement's rows into one graph per start (root index). */
export function graphsFromRows(rows: LineageRow[], starts: number, options: TraverseOptions, budget: number): LineageGraph[] {
  const graphs: LineageGraph[] = Array.from({ length: starts }, () => ({
    start: null,
    direction: options.direction,
    depth: options.depth,
    nodes: [],
    edges: [],
    truncated: false,
    truncatedBy: { depth: false, maxNodes: false },
  }));
  const uids = graphs.map(() => new Map<string, string>());
  const incoming: { root: number; target: string; sources: string[] }[] = [];
  for (const row of rows) {
    const root = Number(row.root);
    const graph = graphs[root];
    if (!graph) continue;
    if (row.t === "m") {
      const summary = readSummary(row);
      graph.truncatedBy.depth = summary.beyondDepth;
      graph.truncatedBy.maxNodes = summary.nodesWithinDepth > options.maxNodes || summary.walkRows >= budget;
      graph.truncated = graph.truncatedBy.depth || graph.truncatedBy.maxNodes;
      continue;
    }
    const kind = KIND[row.t];
    const id = Number(row.id);
    const uid = row.uid;
    graph.nodes.push({ kind, id, uid, distance: Number(row.distance), label: row.label ?? uid, isStart: false });
    uids[root].set(`${row.t}${id}`, uid);
    if (row.inputs) incoming.push({ root, target: uid, sources: row.inputs.split(",") });
  }
  for (const { root, target, sources } of incoming) {
    for (const key of sources) {
      const source = uids[root].get(key);
      if (source) graphs[root].edges.push({ source, target });
    }
  }
  // Nodes nearest first; edges in the order of their source, then target node, so that
  // renderings are stable and read from the start outwards.
  for (const graph of graphs) {
    graph.nodes.sort((a, b) => a.distance - b.distance || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) || a.id - b.id);
    const position = new Map(graph.nodes.map((node, index) => [node.uid, index]));
    const at = (uid: string) => position.get(uid) ?? 0;
    graph.edges.sort((a, b) => at(a.source) - at(b.source) || at(a.target) - at(b.target));
  }
  return graphs;
}

/**
 * The lineage of one node named by uid. Throws NOT_FOUND when no artifact, run or collection
 * (outside the trash, unless includeTrashed) has that uid.
 */
export async function lineageOf(db: Database, uid: string, options: TraverseOptions): Promise<LineageGraph> {
  checkLimits(options.depth, options.maxNodes, options.caps);
  const noSuchNode = () => missing(`no artifact, run or collection has uid ${JSON.stringify(uid)}`, { field: "uid" });
  if (uid.length !== UID_LENGTH.artifact && uid.length !== STEM_LENGTH.artifact) throw noSuchNode();
  const [graph] = await runWalk(db, { uid }, 1, options);
  if (!graph.nodes.length) throw noSuchNode();
  return graph;
}

/** The lineage of many start nodes at once (one statement): one graph per start, in order. */
export async function lineageOfMany(db: Database, starts: { kind: NodeKind; id: number }[], options: TraverseOptions): Promise<LineageGraph[]> {
  checkLimits(options.depth, options.maxNodes, options.caps);
  if (starts.length === 0) return [];
  return runWalk(db, { nodes: starts.map((s) => ({ kind: KIND_CODE[s.kind], id: s.id })) }, starts.length, options);
}

async function runWalk(db: Database, start: LineageStart, starts: number, options: TraverseOptions): Promise<LineageGraph[]> {
  const { sql, params } = buildLineageSql(db.provider, {
    start,
    directions: directionCodes(options.direction),
    depth: options.depth,
    maxNodes: options.maxNodes,
    includeTrashed: options.includeTrashed ?? false,
  });
  const rows = await db.queryRows<LineageRow>(sql, params);
  const graphs = graphsFromRows(rows, starts, options, walkRowBudget(options.maxNodes, starts));
  for (const graph of graphs) {
    // The start is the node at distance 0 that the walk was seeded with: for a uid start the
    // only seed; for id starts, the given node.
    const seed = "uid" in start ? graph.nodes.find((n) => n.distance === 0 && (n.uid === start.uid || n.uid.startsWith(start.uid))) : undefined;
    const index = graphs.indexOf(graph);
    const wanted = "nodes" in start ? start.nodes[index] : undefined;
    const node = seed ?? (wanted ? graph.nodes.find((n) => KIND_CODE[n.kind] === wanted.kind && n.id === wanted.id) : undefined);
    if (node) {
      node.isStart = true;
      graph.start = { kind: node.kind, id: node.id, uid: node.uid };
    }
  }
  return graphs;
}
