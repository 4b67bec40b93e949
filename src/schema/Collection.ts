// Collections: ordered sets of artifacts, versioned by key, with their producing run.
import { builder } from "../builder.ts";
import type { Provider } from "../db/database.ts";
import { ArtifactRef, CollectionRef, RunRef } from "./refs.ts";
import { createCollection, deleteCollection } from "../domain/collections.ts";
import { restoreVersioned, uidWhere } from "../domain/versions.ts";
import { DeletePayload } from "./Deletion.ts";
import { writeRecord } from "./visibility.ts";
import { compact, DateTimeRange, orderByOf, orderInput, rangeWhere, StringMatch, stringWhere, Visibility, visibilityWhere } from "./filters.ts";

// Lists reach records beyond a mutation's own writes: they need read even on a record the
// caller wrote (README: scopes on mutation results); to-one relations are checked by type.
builder.prismaObjectFields(CollectionRef, (t) => ({
  id: t.exposeInt("id"),
  uid: t.exposeString("uid"),
  key: t.exposeString("key"),
  name: t.exposeString("key", { description: "the collection's name: same as key" }),
  description: t.exposeString("description", { nullable: true }),
  version: t.exposeString("version", { nullable: true }),
  isLatest: t.exposeBoolean("isLatest"),
  hash: t.exposeString("hash", { nullable: true }),
  reference: t.exposeString("reference", { nullable: true }),
  referenceType: t.exposeString("referenceType", { nullable: true }),
  createdAt: t.expose("createdAt", { type: "DateTime" }),
  updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  trashedAt: t.expose("trashedAt", { type: "DateTime", nullable: true }),
  createdBy: t.relation("createdBy"),
  metaArtifact: t.relation("metaArtifact", { nullable: true }),
  run: t.relation("run", { nullable: true }),
  artifacts: t.field({
    type: [ArtifactRef],
    authScopes: { read: true },
    description: "the member artifacts, in order",
    select: (_args, _ctx, nestedSelection) => ({
      artifacts: { orderBy: { position: "asc" }, select: { artifact: nestedSelection(true) } },
    }),
    resolve: (collection) => collection.artifacts.map((link) => link.artifact),
  }),
  inputOfRuns: t.field({
    type: [RunRef],
    authScopes: { read: true },
    args: { includeTrashed: t.arg.boolean({ defaultValue: false }) },
    select: (args, _ctx, nestedSelection) => ({
      inputOfRuns: {
        where: args.includeTrashed ? {} : { run: { trashedAt: null } },
        orderBy: { runId: "asc" },
        select: { run: nestedSelection(true) },
      },
    }),
    resolve: (collection) => collection.inputOfRuns.map((link) => link.run),
  }),
  versions: t.prismaField({
    type: ["Collection"],
    authScopes: { read: true },
    select: { stem: true },
    resolve: (query, collection, _args, ctx) => ctx.db.reader.collection.findMany({ ...query, where: { stem: collection.stem }, orderBy: { uid: "asc" } }),
  }),
}));

const CollectionFilter = builder.inputType("CollectionFilter", {
  fields: (t) => ({
    key: t.field({ type: StringMatch, required: false }),
    version: t.string({ required: false }),
    isLatest: t.boolean({ required: false }),
    runUid: t.string({ required: false }),
    createdBy: t.string({ required: false }),
    createdAt: t.field({ type: DateTimeRange, required: false }),
    visibility: t.field({ type: Visibility, required: false, defaultValue: "DEFAULT" }),
  }),
});

function collectionWhere(filter: typeof CollectionFilter.$inferInput | null | undefined, provider: Provider) {
  return compact({
    ...visibilityWhere(filter?.visibility),
    key: stringWhere(filter?.key, provider),
    version: filter?.version ?? undefined,
    isLatest: filter?.isLatest ?? undefined,
    run: filter?.runUid ? { uid: filter.runUid } : undefined,
    createdBy: filter?.createdBy ? { handle: filter.createdBy } : undefined,
    createdAt: rangeWhere(filter?.createdAt),
  });
}

const collectionOrderColumns = { CREATED_AT: "createdAt", UPDATED_AT: "updatedAt", KEY: "key", ID: "id" } as const;
const CollectionOrderBy = orderInput("CollectionOrderBy", Object.keys(collectionOrderColumns) as (keyof typeof collectionOrderColumns)[]);

builder.queryFields((t) => ({
  collection: t.prismaField({
    type: "Collection",
    nullable: true,
    description: "a collection by uid; a 16-character stem returns the latest version",
    args: { uid: t.arg.string({ required: true }), includeTrashed: t.arg.boolean({ defaultValue: false }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.reader.collection.findFirst({
        ...query,
        where: { ...uidWhere("collection", args.uid), ...(args.includeTrashed ? {} : { trashedAt: null }) },
      }),
  }),
  collections: t.prismaConnection({
    type: "Collection",
    cursor: "id",
    args: { filter: t.arg({ type: CollectionFilter }), orderBy: t.arg({ type: CollectionOrderBy }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.reader.collection.findMany({
        ...query,
        where: collectionWhere(args.filter, ctx.db.provider),
        orderBy: orderByOf(collectionOrderColumns, args.orderBy, "ID") as never,
      }),
    totalCount: (_conn, args, ctx) => ctx.db.reader.collection.count({ where: collectionWhere(args.filter, ctx.db.provider) }),
  }),
}));

const CreateCollectionInput = builder.inputType("CreateCollectionInput", {
  fields: (t) => ({
    key: t.string({ required: true }),
    description: t.string({ required: false }),
    artifactUids: t.stringList({ required: true, description: "members, in order" }),
    metaArtifactUid: t.string({ required: false }),
    runUid: t.string({ required: false, description: "the run that builds it; members become its inputs" }),
    revisesUid: t.string({ required: false }),
    version: t.string({ required: false }),
    reference: t.string({ required: false }),
    referenceType: t.string({ required: false }),
  }),
});

builder.mutationFields((t) => ({
  createCollection: t.prismaField({
    type: "Collection",
    description: "idempotent by its members; a known key with other members becomes a new version",
    args: { input: t.arg({ type: CreateCollectionInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const collection = await writeRecord(ctx, "Collection", (tx) => createCollection(ctx.db, tx, input, ctx.user.id));
      return ctx.db.reader.collection.findUniqueOrThrow({ ...query, where: { id: collection.id } });
    },
  }),
  deleteCollection: t.field({
    type: DeletePayload,
    args: { uid: t.arg.string({ required: true }), permanent: t.arg.boolean({ defaultValue: false }) },
    resolve: async (_root, args, ctx) => {
      const collection = await ctx.db.write((tx) => deleteCollection(tx, args.uid, args.permanent ?? false, ctx.user));
      return { uid: collection.uid, permanent: args.permanent ?? false };
    },
  }),
  restoreCollection: t.prismaField({
    type: "Collection",
    args: { uid: t.arg.string({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const collection = await writeRecord(ctx, "Collection", (tx) => restoreVersioned(tx, "collection", args.uid, ctx.user));
      return ctx.db.reader.collection.findUniqueOrThrow({ ...query, where: { id: collection.id } });
    },
  }),
}));
