// The lineage explorer: asks /graphql for the graph around a record (or a transform), lays it
// out left to right and draws it, with direction, depth and size controls held in the URL,
// expansion of a node by one level, the server's truncation shown, and exports.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso/router";
import { toMermaid } from "../../../src/lineage/render.ts";
import { gql, useQuery } from "../api.ts";
import { Controls, type Direction } from "./Controls.tsx";
import { download, pngBlob, svgText } from "./export.ts";
import { GraphView } from "./GraphView.tsx";
import { layoutAsync } from "./layout-async.ts";
import type { Layout, PlacedNode } from "./layout.ts";
import { mergeGraphs, pageOf, type Graph } from "./model.ts";

interface LineageAnswer {
  nodes: { uid: string; kind: "ARTIFACT" | "RUN" | "COLLECTION"; label: string; isStart: boolean; run: { status: string } | null }[];
  edges: { source: string; target: string }[];
  truncated: boolean;
  truncatedByDepth?: boolean;
  truncatedByMaxNodes?: boolean;
  mermaid: string;
}

interface TransformAnswer {
  nodes: { uid: string; name: string; version: string | null; isStart: boolean; runs: number }[];
  edges: { source: string; target: string; runs: number; artifacts: number; collections: number }[];
  truncated: boolean;
  mermaid: string;
}

const RECORD_LINEAGE = `query Lineage($uid: String!, $direction: LineageDirection!, $depth: Int!, $maxNodes: Int!) {
  graph: lineage(uid: $uid, direction: $direction, depth: $depth, maxNodes: $maxNodes) {
    nodes { uid kind label isStart run { status } } edges { source target } truncated truncatedByDepth truncatedByMaxNodes mermaid
  }
}`;

const TRANSFORM_LINEAGE = `query TransformLineage($uid: String!, $direction: LineageDirection!, $depth: Int!) {
  graph: transformLineage(uid: $uid, direction: $direction, depth: $depth) {
    nodes { uid name version isStart runs } edges { source target runs artifacts collections } truncated mermaid
  }
}`;

function toGraph(answer: LineageAnswer | TransformAnswer, transforms: boolean): Graph {
  if (!transforms) {
    const { nodes, edges } = answer as LineageAnswer;
    return { nodes: nodes.map(({ run, ...node }) => ({ ...node, ...(run ? { status: run.status } : {}) })), edges };
  }
  const { nodes, edges } = answer as TransformAnswer;
  return {
    nodes: nodes.map((node) => ({ uid: node.uid, kind: "TRANSFORM", label: `${node.name}${node.version ? ` ${node.version}` : ""}`, isStart: node.isStart })),
    edges: edges.map((edge) => ({ source: edge.source, target: edge.target, label: `${edge.runs} runs · ${edge.artifacts + edge.collections} items` })),
  };
}

export interface ExplorerProps {
  uid: string;
  /** "transform": transform-level lineage of a transform uid */
  level?: "record" | "transform";
  defaultDirection?: Direction;
  /** Changes when the graph may have changed (a running run registered outputs or finished). */
  refreshKey?: string;
}

export function Explorer({ uid, level = "record", defaultDirection = "BOTH", refreshKey }: ExplorerProps) {
  const { query, path, route } = useLocation();
  const transforms = level === "transform";
  const direction = (["UPSTREAM", "DOWNSTREAM", "BOTH"].includes(query.direction) ? query.direction : defaultDirection) as Direction;
  const depth = Math.min(50, Math.max(1, Number(query.depth) || 5));
  const maxNodes = Math.min(5000, Math.max(1, Number(query.maxNodes) || 1000));
  const setParam = (name: string, value: string) => {
    // The address bar, not this render's query: two quick changes must both land.
    const params = new URLSearchParams(window.location.search);
    params.set(name, value);
    route(`${path}?${params.toString()}`, true);
  };
  const variables = transforms ? { uid, direction, depth } : { uid, direction, depth, maxNodes };
  const { data, error, loading } = useQuery<{ graph: LineageAnswer | TransformAnswer }>(transforms ? TRANSFORM_LINEAGE : RECORD_LINEAGE, variables, {
    refreshKey,
  });
  const [expansion, setExpansion] = useState<{ base: unknown; graph: Graph; expanded: string[] } | null>(null);
  const [note, setNote] = useState("");
  const [problem, setProblem] = useState("");
  const svg = useRef<SVGSVGElement | null>(null);
  const [placed, setPlaced] = useState<{ graph: Graph; layout: Layout; started: number; layoutMs: number } | null>(null);
  const [drawn, setDrawn] = useState<{ ms: number; graph: Graph } | null>(null);

  const base = useMemo(() => (data ? toGraph(data.graph, transforms) : undefined), [data, transforms]);
  const graph = expansion && expansion.base === data ? expansion.graph : base;
  useEffect(() => {
    if (!graph) return undefined;
    let current = true;
    const started = performance.now();
    layoutAsync(graph).then(
      (layout) => current && setPlaced({ graph, layout, started, layoutMs: performance.now() - started }),
      (failure: Error) => current && setProblem(`layout failed: ${failure.message}`),
    );
    return () => {
      current = false;
    };
  }, [graph]);
  // The previous drawing stays until the new one is laid out.
  const layout = placed?.layout;
  const laidOut = placed?.graph === graph;

  const onDrawn = () => {
    if (!placed) return;
    const { started, graph: drawnGraph } = placed;
    // The next frame is when the browser has laid out and painted the new drawing.
    requestAnimationFrame(() => setTimeout(() => setDrawn({ ms: performance.now() - started, graph: drawnGraph }), 0));
  };
  const onOpen = (node: PlacedNode) => route(pageOf(node));
  const onExpand = async (node: PlacedNode) => {
    if (!graph || !data) return;
    try {
      const more = await gql<{ graph: LineageAnswer | TransformAnswer }>(
        transforms ? TRANSFORM_LINEAGE : RECORD_LINEAGE,
        transforms ? { uid: node.uid, direction, depth: 1 } : { uid: node.uid, direction, depth: 1, maxNodes },
      );
      const merged = mergeGraphs(graph, toGraph(more.graph, transforms));
      setNote(`${node.label}: ${merged.nodes.length - graph.nodes.length} more nodes`);
      setExpansion({ base: data, graph: merged, expanded: [...(expansion?.base === data ? expansion.expanded : []), node.uid] });
    } catch (failure) {
      setNote(`could not expand ${node.label}: ${(failure as Error).message}`);
    }
  };
  const exportName = `lineage-${uid}`;
  const exportMermaid = () => {
    if (!data || !graph) return;
    // The service's rendering when nothing was expanded; the same renderer over the drawn graph otherwise.
    const text = graph === base ? data.graph.mermaid : toMermaid(graph.nodes, graph.edges);
    download(`${exportName}.mmd`, new Blob([text], { type: "text/plain" }));
  };
  const exportSvg = () => svg.current && layout && download(`${exportName}.svg`, new Blob([svgText(svg.current, layout)], { type: "image/svg+xml" }));
  const exportPng = async () => {
    if (!svg.current || !layout) return;
    try {
      download(`${exportName}.png`, await pngBlob(svgText(svg.current, layout), layout.width, layout.height));
    } catch (failure) {
      setProblem(`PNG export failed: ${(failure as Error).message}`);
    }
  };

  const answer = data?.graph;
  const start = base?.nodes.find((node) => node.isStart);
  // Time from the answer to the painted drawing: layout, render and the browser's paint.
  const drawMs = drawn && laidOut && drawn.graph === graph ? drawn.ms : null;
  return (
    <section class="explorer" aria-label="Lineage explorer">
      <Controls
        direction={direction}
        depth={depth}
        maxNodes={maxNodes}
        transforms={transforms}
        setParam={setParam}
        onExport={{ svg: exportSvg, png: () => void exportPng(), mermaid: exportMermaid }}
      >
        {!path.startsWith("/lineage/") && !transforms && <a href={`/lineage/${uid}?direction=${direction}&depth=${depth}`}>Open in the explorer</a>}
        {path.startsWith("/lineage/") && start && (
          <a href={pageOf(start)} data-testid="start-link">
            Back to {start.label}
          </a>
        )}
      </Controls>
      {error && <p class="error">{error.message}</p>}
      {problem && <p class="error">{problem}</p>}
      {answer?.truncated && (
        <p class="truncated" role="status" data-testid="truncated">
          Truncated: the service cut this graph
          {"truncatedByMaxNodes" in answer && answer.truncatedByMaxNodes ? ` at ${maxNodes} nodes` : ""}
          {"truncatedByDepth" in answer && answer.truncatedByDepth ? ` at depth ${depth}` : ""}. Raise the depth or the node limit, or expand a node.
        </p>
      )}
      {graph && (
        <p
          class="graph-stats"
          data-nodes={graph.nodes.length}
          data-edges={graph.edges.length}
          data-draw-ms={drawMs?.toFixed(1)}
          data-layout-ms={placed && laidOut ? placed.layoutMs.toFixed(1) : undefined}
        >
          {graph.nodes.length} nodes, {graph.edges.length} edges{loading ? " · loading…" : laidOut ? "" : " · laying out…"}
          {drawMs != null ? ` · drawn in ${Math.round(drawMs)} ms` : ""}. Click a node to open it, double-click (or press +) to expand it; drag to pan, scroll
          to zoom.
          {note && graph !== base && <span class="note"> {note}</span>}
        </p>
      )}
      {layout && <GraphView layout={layout} onOpen={onOpen} onExpand={(node) => void onExpand(node)} onDrawn={onDrawn} svgRef={svg} />}
    </section>
  );
}
