// Artifacts: lookups, lists, versions, lineage relations, registration and delete/restore.
import { builder } from "../builder.ts";
import { registerArtifact } from "../domain/artifacts.ts";
import { artifacts } from "../domain/registries.ts";
import { STEM_LENGTH } from "../domain/uid.ts";
import { StringMatch } from "./filters.ts";
import { ArtifactRef, CollectionRef, RunRef } from "./refs.ts";
import { linkList } from "./links.ts";
import { defineInputMutation, defineRegistryFields } from "./registry-fields.ts";

// Lists reach records beyond a mutation's own writes: they need read even on a record the
// caller wrote (README: scopes on mutation results); to-one relations are checked by type.
builder.prismaObjectFields(ArtifactRef, (t) => ({
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
  run: t.relation("run", { nullable: true, description: "the run that produced this artifact; null for an upload" }),
  recreatingRuns: t.field({
    type: [RunRef],
    description: "runs that registered this content again after it was first created",
    ...linkList("recreatingRuns", "run", { orderBy: "runId" }),
  }),
  collections: t.field({ type: [CollectionRef], ...linkList("collections", "collection") }),
}));

defineRegistryFields(artifacts, {
  filter: (t) => ({
    description: t.field({ type: StringMatch, required: false }),
    suffix: t.string({ required: false }),
    type: t.stringList({ required: false }),
    otype: t.string({ required: false }),
    hash: t.string({ required: false }),
    storageRoot: t.string({ required: false }),
    runUid: t.string({ required: false, description: "produced by this run" }),
    transformUid: t.string({ required: false, description: `produced by a run of this transform (a ${STEM_LENGTH.transform}-character stem: any version)` }),
  }),
  remove: "moves an artifact to the trash, or removes it for good (refused while a collection holds it)",
});

// Known content answers with the existing record: the call registered it again.
defineInputMutation("registerArtifact", artifacts, {
  description: "idempotent by hash; a known key in the same storage with new content becomes a new version",
  inputDescription: "Only hash is required. No runUid: an upload. No storageRoot: the instance's default storage.",
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
  write: (w, input, ctx) => registerArtifact(w, input, { defaultStorageId: ctx.defaultStorageId }),
});
