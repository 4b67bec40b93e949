// Renders a lineage graph as Mermaid (flowchart) and Graphviz DOT text, the way lamindb's
// view_lineage draws it: data flows left to right, runs labelled by transform, version and
// start time, artifacts by key (or uid), the start node emphasised; transform-level graphs
// with run counts on nodes and edges.
import type { TransformLineageGraph } from "./transforms.ts";

export interface RenderNode {
  uid: string;
  kind: "ARTIFACT" | "RUN" | "COLLECTION" | "TRANSFORM";
  label: string;
  isStart: boolean;
}

export interface RenderEdge {
  source: string;
  target: string;
  /** optional edge text, e.g. "3 runs · 12 artifacts" in transform lineage */
  label?: string;
}

const MERMAID_PREFIX = { ARTIFACT: "a_", RUN: "r_", COLLECTION: "c_", TRANSFORM: "t_" } as const;

// Mermaid labels are double-quoted; a quote inside one is written as an entity, and so are
// characters that would otherwise open markup.
function mermaidText(text: string): string {
  return text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;").replace(/\r?\n/g, " ");
}

function mermaidShape(kind: RenderNode["kind"], label: string): string {
  const text = `"${mermaidText(label)}"`;
  switch (kind) {
    case "RUN":
      return `([${text}])`;
    case "COLLECTION":
      return `[[${text}]]`;
    case "TRANSFORM":
      return `(${text})`;
    default:
      return `[${text}]`;
  }
}

export function toMermaid(nodes: RenderNode[], edges: RenderEdge[]): string {
  const ids = new Map(nodes.map((node) => [node.uid, MERMAID_PREFIX[node.kind] + node.uid]));
  const lines = ["flowchart LR"];
  for (const node of nodes) lines.push(`  ${ids.get(node.uid)}${mermaidShape(node.kind, node.label)}`);
  for (const edge of edges) {
    const source = ids.get(edge.source);
    const target = ids.get(edge.target);
    if (!source || !target) continue;
    lines.push(edge.label ? `  ${source} -->|"${mermaidText(edge.label)}"| ${target}` : `  ${source} --> ${target}`);
  }
  const start = nodes.filter((node) => node.isStart).map((node) => ids.get(node.uid));
  if (start.length) {
    lines.push("  classDef start stroke-width:3px,stroke:#d97706");
    lines.push(`  class ${start.join(",")} start`);
  }
  return `${lines.join("\n")}\n`;
}

function dotText(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r?\n/g, "\\n");
}

const DOT_SHAPE = { ARTIFACT: "box", RUN: "ellipse", COLLECTION: "box3d", TRANSFORM: "component" } as const;

export function toDot(nodes: RenderNode[], edges: RenderEdge[]): string {
  const known = new Set(nodes.map((node) => node.uid));
  const lines = ["digraph lineage {", "  rankdir=LR;", '  node [fontname="Helvetica", fontsize=10];'];
  for (const node of nodes) {
    const style = node.isStart ? ', penwidth=3, color="#d97706"' : "";
    lines.push(`  "${node.uid}" [label="${dotText(node.label)}", shape=${DOT_SHAPE[node.kind]}${style}];`);
  }
  for (const edge of edges) {
    if (!known.has(edge.source) || !known.has(edge.target)) continue;
    const label = edge.label ? ` [label="${dotText(edge.label)}"]` : "";
    lines.push(`  "${edge.source}" -> "${edge.target}"${label};`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/** A transform-level graph as render nodes and edges: transforms with their run counts, edges with runs and inputs passed. */
export function transformRenderGraph(graph: TransformLineageGraph): { nodes: RenderNode[]; edges: RenderEdge[] } {
  return {
    nodes: graph.nodes.map((node) => ({
      uid: node.uid,
      kind: "TRANSFORM",
      label: `${node.name}${node.version ? ` ${node.version}` : ""} (${plural(node.runs, "run")})`,
      isStart: node.isStart,
    })),
    edges: graph.edges.map((edge) => ({
      source: edge.source,
      target: edge.target,
      label: `${plural(edge.runs, "run")} · ${plural(edge.artifacts + edge.collections, "input")}`,
    })),
  };
}
