// Lineage over GraphQL: the one-request `lineage` graph, transform-level `transformLineage`,
// and the convenience fields Artifact/Run.upstream/downstream, batched across siblings.
import DataLoader from "dataloader";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { notFound } from "../domain/errors.ts";
import { uidWhere } from "../domain/versions.ts";
import { toDot, toMermaid } from "../lineage/render.ts";
import {
  lineageOf,
  lineageOfMany,
  type LineageDirection as Direction,
  type LineageEdge as Edge,
  type LineageGraph as Graph,
  type LineageCaps,
  type LineageNode as Node,
  type NodeKind as Kind,
} from "../lineage/traverse.ts";
import { transformLineage, type TransformLineageEdge, type TransformLineageGraph, type TransformLineageNode } from "../lineage/transforms.ts";
import { ArtifactRef, RunRef } from "./refs.ts";

export const LineageDirection = builder.enumType("LineageDirection", {
  values: {
    UPSTREAM: { description: "where it came from: producing runs and their inputs" },
    DOWNSTREAM: { description: "what was built from it: runs that read it and their outputs" },
    BOTH: { description: "upstream and downstream of the start (not siblings)" },
  },
});

export const NodeKind = builder.enumType("NodeKind", { values: ["ARTIFACT", "RUN", "COLLECTION"] as const });

// Loaders live as long as one request: the context object is created per request.
const requestLoaders = new WeakMap<Context, Map<string, DataLoader<number, unknown>>>();

function loaderFor<V>(ctx: Context, key: string, batch: (ids: readonly number[]) => Promise<(V | null)[]>): DataLoader<number, V | null> {
  let loaders = requestLoaders.get(ctx);
  if (!loaders) {
    loaders = new Map();
    requestLoaders.set(ctx, loaders);
  }
  let loader = loaders.get(key) as DataLoader<number, V | null> | undefined;
  if (!loader) {
    loader = new DataLoader<number, V | null>(batch, { maxBatchSize: 10_000 });
    loaders.set(key, loader);
  }
  return loader;
}

/** Adds the id to a Prisma selection so that rows can be matched to their keys. */
function withId<Q extends { select?: object }>(query: Q): Q {
  const copy = { ...query }; // reading every key is what marks Pothos' query as used
  return copy.select ? { ...copy, select: { ...copy.select, id: true } } : copy;
}

type LoadableModel = "artifact" | "run" | "collection" | "transform";
// The four delegates share this call; Prisma types each delegate separately.
type FindByIds = { findMany(args: object): Promise<{ id: number }[]> };

/**
 * Loads the record of a graph node with the selection Pothos planned for it: every node of a
 * request level with the same selection shares one statement.
 */
function loadRecord<Q extends { select?: object }>(ctx: Context, model: LoadableModel, query: Q, id: number) {
  const selection = withId(query);
  return loaderFor(ctx, `lineage.${model}:${JSON.stringify(selection)}`, async (ids) => {
    const rows = await (ctx.db.reader[model] as unknown as FindByIds).findMany({ ...selection, where: { id: { in: [...ids] } } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((key) => byId.get(key) ?? null);
  }).load(id) as Promise<never>;
}

const LineageNodeRef = builder.objectRef<Node>("LineageNode");
const LineageEdgeRef = builder.objectRef<Edge>("LineageEdge");
const LineageGraphRef = builder.objectRef<Graph>("LineageGraph");

LineageNodeRef.implement({
  description: "an artifact, run or collection in a lineage graph",
  fields: (t) => ({
    uid: t.exposeString("uid"),
    kind: t.field({ type: NodeKind, resolve: (node) => node.kind }),
    distance: t.exposeInt("distance", { description: "runs between the start and this node; the start (and, for a run, its own inputs and outputs) is 0" }),
    label: t.exposeString("label", { description: "runs: transform name, version and start time; artifacts and collections: key, or uid" }),
    isStart: t.exposeBoolean("isStart"),
    artifact: t.prismaField({
      type: "Artifact",
      nullable: true,
      resolve: (query, node, _args, ctx) => {
        if (node.kind !== "ARTIFACT") {
          withId(query); // reading the planned selection marks it used for nodes of other kinds
          return null;
        }
        return loadRecord(ctx, "artifact", query, node.id);
      },
    }),
    run: t.prismaField({
      type: "Run",
      nullable: true,
      resolve: (query, node, _args, ctx) => {
        if (node.kind !== "RUN") {
          withId(query); // reading the planned selection marks it used for nodes of other kinds
          return null;
        }
        return loadRecord(ctx, "run", query, node.id);
      },
    }),
    collection: t.prismaField({
      type: "Collection",
      nullable: true,
      resolve: (query, node, _args, ctx) => {
        if (node.kind !== "COLLECTION") {
          withId(query); // reading the planned selection marks it used for nodes of other kinds
          return null;
        }
        return loadRecord(ctx, "collection", query, node.id);
      },
    }),
  }),
});

LineageEdgeRef.implement({
  description: "a data-flow edge: input → run → output, member artifact → collection (uids)",
  fields: (t) => ({
    source: t.exposeString("source"),
    target: t.exposeString("target"),
  }),
});

// A graph reaches records beyond any one mutation's writes: always read, however it is reached.
LineageGraphRef.implement({
  authScopes: { read: true },
  fields: (t) => ({
    nodes: t.field({ type: [LineageNodeRef], resolve: (graph) => graph.nodes }),
    edges: t.field({ type: [LineageEdgeRef], resolve: (graph) => graph.edges }),
    truncated: t.exposeBoolean("truncated", { description: "true when depth or maxNodes cut the graph" }),
    truncatedByDepth: t.boolean({ resolve: (graph) => graph.truncatedBy.depth }),
    truncatedByMaxNodes: t.boolean({ resolve: (graph) => graph.truncatedBy.maxNodes }),
    mermaid: t.string({ description: "the graph as a Mermaid flowchart", resolve: (graph) => toMermaid(graph.nodes, graph.edges) }),
    dot: t.string({ description: "the graph in Graphviz DOT", resolve: (graph) => toDot(graph.nodes, graph.edges) }),
  }),
});

builder.queryFields((t) => ({
  lineage: t.field({
    type: LineageGraphRef,
    description: "the lineage graph around an artifact, collection or run, in one request",
    args: {
      uid: t.arg.string({ required: true, description: "an artifact, collection or run uid (a 16-character stem: the latest version)" }),
      direction: t.arg({ type: LineageDirection, defaultValue: "BOTH" }),
      depth: t.arg.int({ defaultValue: 5, description: "how many runs away from the start to go (capped by the server, 50 by default)" }),
      maxNodes: t.arg.int({ defaultValue: 1000, description: "at most this many nodes, nearest first (capped by the server, 5000 by default)" }),
      includeTrashed: t.arg.boolean({ defaultValue: false }),
    },
    resolve: (_root, args, ctx) =>
      lineageOf(ctx.db, args.uid, {
        direction: args.direction ?? "BOTH",
        depth: args.depth ?? 5,
        maxNodes: args.maxNodes ?? 1000,
        includeTrashed: args.includeTrashed ?? false,
        caps: capsOf(ctx),
      }),
  }),
}));

function capsOf(ctx: Context): LineageCaps {
  return { maxDepth: ctx.limits.lineageMaxDepth, maxNodes: ctx.limits.lineageMaxNodes };
}

/** A sibling-batched lineage field: all parents in one request share one traversal statement. */
function lineageLoader(ctx: Context, kind: Kind, direction: Direction, depth: number, maxNodes: number, includeTrashed: boolean) {
  return loaderFor<Graph>(ctx, `lineage.${kind}.${direction}.${depth}.${maxNodes}.${includeTrashed}`, (ids) =>
    lineageOfMany(
      ctx.db,
      ids.map((id) => ({ kind, id })),
      { direction, depth, maxNodes, includeTrashed, caps: capsOf(ctx) },
    ),
  );
}

interface LineageFieldArgs {
  depth?: number | null;
  maxNodes?: number | null;
  includeTrashed?: boolean | null;
}

function loadLineage(ctx: Context, kind: Kind, direction: Direction, id: number, args: LineageFieldArgs): Promise<Graph> {
  return lineageLoader(ctx, kind, direction, args.depth ?? 5, args.maxNodes ?? 1000, args.includeTrashed ?? false)
    .load(id)
    .then((graph) => graph as Graph);
}

const UPSTREAM_DESCRIPTION = "where this came from: the lineage graph upstream (one statement for all siblings)";
const DOWNSTREAM_DESCRIPTION = "what was built from this: the lineage graph downstream (one statement for all siblings)";

// Artifacts and runs offer the same two walks, each starting at the record itself.
for (const [ref, kind] of [
  [ArtifactRef, "ARTIFACT"],
  [RunRef, "RUN"],
] as const) {
  builder.prismaObjectFields(ref, (t) => {
    const args = {
      depth: t.arg.int({ defaultValue: 5, description: "how many runs away to go (capped by the server)" }),
      maxNodes: t.arg.int({ defaultValue: 1000 }),
      includeTrashed: t.arg.boolean({ defaultValue: false }),
    };
    const walk = (direction: "UPSTREAM" | "DOWNSTREAM", description: string) =>
      t.field({
        type: LineageGraphRef,
        authScopes: { read: true }, // a graph reaches other records: read, even on a record the caller wrote
        description,
        select: { id: true },
        args,
        resolve: (record, a, ctx) => loadLineage(ctx, kind, direction, record.id, a),
      });
    return { upstream: walk("UPSTREAM", UPSTREAM_DESCRIPTION), downstream: walk("DOWNSTREAM", DOWNSTREAM_DESCRIPTION) };
  });
}

// ---- transform-level lineage ----

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
    transform: t.prismaField({
      type: "Transform",
      nullable: true,
      resolve: (query, node, _args, ctx) => loadRecord(ctx, "transform", query, node.id),
    }),
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

function transformRenderNodes(graph: TransformLineageGraph) {
  return graph.nodes.map((node) => ({
    uid: node.uid,
    kind: "TRANSFORM" as const,
    label: `${node.name}${node.version ? ` ${node.version}` : ""} (${node.runs} run${node.runs === 1 ? "" : "s"})`,
    isStart: node.isStart,
  }));
}

function transformRenderEdges(graph: TransformLineageGraph) {
  return graph.edges.map((edge) => ({
    source: edge.source,
    target: edge.target,
    label: `${edge.runs} run${edge.runs === 1 ? "" : "s"} · ${edge.artifacts + edge.collections} input${edge.artifacts + edge.collections === 1 ? "" : "s"}`,
  }));
}

TransformLineageGraphRef.implement({
  description: "lineage collapsed to transforms: which pipeline feeds which",
  authScopes: { read: true },
  fields: (t) => ({
    nodes: t.field({ type: [TransformLineageNodeRef], resolve: (graph) => graph.nodes }),
    edges: t.field({ type: [TransformLineageEdgeRef], resolve: (graph) => graph.edges }),
    truncated: t.exposeBoolean("truncated"),
    mermaid: t.string({ resolve: (graph) => toMermaid(transformRenderNodes(graph), transformRenderEdges(graph)) }),
    dot: t.string({ resolve: (graph) => toDot(transformRenderNodes(graph), transformRenderEdges(graph)) }),
  }),
});

builder.queryFields((t) => ({
  transformLineage: t.field({
    type: TransformLineageGraphRef,
    description: "transform-level lineage: runs collapsed to their transforms, for dashboards",
    args: {
      uid: t.arg.string({ required: true, description: "a transform uid (a 12-character stem: the latest version)" }),
      direction: t.arg({ type: LineageDirection, defaultValue: "BOTH" }),
      depth: t.arg.int({ defaultValue: 5, description: "transform hops from the start (capped by the server)" }),
      includeTrashed: t.arg.boolean({ defaultValue: false }),
    },
    resolve: async (_root, args, ctx) => {
      const transform = await ctx.db.reader.transform.findFirst({
        where: { ...uidWhere("transform", args.uid, "uid"), ...(args.includeTrashed ? {} : { trashedAt: null }) },
        select: { id: true },
      });
      if (!transform) throw notFound("transform", args.uid, "uid");
      return transformLineage(ctx.db, transform.id, {
        direction: args.direction ?? "BOTH",
        depth: args.depth ?? 5,
        includeTrashed: args.includeTrashed ?? false,
        maxDepth: ctx.limits.lineageMaxDepth,
      });
    },
  }),
}));
