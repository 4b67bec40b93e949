// Transform-level lineage over GraphQL: runs collapsed to their transforms, for dashboards.
import { builder } from "../builder.ts";
import { notFound } from "../domain/errors.ts";
import { lookupWhere } from "../domain/lookups.ts";
import { transforms } from "../domain/registries.ts";
import { LINEAGE_DEFAULTS } from "../lineage/limits.ts";
import { toDot, toMermaid, transformRenderGraph } from "../lineage/render.ts";
import { transformLineage, type TransformLineageEdge, type TransformLineageGraph, type TransformLineageNode } from "../lineage/transforms.ts";
import { LineageDirection, plannedRecord } from "./Lineage.ts";

const TransformLineageNodeRef = builder.objectRef<TransformLineageNode>("TransformLineageNode");
const TransformLineageEdgeRef = builder.objectRef<TransformLineageEdge>("TransformLineageEdge");
const TransformLineageGraphRef = builder.objectRef<TransformLineageGraph>("TransformLineageGraph");

TransformLineageNodeRef.implement({
  fields: (t) => ({
    uid: t.exposeString("uid"),
    name: t.exposeString("name"),
    version: t.exposeString("version", { nullable: true }),
    distance: t.exposeInt("distance", { description: "transform hops from the start" }),
    runs: t.exposeInt("runs", { description: "runs of this transform" }),
    isStart: t.exposeBoolean("isStart"),
    transform: t.prismaField({ type: "Transform", nullable: true, resolve: (query, node, _args, ctx) => plannedRecord(ctx, transforms, query, node.id) }),
  }),
});

TransformLineageEdgeRef.implement({
  description: "runs of the source transform produced data that runs of the target transform read",
  fields: (t) => ({
    source: t.exposeString("source"),
    target: t.exposeString("target"),
    runs: t.exposeInt("runs", { description: "runs of the target that read the source's outputs" }),
    artifacts: t.exposeInt("artifacts", { description: "distinct artifacts passed along this edge" }),
    collections: t.exposeInt("collections", { description: "distinct collections passed along this edge" }),
  }),
});

TransformLineageGraphRef.implement({
  description: "lineage collapsed to transforms: which pipeline feeds which",
  authScopes: { read: true },
  fields: (t) => ({
    nodes: t.field({ type: [TransformLineageNodeRef], resolve: (graph) => graph.nodes }),
    edges: t.field({ type: [TransformLineageEdgeRef], resolve: (graph) => graph.edges }),
    truncated: t.exposeBoolean("truncated"),
    mermaid: t.string({ resolve: (graph) => render(graph, toMermaid) }),
    dot: t.string({ resolve: (graph) => render(graph, toDot) }),
  }),
});

function render(graph: TransformLineageGraph, to: typeof toMermaid): string {
  const { nodes, edges } = transformRenderGraph(graph);
  return to(nodes, edges);
}

builder.queryFields((t) => ({
  transformLineage: t.field({
    type: TransformLineageGraphRef,
    description: "transform-level lineage: runs collapsed to their transforms, for dashboards",
    args: {
      uid: t.arg.string({ required: true, description: `a transform uid (a ${transforms.stemLength}-character stem: the latest version)` }),
      direction: t.arg({ type: LineageDirection, defaultValue: "BOTH" }),
      depth: t.arg.int({ defaultValue: LINEAGE_DEFAULTS.depth, description: "transform hops from the start (capped by the server)" }),
      includeTrashed: t.arg.boolean({ defaultValue: false }),
    },
    resolve: async (_root, args, ctx) => {
      const transform = await ctx.db.reader.transform.findFirst({ where: lookupWhere("transform", args.uid, args.includeTrashed), select: { id: true } });
      if (!transform) throw notFound("transform", args.uid, "uid");
      return transformLineage(ctx.db, transform.id, {
        direction: args.direction ?? "BOTH",
        depth: args.depth ?? LINEAGE_DEFAULTS.depth,
        includeTrashed: args.includeTrashed ?? false,
        maxDepth: ctx.limits.lineageMaxDepth,
      });
    },
  }),
}));
