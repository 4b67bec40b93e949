// The graph the explorer draws: lineage nodes (artifacts, collections, runs) or transforms,
// with the links to their pages.

export type NodeKind = "ARTIFACT" | "RUN" | "COLLECTION" | "TRANSFORM";

export interface GraphNode {
  uid: string;
  kind: NodeKind;
  label: string;
  isStart: boolean;
  /** A run's status (runs of record lineage only): its node is coloured by it. */
  status?: string;
}

export interface GraphEdge {
  source: string;
  target: string;
  label?: string;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const PAGE = { ARTIFACT: "artifacts", RUN: "runs", COLLECTION: "collections", TRANSFORM: "transforms" } as const;

export function pageOf(node: { kind: NodeKind; uid: string }): string {
  return `/${PAGE[node.kind]}/${node.uid}`;
}

/** Adds the nodes and edges of `more` not yet in `graph` (expanding a node); the start stays the start. */
export function mergeGraphs(graph: Graph, more: Graph): Graph {
  const known = new Set(graph.nodes.map((node) => node.uid));
  const edgeKey = (edge: GraphEdge) => `${edge.source}\u0000${edge.target}`;
  const knownEdges = new Set(graph.edges.map(edgeKey));
  return {
    nodes: graph.nodes.concat(more.nodes.filter((node) => !known.has(node.uid)).map((node) => ({ ...node, isStart: false }))),
    edges: graph.edges.concat(more.edges.filter((edge) => !knownEdges.has(edgeKey(edge)))),
  };
}
