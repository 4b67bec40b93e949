// Artifacts: lookups, lists, versions, lineage relations, registration and delete/restore.
import { builder } from "../builder.ts";
import type { Provider } from "../db/database.ts";
import { ArtifactRef, CollectionRef, ParamValueRef, RunRef } from "./refs.ts";
import { deleteArtifact, registerArtifact } from "../domain/artifacts.ts";
import { loadParamMaps } from "../loaders/params.ts";
import { STEM_LENGTH } from "../domain/uid.ts";
import { restoreVersioned, uidWhere } from "../domain/versions.ts";
import { DeletePayload } from "./Deletion.ts";
import { writeRecord } from "./visibility.ts";
import { compact, DateTimeRange, orderByOf, orderInput, rangeWhere, StringMatch, stringWhere, Visibility, visibilityWhere } from "./filters.ts";

// Lists reach records beyond a mutation's own writes: they need read even on a record the
// caller wrote (README: scopes on mutation results); to-one relations are checked by type.
builder.prismaObjectFields(ArtifactRef, (t) => ({
  id: t.exposeInt("id"),
  uid: t.exposeString("uid"),
  key: t.exposeString("key", { nullable: true }),
  description: t.exposeString("description", { nullable: true }),
  storage: t.relation("storage"),
  suffix: t.exposeString("suffix"),
  type: t.exposeString("type", { nullable: true }),
  otype: t.exposeString("otype", { nullable: true }),
  size: t.expose("size", { type: "BigInt", nullable: true, description: "bytes; exact to 64 bits (a string above 2^53)" }),
  hash: t.exposeString("hash", { nullable: true }),
  hashType: t.exposeString("hashType", { nullable: true }),
  nObjects: t.exposeInt("nObjects", { nullable: true }),
  nObservations: t.expose("nObservations", { type: "BigInt", nullable: true }),
  version: t.exposeString("version", { nullable: true }),
  isLatest: t.exposeBoolean("isLatest"),
  createdAt: t.expose("createdAt", { type: "DateTime" }),
  updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  trashedAt: t.expose("trashedAt", { type: "DateTime", nullable: true }),
  createdBy: t.relation("createdBy"),
  run: t.relation("run", { nullable: true, description: "the run that produced this artifact; null for an upload" }),
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
    resolve: (artifact) => artifact.inputOfRuns.map((link) => link.run),
  }),
  recreatingRuns: t.field({
    type: [RunRef],
    authScopes: { read: true },
    description: "runs that registered this content again after it was first created",
    select: (_args, _ctx, nestedSelection) => ({ recreatingRuns: { orderBy: { runId: "asc" }, select: { run: nestedSelection(true) } } }),
    resolve: (artifact) => artifact.recreatingRuns.map((link) => link.run),
  }),
  collections: t.field({
    type: [CollectionRef],
    authScopes: { read: true },
    select: (_args, _ctx, nestedSelection) => ({ collections: { select: { collection: nestedSelection(true) } } }),
    resolve: (artifact) => artifact.collections.map((link) => link.collection),
  }),
  params: t.loadable({
    type: "JSON",
    description: "the artifact's param values as an object: name → value",
    load: (ids: number[], ctx) => loadParamMaps(ctx.db.reader, "artifact", ids),
    resolve: (artifact) => artifact.id,
  }),
  paramValues: t.field({
    type: [ParamValueRef],
    authScopes: { read: true },
    select: (_args, _ctx, nestedSelection) => ({ paramValues: { select: { paramValue: nestedSelection(true) } } }),
    resolve: (artifact) => artifact.paramValues.map((link) => link.paramValue),
  }),
  versions: t.prismaField({
    type: ["Artifact"],
    authScopes: { read: true },
    description: "every version of this artifact's family, oldest first",
    select: { stem: true },
    resolve: (query, artifact, _args, ctx) => ctx.db.reader.artifact.findMany({ ...query, where: { stem: artifact.stem }, orderBy: { uid: "asc" } }),
  }),
}));

const ArtifactFilter = builder.inputType("ArtifactFilter", {
  fields: (t) => ({
    key: t.field({ type: StringMatch, required: false }),
    description: t.field({ type: StringMatch, required: false }),
    suffix: t.string({ required: false }),
    type: t.stringList({ required: false }),
    otype: t.string({ required: false }),
    version: t.string({ required: false }),
    isLatest: t.boolean({ required: false }),
    hash: t.string({ required: false }),
    storageRoot: t.string({ required: false }),
    runUid: t.string({ required: false, description: "produced by this run" }),
    transformUid: t.string({ required: false, description: "produced by a run of this transform (a 12-character stem: any version)" }),
    createdBy: t.string({ required: false, description: "handle of the creating user" }),
    createdAt: t.field({ type: DateTimeRange, required: false }),
    visibility: t.field({ type: Visibility, required: false, defaultValue: "DEFAULT" }),
  }),
});

function artifactWhere(filter: typeof ArtifactFilter.$inferInput | null | undefined, provider: Provider) {
  const transformUid = filter?.transformUid;
  return compact({
    ...visibilityWhere(filter?.visibility),
    key: stringWhere(filter?.key, provider),
    description: stringWhere(filter?.description, provider),
    suffix: filter?.suffix ?? undefined,
    type: filter?.type ? { in: filter.type } : undefined,
    otype: filter?.otype ?? undefined,
    version: filter?.version ?? undefined,
    isLatest: filter?.isLatest ?? undefined,
    hash: filter?.hash ?? undefined,
    storage: filter?.storageRoot ? { root: filter.storageRoot } : undefined,
    run: compact({
      uid: filter?.runUid ?? undefined,
      transform: transformUid
        ? transformUid.length === STEM_LENGTH.transform
          ? { stem: transformUid }
          : uidWhere("transform", transformUid, "filter.transformUid")
        : undefined,
    }),
    createdBy: filter?.createdBy ? { handle: filter.createdBy } : undefined,
    createdAt: rangeWhere(filter?.createdAt),
  });
}

function withoutEmptyRun<T extends { run?: Record<string, unknown> }>(where: T): T {
  if (where.run && Object.keys(where.run).length === 0) delete where.run;
  return where;
}

const artifactOrderColumns = { CREATED_AT: "createdAt", UPDATED_AT: "updatedAt", KEY: "key", SIZE: "size", ID: "id" } as const;
const ArtifactOrderBy = orderInput("ArtifactOrderBy", Object.keys(artifactOrderColumns) as (keyof typeof artifactOrderColumns)[]);

builder.queryFields((t) => ({
  artifact: t.prismaField({
    type: "Artifact",
    nullable: true,
    description: "an artifact by uid; a 16-character stem returns the latest version",
    args: { uid: t.arg.string({ required: true }), includeTrashed: t.arg.boolean({ defaultValue: false }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.reader.artifact.findFirst({
        ...query,
        where: { ...uidWhere("artifact", args.uid), ...(args.includeTrashed ? {} : { trashedAt: null }) },
      }),
  }),
  artifacts: t.prismaConnection({
    type: "Artifact",
    cursor: "id",
    args: { filter: t.arg({ type: ArtifactFilter }), orderBy: t.arg({ type: ArtifactOrderBy }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.reader.artifact.findMany({
        ...query,
        where: withoutEmptyRun(artifactWhere(args.filter, ctx.db.provider)) as never,
        orderBy: orderByOf(artifactOrderColumns, args.orderBy, "ID") as never,
      }),
    totalCount: (_conn, args, ctx) => ctx.db.reader.artifact.count({ where: withoutEmptyRun(artifactWhere(args.filter, ctx.db.provider)) as never }),
  }),
}));

const RegisterArtifactInput = builder.inputType("RegisterArtifactInput", {
  description: "Only hash is required. No runUid: an upload. No storageRoot: the instance's default storage.",
  fields: (t) => ({
    key: t.string({ required: false, description: "virtual path, e.g. results/counts.parquet" }),
    description: t.string({ required: false }),
    storageRoot: t.string({ required: false }),
    suffix: t.string({ required: false, description: "defaults to the key's suffix, e.g. .parquet" }),
    size: t.field({ type: "BigInt", required: false }),
    hash: t.string({ required: true }),
    hashType: t.string({ required: false }),
    type: t.string({ required: false, description: "dataset, model, …" }),
    otype: t.string({ required: false, description: "object type, e.g. DataFrame, AnnData" }),
    nObjects: t.int({ required: false }),
    nObservations: t.field({ type: "BigInt", required: false }),
    runUid: t.string({ required: false, description: "the run that produced it" }),
    revisesUid: t.string({ required: false, description: "register as a new version of this artifact" }),
    version: t.string({ required: false, description: "version tag, unique inside the family" }),
  }),
});

builder.mutationFields((t) => ({
  registerArtifact: t.prismaField({
    type: "Artifact",
    description: "idempotent by hash; a known key in the same storage with new content becomes a new version",
    args: { input: t.arg({ type: RegisterArtifactInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      // Known content answers with the existing record: the call registered it again.
      const artifact = await writeRecord(ctx, "Artifact", (tx) =>
        registerArtifact(ctx.db, tx, input, { userId: ctx.user.id, defaultStorageId: ctx.defaultStorageId }),
      );
      return ctx.db.reader.artifact.findUniqueOrThrow({ ...query, where: { id: artifact.id } });
    },
  }),
  deleteArtifact: t.field({
    type: DeletePayload,
    description: "moves an artifact to the trash, or removes it for good (refused while a collection holds it)",
    args: { uid: t.arg.string({ required: true }), permanent: t.arg.boolean({ defaultValue: false }) },
    resolve: async (_root, args, ctx) => {
      const artifact = await ctx.db.write((tx) => deleteArtifact(tx, args.uid, args.permanent ?? false, ctx.user));
      return { uid: artifact.uid, permanent: args.permanent ?? false };
    },
  }),
  restoreArtifact: t.prismaField({
    type: "Artifact",
    args: { uid: t.arg.string({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const artifact = await writeRecord(ctx, "Artifact", (tx) => restoreVersioned(tx, "artifact", args.uid, ctx.user));
      return ctx.db.reader.artifact.findUniqueOrThrow({ ...query, where: { id: artifact.id } });
    },
  }),
}));
