// Lineage over GraphQL: the one-request `lineage` graph and the convenience fields
// Artifact/Run.upstream/downstream, batched across siblings. Transform-level lineage is in
// TransformLineage.ts.
import { createContextCache } from "@pothos/core";
import DataLoader from "dataloader";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { artifacts, collections, runs } from "../domain/registries.ts";
import { LINEAGE_DEFAULTS } from "../lineage/limits.ts";
import { toDot, toMermaid } from "../lineage/render.ts";
import { lineageOf, lineageOfMany, type LineageEdge, type LineageGraph, type LineageNode } from "../lineage/traverse.ts";
import { ArtifactRef, RunRef } from "./refs.ts";
import { readerOf, type Shape } from "./records.ts";

export const LineageDirection = builder.enumType("LineageDirection", {
  values: {
    UPSTREAM: { description: "where it came from: producing runs and their inputs" },
    DOWNSTREAM: { description: "what was built from it: runs that read it and their outputs" },
    BOTH: { description: "upstream and downstream of the start (not siblings)" },
  },
});

export const NodeKind = builder.enumType("NodeKind", { values: ["ARTIFACT", "RUN", "COLLECTION"] as const });

type RecordModel = "Artifact" | "Run" | "Collection" | "Transform";
type RecordLoaders<M extends RecordModel> = Map<string, DataLoader<number, Shape<M> | null>>;

// Per request, one loader per record model and planned selection.
const loaderCache = <M extends RecordModel>() => createContextCache((): RecordLoaders<M> => new Map());
const recordLoaders: { [M in RecordModel]: (ctx: Context) => RecordLoaders<M> } = {
  Artifact: loaderCache<"Artifact">(),
  Run: loaderCache<"Run">(),
  Collection: loaderCache<"Collection">(),
  Transform: loaderCache<"Transform">(),
};

/**
 * Loads the record of a graph node with the selection Pothos planned for it: every node of a
 * request level with the same selection shares one statement.
 */
function loadRecord<M extends RecordModel>(ctx: Context, registry: { name: Lowercase<M>; model: M }, selection: object, id: number): Promise<Shape<M> | null> {
  const loaders = recordLoaders[registry.model](ctx);
  const key = JSON.stringify(selection);
  let loader = loaders.get(key);
  if (!loader) {
    loader = new DataLoader<number, Shape<M> | null>(
      async (ids) => {
        const rows = await readerOf(ctx.db.reader, registry).findMany({ ...selection, where: { id: { in: [...ids] } } });
        const byId = new Map(rows.map((row) => [row.id, row]));
        return ids.map((rowId) => byId.get(rowId) ?? null);
      },
      { maxBatchSize: 10_000 },
    );
    loaders.set(key, loader);
  }
  return loader.load(id);
}

/**
 * The record behind a graph node (null when the node is of another kind), loaded with the
 * selection the query planned plus the id that matches rows to nodes.
 */
export function plannedRecord<M extends RecordModel>(
  ctx: Context,
  registry: { name: Lowercase<M>; model: M },
  query: { select?: object; include?: object },
  id: number | null,
): Promise<Shape<M> | null> | null {
  // Reading every key of the planned query marks it used, for nodes of other kinds too.
  const planned = { ...query };
  if (id == null) return null;
  return loadRecord(ctx, registry, planned.select ? { ...planned, select: { ...planned.select, id: true } } : planned, id);
}

const LineageNodeRef = builder.objectRef<LineageNode>("LineageNode");
const LineageEdgeRef = builder.objectRef<LineageEdge>("LineageEdge");
const LineageGraphRef = builder.objectRef<LineageGraph>("LineageGraph");

const idOf = (node: LineageNode, kind: LineageNode["kind"]) => (node.kind === kind ? node.id : null);

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
      resolve: (query, node, _args, ctx) => plannedRecord(ctx, artifacts, query, idOf(node, "ARTIFACT")),
    }),
    run: t.prismaField({ type: "Run", nullable: true, resolve: (query, node, _args, ctx) => plannedRecord(ctx, runs, query, idOf(node, "RUN")) }),
    collection: t.prismaField({
      type: "Collection",
      nullable: true,
      resolve: (query, node, _args, ctx) => plannedRecord(ctx, collections, query, idOf(node, "COLLECTION")),
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

/** A walk's arguments with the defaults filled in and the request's caps. */
function walkOptions(ctx: Context, args: { depth?: number | null; maxNodes?: number | null; includeTrashed?: boolean | null }) {
  return {
    depth: args.depth ?? LINEAGE_DEFAULTS.depth,
    maxNodes: args.maxNodes ?? LINEAGE_DEFAULTS.maxNodes,
    includeTrashed: args.includeTrashed ?? false,
    caps: { maxDepth: ctx.limits.lineageMaxDepth, maxNodes: ctx.limits.lineageMaxNodes },
  };
}

builder.queryFields((t) => ({
  lineage: t.field({
    type: LineageGraphRef,
    description: "the lineage graph around an artifact, collection or run, in one request",
    args: {
      uid: t.arg.string({ required: true, description: `an artifact, collection or run uid (a ${artifacts.stemLength}-character stem: the latest version)` }),
      direction: t.arg({ type: LineageDirection, defaultValue: "BOTH" }),
      depth: t.arg.int({ defaultValue: LINEAGE_DEFAULTS.depth, description: "how many runs away from the start to go (capped by the server, 50 by default)" }),
      maxNodes: t.arg.int({
        defaultValue: LINEAGE_DEFAULTS.maxNodes,
        description: "at most this many nodes, nearest first (capped by the server, 5000 by default)",
      }),
      includeTrashed: t.arg.boolean({ defaultValue: false }),
    },
    resolve: (_root, args, ctx) => lineageOf(ctx.db, args.uid, { direction: args.direction ?? "BOTH", ...walkOptions(ctx, args) }),
  }),
}));

const WALKS = {
  UPSTREAM: "where this came from: the lineage graph upstream (one statement for all siblings)",
  DOWNSTREAM: "what was built from this: the lineage graph downstream (one statement for all siblings)",
} as const;

// Artifacts and runs offer the same two walks, each starting at the record itself. Siblings
// (the records of one list, reached by the same path) share one traversal statement.
for (const [ref, kind] of [
  [ArtifactRef, "ARTIFACT"],
  [RunRef, "RUN"],
] as const) {
  builder.prismaObjectFields(ref, (t) => {
    const walk = (direction: keyof typeof WALKS) =>
      t.loadable({
        type: LineageGraphRef,
        authScopes: { read: true }, // a graph reaches other records: read, even on a record the caller wrote
        description: WALKS[direction],
        byPath: true,
        loaderOptions: { maxBatchSize: 10_000 },
        args: {
          depth: t.arg.int({ defaultValue: LINEAGE_DEFAULTS.depth, description: "how many runs away to go (capped by the server)" }),
          maxNodes: t.arg.int({ defaultValue: LINEAGE_DEFAULTS.maxNodes }),
          includeTrashed: t.arg.boolean({ defaultValue: false }),
        },
        load: (ids: number[], ctx, args) =>
          lineageOfMany(
            ctx.db,
            ids.map((id) => ({ kind, id })),
            { direction, ...walkOptions(ctx, args) },
          ),
        resolve: (record) => record.id,
      });
    return { upstream: walk("UPSTREAM"), downstream: walk("DOWNSTREAM") };
  });
}
