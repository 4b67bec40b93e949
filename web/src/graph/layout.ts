// Left-to-right layered layout of the graph with dagre (Sugiyama-style: ranks, crossing
// reduction, coordinates), edges routed as polylines through dagre's bend points.
import dagre, { type EdgeLabel, type GraphLabel, type NodeLabel } from "@dagrejs/dagre";
import type { Graph, GraphNode } from "./model.ts";

export const NODE_WIDTH = 180;
export const NODE_HEIGHT = 36;

export interface PlacedNode extends GraphNode {
  x: number;
  y: number;
}

export interface PlacedEdge {
  source: string;
  target: string;
  label?: string;
  points: { x: number; y: number }[];
}

export interface Layout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

export function layoutGraph(graph: Graph): Layout {
  const g = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>({ multigraph: false });
  // Large graphs: the longest-path ranker is linear; network simplex (tighter ranks) is kept for
  // the graphs a person reads node by node.
  const large = graph.nodes.length > 300;
  g.setGraph({ rankdir: "LR", nodesep: 14, ranksep: large ? 50 : 70, marginx: 20, marginy: 20, ranker: large ? "longest-path" : "network-simplex" });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) g.setNode(node.uid, { width: NODE_WIDTH, height: NODE_HEIGHT });
  const known = new Set(graph.nodes.map((node) => node.uid));
  for (const edge of graph.edges) if (known.has(edge.source) && known.has(edge.target)) g.setEdge(edge.source, edge.target, { label: edge.label });
  dagre.layout(g);
  const nodes = graph.nodes.map((node) => {
    const placed = g.node(node.uid);
    return { ...node, x: placed.x ?? 0, y: placed.y ?? 0 };
  });
  const edges = graph.edges
    .filter((edge) => known.has(edge.source) && known.has(edge.target))
    .map((edge) => ({ ...edge, points: g.edge(edge.source, edge.target)?.points ?? [] }));
  const label = g.graph();
  return { nodes, edges, width: label.width ?? 0, height: label.height ?? 0 };
}
