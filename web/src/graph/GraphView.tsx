// Draws a laid-out graph as SVG: every node is a focusable <g data-uid> with a text label
// (click opens its page, double-click or "+" expands it), pan and zoom with d3-zoom.
// Shapes carry presentation attributes rather than CSS classes, so an exported SVG looks the same.
import { select } from "d3-selection";
import { zoom, zoomIdentity, type ZoomBehavior } from "d3-zoom";
import { useLayoutEffect, useRef } from "preact/hooks";
import { NODE_HEIGHT, NODE_WIDTH, type Layout, type PlacedNode } from "./layout.ts";
import type { NodeKind } from "./model.ts";

const STYLE: Record<NodeKind, { fill: string; stroke: string; rx: number; name: string }> = {
  ARTIFACT: { fill: "#e0f2fe", stroke: "#0369a1", rx: 3, name: "artifact" },
  COLLECTION: { fill: "#ede9fe", stroke: "#6d28d9", rx: 3, name: "collection" },
  RUN: { fill: "#dcfce7", stroke: "#15803d", rx: NODE_HEIGHT / 2, name: "run" },
  TRANSFORM: { fill: "#f1f5f9", stroke: "#334155", rx: 8, name: "transform" },
};
const START_STROKE = "#d97706";
/** Runs are coloured by status, as the runs table shows it; a finished run is green. */
const RUN_BY_STATUS: Record<string, { fill: string; stroke: string }> = {
  STARTED: { fill: "#dbeafe", stroke: "#1d4ed8" },
  SCHEDULED: { fill: "#f1f5f9", stroke: "#475569" },
  RESTARTED: { fill: "#dbeafe", stroke: "#1d4ed8" },
  ERRORED: { fill: "#fee2e2", stroke: "#b91c1c" },
  ABORTED: { fill: "#ffedd5", stroke: "#c2410c" },
};

function shortLabel(label: string): string {
  return label.length > 26 ? `${label.slice(0, 25)}…` : label;
}

function Node(props: { node: PlacedNode; onOpen: (node: PlacedNode) => void; onExpand: (node: PlacedNode) => void }) {
  const { node } = props;
  const style = { ...STYLE[node.kind], ...(node.kind === "RUN" && node.status ? RUN_BY_STATUS[node.status] : undefined) };
  const clickTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  return (
    <g
      class={`node node-${style.name}${node.isStart ? " start" : ""}`}
      data-uid={node.uid}
      data-kind={node.kind}
      transform={`translate(${node.x - NODE_WIDTH / 2},${node.y - NODE_HEIGHT / 2})`}
      tabindex={0}
      role="link"
      aria-label={`${style.name} ${node.label}${node.status ? ` ${node.status.toLowerCase()}` : ""}${node.isStart ? " (start)" : ""}`}
      // A click opens the page unless a second one follows (a double-click expands).
      onClick={() => {
        clearTimeout(clickTimer.current);
        clickTimer.current = setTimeout(() => props.onOpen(node), 250);
      }}
      onDblClick={() => {
        clearTimeout(clickTimer.current);
        props.onExpand(node);
      }}
      onKeyDown={(event) => {
        if (event.key === "Enter") props.onOpen(node);
        else if (event.key === "+") props.onExpand(node);
      }}
    >
      <title>{`${style.name}: ${node.label}${node.status ? ` (${node.status.toLowerCase()})` : ""}\n${node.uid}`}</title>
      <rect
        width={NODE_WIDTH}
        height={NODE_HEIGHT}
        rx={style.rx}
        fill={style.fill}
        stroke={node.isStart ? START_STROKE : style.stroke}
        stroke-width={node.isStart ? 3 : 1.2}
      />
      {node.kind === "COLLECTION" && (
        <rect x={4} y={4} width={NODE_WIDTH - 8} height={NODE_HEIGHT - 8} rx={2} fill="none" stroke={style.stroke} stroke-width={0.8} />
      )}
      <text x={NODE_WIDTH / 2} y={NODE_HEIGHT / 2 + 4} text-anchor="middle" font-size="12" fill="#0f172a">
        {shortLabel(node.label)}
      </text>
    </g>
  );
}

export interface GraphViewProps {
  layout: Layout;
  onOpen: (node: PlacedNode) => void;
  onExpand: (node: PlacedNode) => void;
  /** Called once the drawing is in the document (for the draw time). */
  onDrawn?: () => void;
  svgRef?: { current: SVGSVGElement | null };
}

export function GraphView({ layout, onOpen, onExpand, onDrawn, svgRef }: GraphViewProps) {
  const svg = useRef<SVGSVGElement>(null);
  const scene = useRef<SVGGElement>(null);
  const behaviour = useRef<ZoomBehavior<SVGSVGElement, unknown>>(undefined);
  if (svgRef) svgRef.current = svg.current;

  // Fit the whole graph in view whenever it changes.
  useLayoutEffect(() => {
    if (svgRef) svgRef.current = svg.current;
    const element = svg.current;
    const target = scene.current;
    if (!element || !target) return;
    if (!behaviour.current) {
      behaviour.current = zoom<SVGSVGElement, unknown>()
        .scaleExtent([0.02, 4])
        .on("zoom", (event: { transform: { toString(): string } }) => target.setAttribute("transform", event.transform.toString()));
      // Double-click expands a node: it must not zoom.
      select(element).call(behaviour.current).on("dblclick.zoom", null);
    }
    fit();
    onDrawn?.();
  }, [layout]);

  /** The whole graph in view (never magnified). */
  const fit = () => {
    const element = svg.current;
    if (!element || !behaviour.current) return;
    const { width, height } = element.getBoundingClientRect();
    const scale = Math.min(1, width / Math.max(layout.width, 1), height / Math.max(layout.height, 1));
    behaviour.current.transform(select(element), zoomIdentity.translate((width - layout.width * scale) / 2, (height - layout.height * scale) / 2).scale(scale));
  };
  /** The start node in the middle, at full size (on a large graph the overview has no readable labels). */
  const centreOnStart = () => {
    const element = svg.current;
    const start = layout.nodes.find((node) => node.isStart) ?? layout.nodes[0];
    if (!element || !behaviour.current || !start) return;
    const { width, height } = element.getBoundingClientRect();
    behaviour.current.transform(select(element), zoomIdentity.translate(width / 2 - start.x, height / 2 - start.y));
  };

  const zoomBy = (factor: number) => svg.current && behaviour.current?.scaleBy(select(svg.current), factor);
  // Keyboard panning (arrow keys) and zooming (+/-) when the drawing itself has the focus.
  const PAN: Record<string, [number, number]> = { ArrowLeft: [80, 0], ArrowRight: [-80, 0], ArrowUp: [0, 80], ArrowDown: [0, -80] };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.target !== svg.current || !svg.current || !behaviour.current) return;
    const pan = PAN[event.key];
    if (pan) behaviour.current.translateBy(select(svg.current), pan[0], pan[1]);
    else if (event.key === "+" || event.key === "=") zoomBy(1.4);
    else if (event.key === "-") zoomBy(1 / 1.4);
    else return;
    event.preventDefault();
  };
  return (
    <div class="graph-view">
      <div class="zoom-buttons">
        <button type="button" aria-label="Zoom in" onClick={() => zoomBy(1.4)}>
          +
        </button>
        <button type="button" aria-label="Zoom out" onClick={() => zoomBy(1 / 1.4)}>
          −
        </button>
        <button type="button" onClick={fit}>
          Fit
        </button>
        <button type="button" onClick={centreOnStart}>
          Start
        </button>
      </div>
      <svg
        ref={svg}
        class="graph"
        role="group"
        aria-label="Lineage graph (arrow keys pan, + and - zoom)"
        tabindex={0}
        onKeyDown={onKeyDown}
        xmlns="http://www.w3.org/2000/svg"
        font-family="system-ui, sans-serif"
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#64748b" />
          </marker>
        </defs>
        <g ref={scene}>
          <g class="edges">
            {layout.edges.map((edge) => (
              <path
                key={`${edge.source}-${edge.target}`}
                data-source={edge.source}
                data-target={edge.target}
                d={edge.points.map((point, index) => `${index ? "L" : "M"}${point.x.toFixed(1)},${point.y.toFixed(1)}`).join(" ")}
                fill="none"
                stroke="#94a3b8"
                stroke-width={1.2}
                marker-end="url(#arrow)"
              />
            ))}
            {layout.edges
              .filter((edge) => edge.label && edge.points.length)
              .map((edge) => {
                const middle = edge.points[Math.floor(edge.points.length / 2)];
                return (
                  <text key={`${edge.source}-${edge.target}-label`} x={middle.x} y={middle.y - 5} text-anchor="middle" font-size="10" fill="#475569">
                    {edge.label}
                  </text>
                );
              })}
          </g>
          <g class="nodes">
            {layout.nodes.map((node) => (
              <Node key={node.uid} node={node} onOpen={onOpen} onExpand={onExpand} />
            ))}
          </g>
        </g>
      </svg>
    </div>
  );
}
