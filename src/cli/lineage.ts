// `lineage-registry lineage <uid|path>`: the lineage graph as text, Mermaid, DOT or JSON; a
// path is hashed the lamindb way and looked up by its hash.
import { existsSync } from "node:fs";
import { hashPath, LineageError, type LineageClient, type LineageQuery } from "../client/index.ts";
import { flags } from "./flags.ts";
import { HELP } from "./help.ts";
import { clientFor, integerOption, stringOption, UsageError, type ParsedCommand } from "./options.ts";

export const OPTIONS = flags(["depth", "max-nodes", "format"], ["up", "down"]);

const FORMATS = ["text", "mermaid", "dot", "json"] as const;

/** The uid a command-line argument names: a path's artifact (by content hash) or the uid itself. */
async function startUid(client: LineageClient, target: string): Promise<string> {
  if (!existsSync(target)) return target;
  const { hash } = await hashPath(target);
  const artifact = await client.artifactByHash(hash);
  if (!artifact) throw new LineageError(`${target} is not registered: no artifact has its hash ${hash}`, { code: "NOT_FOUND" });
  return artifact.uid;
}

type Graph = LineageQuery["lineage"];

export function renderText(graph: Graph): string {
  const labels = new Map(graph.nodes.map((node) => [node.uid, node.label]));
  const lines = [...graph.nodes]
    .sort((a, b) => a.distance - b.distance)
    .map((node) => {
      const status = node.run ? `  ${node.run.status}` : "";
      return `${node.isStart ? "*" : " "} ${String(node.distance).padStart(4)}  ${node.kind.padEnd(10)}  ${node.uid.padEnd(20)}  ${node.label}${status}`;
    });
  const edges = graph.edges.map((edge) => `  ${labels.get(edge.source) ?? edge.source} → ${labels.get(edge.target) ?? edge.target}`);
  return [
    "  dist  kind        uid                   label  (* the start; dist: runs away from it)",
    ...lines,
    "",
    `edges (${graph.edges.length}):`,
    ...edges,
    ...(graph.truncated ? ["", "(truncated: raise --depth or --max-nodes)"] : []),
  ].join("\n");
}

export async function run(parsed: ParsedCommand): Promise<number> {
  if (parsed.values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const [target, ...extra] = parsed.positionals;
  if (!target || extra.length) throw new UsageError("lineage takes one uid or path");
  if (parsed.values.up && parsed.values.down) throw new UsageError("give --up or --down, not both (neither: both directions)");
  const format = stringOption(parsed, "format") ?? "text";
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format is one of ${FORMATS.join(", ")}`);
  const client = clientFor(parsed);
  const graph = await client.lineage(await startUid(client, target), {
    direction: parsed.values.up ? "UPSTREAM" : parsed.values.down ? "DOWNSTREAM" : "BOTH",
    depth: integerOption(parsed, "depth"),
    maxNodes: integerOption(parsed, "max-nodes"),
  });
  const text = format === "json" ? JSON.stringify(graph, null, 2) : format === "mermaid" ? graph.mermaid : format === "dot" ? graph.dot : renderText(graph);
  process.stdout.write(`${text.trimEnd()}\n`);
  return 0;
}
