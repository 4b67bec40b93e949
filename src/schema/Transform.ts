// Transforms (pipelines, notebooks, scripts, …): lookups, lists, versions, runs, delete/restore.
import { builder } from "../builder.ts";
import type { Provider } from "../db/database.ts";
import { RunRef, TransformRef } from "./refs.ts";
import { addTransformPredecessors, deleteTransform } from "../domain/transforms.ts";
import { restoreVersioned, uidWhere } from "../domain/versions.ts";
import { compact, DateTimeRange, orderByOf, orderInput, rangeWhere, StringMatch, stringWhere, Visibility, visibilityWhere } from "./filters.ts";
import { DeletePayload } from "./Deletion.ts";
import { writeRecord } from "./visibility.ts";

// Lists and connections reach records beyond a mutation's own writes: they need read even on
// a record the caller wrote (README: scopes on mutation results); latestRun is checked by type.
builder.prismaObjectFields(TransformRef, (t) => ({
  id: t.exposeInt("id"),
  uid: t.exposeString("uid"),
  name: t.exposeString("name"),
  key: t.exposeString("key", { nullable: true }),
  description: t.exposeString("description", { nullable: true }),
  version: t.exposeString("version", { nullable: true }),
  isLatest: t.exposeBoolean("isLatest"),
  type: t.exposeString("type"),
  sourceCode: t.exposeString("sourceCode", { nullable: true }),
  hash: t.exposeString("hash", { nullable: true }),
  reference: t.exposeString("reference", { nullable: true }),
  referenceType: t.exposeString("referenceType", { nullable: true }),
  createdAt: t.expose("createdAt", { type: "DateTime" }),
  updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  trashedAt: t.expose("trashedAt", { type: "DateTime", nullable: true }),
  createdBy: t.relation("createdBy"),
  runs: t.relatedConnection("runs", {
    authScopes: { read: true },
    cursor: "id",
    totalCount: true,
    args: { visibility: t.arg({ type: Visibility, defaultValue: "DEFAULT" }) },
    query: (args) => ({ where: visibilityWhere(args.visibility), orderBy: [{ startedAt: "desc" }, { id: "desc" }] }),
  }),
  latestRun: t.field({
    type: RunRef,
    nullable: true,
    select: (_args, _ctx, nestedSelection) => ({
      runs: { ...nestedSelection(true), where: { trashedAt: null }, orderBy: [{ startedAt: "desc" }, { id: "desc" }], take: 1 },
    }),
    resolve: (transform) => transform.runs[0] ?? null,
  }),
  versions: t.prismaField({
    type: ["Transform"],
    authScopes: { read: true },
    description: "every version of this transform's family, oldest first",
    select: { stem: true },
    resolve: (query, transform, _args, ctx) => ctx.db.reader.transform.findMany({ ...query, where: { stem: transform.stem }, orderBy: { uid: "asc" } }),
  }),
  predecessors: t.field({
    type: [TransformRef],
    authScopes: { read: true },
    select: (_args, _ctx, nestedSelection) => ({ predecessors: { select: { predecessor: nestedSelection(true) } } }),
    resolve: (transform) => transform.predecessors.map((link) => link.predecessor),
  }),
  successors: t.field({
    type: [TransformRef],
    authScopes: { read: true },
    select: (_args, _ctx, nestedSelection) => ({ successors: { select: { successor: nestedSelection(true) } } }),
    resolve: (transform) => transform.successors.map((link) => link.successor),
  }),
}));

const TransformFilter = builder.inputType("TransformFilter", {
  fields: (t) => ({
    name: t.field({ type: StringMatch, required: false }),
    key: t.field({ type: StringMatch, required: false }),
    version: t.string({ required: false }),
    type: t.stringList({ required: false }),
    isLatest: t.boolean({ required: false }),
    createdBy: t.string({ required: false, description: "handle of the creating user" }),
    createdAt: t.field({ type: DateTimeRange, required: false }),
    visibility: t.field({ type: Visibility, required: false, defaultValue: "DEFAULT" }),
  }),
});

type TransformFilterValue = typeof TransformFilter.$inferInput;

function transformWhere(filter: TransformFilterValue | null | undefined, provider: Provider) {
  return compact({
    ...visibilityWhere(filter?.visibility),
    name: stringWhere(filter?.name, provider),
    key: stringWhere(filter?.key, provider),
    version: filter?.version ?? undefined,
    type: filter?.type ? { in: filter.type } : undefined,
    isLatest: filter?.isLatest ?? undefined,
    createdBy: filter?.createdBy ? { handle: filter.createdBy } : undefined,
    createdAt: rangeWhere(filter?.createdAt),
  });
}

const transformOrderColumns = { CREATED_AT: "createdAt", UPDATED_AT: "updatedAt", NAME: "name", KEY: "key", ID: "id" } as const;
const TransformOrderBy = orderInput("TransformOrderBy", Object.keys(transformOrderColumns) as (keyof typeof transformOrderColumns)[]);

builder.queryFields((t) => ({
  transform: t.prismaField({
    type: "Transform",
    nullable: true,
    description: "a transform by uid; a 12-character stem returns the latest version",
    args: { uid: t.arg.string({ required: true }), includeTrashed: t.arg.boolean({ defaultValue: false }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.reader.transform.findFirst({
        ...query,
        where: { ...uidWhere("transform", args.uid), ...(args.includeTrashed ? {} : { trashedAt: null }) },
      }),
  }),
  transforms: t.prismaConnection({
    type: "Transform",
    cursor: "id",
    args: { filter: t.arg({ type: TransformFilter }), orderBy: t.arg({ type: TransformOrderBy }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.reader.transform.findMany({
        ...query,
        where: transformWhere(args.filter, ctx.db.provider),
        orderBy: orderByOf(transformOrderColumns, args.orderBy, "ID") as never,
      }),
    totalCount: (_conn, args, ctx) => ctx.db.reader.transform.count({ where: transformWhere(args.filter, ctx.db.provider) }),
  }),
}));

const AddTransformPredecessorsInput = builder.inputType("AddTransformPredecessorsInput", {
  fields: (t) => ({
    uid: t.string({ required: true }),
    predecessorUids: t.stringList({ required: true, description: "transforms that feed this one" }),
  }),
});

builder.mutationFields((t) => ({
  addTransformPredecessors: t.prismaField({
    type: "Transform",
    args: { input: t.arg({ type: AddTransformPredecessorsInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const transform = await writeRecord(ctx, "Transform", (tx) => addTransformPredecessors(tx, input.uid, input.predecessorUids));
      return ctx.db.reader.transform.findUniqueOrThrow({ ...query, where: { id: transform.id } });
    },
  }),
  deleteTransform: t.field({
    type: DeletePayload,
    description: "moves a transform to the trash, or removes it for good (refused while it has runs)",
    args: { uid: t.arg.string({ required: true }), permanent: t.arg.boolean({ defaultValue: false }) },
    resolve: async (_root, args, ctx) => {
      const transform = await ctx.db.write((tx) => deleteTransform(tx, args.uid, args.permanent ?? false, ctx.user));
      return { uid: transform.uid, permanent: args.permanent ?? false };
    },
  }),
  restoreTransform: t.prismaField({
    type: "Transform",
    args: { uid: t.arg.string({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const transform = await writeRecord(ctx, "Transform", (tx) => restoreVersioned(tx, "transform", args.uid, ctx.user));
      return ctx.db.reader.transform.findUniqueOrThrow({ ...query, where: { id: transform.id } });
    },
  }),
}));
