// Runs: lookups, dashboard lists with typed param filters, and the workflow-tool mutations
// (track, addRunInputs, finishRun, delete/restore).
import { builder } from "../builder.ts";
import { runs } from "../domain/registries.ts";
import { addRunInputs, finishRun, finishRunAtOnce, RUN_STATUSES, track, type FinishRunInput, type RunStatus as Status } from "../domain/runs.ts";
import { STEM_LENGTH, UID_LENGTH } from "../domain/uid.ts";
import { DateTimeRange, StringMatch } from "./filters.ts";
import { ArtifactRef, CollectionRef, RunRef } from "./refs.ts";
import { linkList, trashableRelation } from "./links.ts";
import { referenceFields, type InputFieldBuilder } from "./records.ts";
import { defineInputMutation, defineRegistryFields } from "./registry-fields.ts";

export const RunStatus = builder.enumType("RunStatus", { values: RUN_STATUSES });

// Lists reach records beyond a mutation's own writes: they need read even on a record the
// caller wrote (README: scopes on mutation results); to-one relations are checked by type.
builder.prismaObjectFields(RunRef, (t) => ({
  id: t.exposeInt("id"),
  uid: t.exposeString("uid"),
  transform: t.relation("transform"),
  startedAt: t.expose("startedAt", { type: "DateTime" }),
  finishedAt: t.expose("finishedAt", { type: "DateTime", nullable: true }),
  status: t.field({ type: RunStatus, select: { status: true }, resolve: (run) => run.status as (typeof RUN_STATUSES)[number] }),
  report: t.relation("report", { nullable: true }),
  environment: t.relation("environment", { nullable: true }),
  isConsecutive: t.exposeBoolean("isConsecutive", { nullable: true }),
  reference: t.exposeString("reference", { nullable: true }),
  referenceType: t.exposeString("referenceType", { nullable: true }),
  createdBy: t.relation("createdBy"),
  createdAt: t.expose("createdAt", { type: "DateTime" }),
  trashedAt: t.expose("trashedAt", { type: "DateTime", nullable: true }),
  initiatedBy: t.relation("initiatedBy", { nullable: true }),
  initiatedRuns: t.relation("initiatedRuns", { authScopes: { read: true }, description: "runs this run started as its steps" }),
}));

// What a run read and wrote: lists reach records beyond a mutation's own writes, so read.
builder.prismaObjectFields(RunRef, (t) => {
  const args = { includeTrashed: t.arg.boolean({ defaultValue: false }) };
  return {
    inputArtifacts: t.field({ type: [ArtifactRef], args, ...linkList("inputArtifacts", "artifact", { orderBy: "artifactId", trashable: true }) }),
    outputArtifacts: t.relation("outputArtifacts", { args, ...trashableRelation }),
    recreatedArtifacts: t.field({
      type: [ArtifactRef],
      description: "existing artifacts this run registered again: it re-created them, it did not read them",
      ...linkList("recreatedArtifacts", "artifact"),
    }),
    inputCollections: t.field({ type: [CollectionRef], args, ...linkList("inputCollections", "collection", { orderBy: "collectionId", trashable: true }) }),
    outputCollections: t.relation("outputCollections", { args, ...trashableRelation }),
  };
});

// Artifacts and collections are read by runs the same way: the runs that took them as input.
for (const ref of [ArtifactRef, CollectionRef] as const) {
  builder.prismaObjectFields(ref, (t) => ({
    inputOfRuns: t.field({
      type: [RunRef],
      args: { includeTrashed: t.arg.boolean({ defaultValue: false }) },
      ...linkList("inputOfRuns", "run", { orderBy: "runId", trashable: true }),
    }),
  }));
}

const ParamPredicateInput = builder.inputType("ParamPredicate", {
  description: "A typed comparison on a param's value: numbers compare as numbers, dates and datetimes as instants.",
  fields: (t) => ({
    name: t.string({ required: true }),
    eq: t.field({ type: "JSON", required: false }),
    ne: t.field({ type: "JSON", required: false }),
    gt: t.field({ type: "JSON", required: false }),
    gte: t.field({ type: "JSON", required: false }),
    lt: t.field({ type: "JSON", required: false }),
    lte: t.field({ type: "JSON", required: false }),
    in: t.field({ type: ["JSON"], required: false }),
  }),
});

defineRegistryFields(runs, {
  filter: (t) => ({
    transformUid: t.string({ required: false, description: `a transform uid, or its ${STEM_LENGTH.transform}-character stem for every version` }),
    transformName: t.field({ type: StringMatch, required: false }),
    transformType: t.stringList({ required: false }),
    status: t.field({ type: [RunStatus], required: false }),
    startedAt: t.field({ type: DateTimeRange, required: false }),
    finishedAt: t.field({ type: DateTimeRange, required: false }),
    ...referenceFields(t),
    initiatedByRunUid: t.string({ required: false }),
    params: t.field({ type: [ParamPredicateInput], required: false }),
  }),
  remove: "moves a run to the trash, or removes it for good (refused while outputs point to it)",
});

/** The fields that name a run's transform, to find it or get or create it (track and recordRuns). */
export const transformInputFields = (t: InputFieldBuilder) => ({
  uid: t.string({ required: false }),
  name: t.string({ required: false }),
  key: t.string({ required: false }),
  version: t.string({ required: false }),
  type: t.string({ required: false, description: "pipeline (default), notebook, script, function, upload, glue" }),
  description: t.string({ required: false }),
  sourceCode: t.string({ required: false }),
  ...referenceFields(t),
});

/** A run's uid as the client chooses it, so that sending the same run again is safe (track and recordRuns). */
export const clientRunUid = (t: InputFieldBuilder, again: string) =>
  t.string({ required: false, description: `the run's uid, chosen by the client (${UID_LENGTH.run} base62 characters): ${again} (safe to retry)` });

const TransformInput = builder.inputType("TransformInput", {
  description: "Names the run's transform: its uid, or name (+ key, version) to get or create it.",
  fields: transformInputFields,
});

defineInputMutation("track", runs, {
  description: "get-or-create the transform, start a run, record its params and inputs: one transaction",
  fields: (t) => ({
    uid: clientRunUid(t, "the same track sent again returns this run"),
    transform: t.field({ type: TransformInput, required: true }),
    ...referenceFields(t, "external id or URL of the run (e.g. a Nextflow run id)"),
    params: t.field({ type: "JSON", required: false, description: "object mapping param names to values" }),
    defineMissingParams: t.boolean({ required: false, defaultValue: false }),
    inputArtifactUids: t.stringList({ required: false }),
    inputCollectionUids: t.stringList({ required: false }),
    initiatedByRunUid: t.string({ required: false }),
  }),
  write: (w, input) => track(w, input),
});

const finishInput = (input: { uid: string; status?: Status | null; report?: string | null; environment?: string | null }): FinishRunInput => ({
  uid: input.uid,
  status: input.status,
  reportUid: input.report,
  environmentUid: input.environment,
});

defineInputMutation("finishRun", runs, {
  fields: (t) => ({
    uid: t.string({ required: true }),
    status: t.field({ type: RunStatus, required: false, defaultValue: "COMPLETED" }),
    report: t.string({ required: false, description: "uid of the run's report artifact" }),
    environment: t.string({ required: false, description: "uid of the run's environment artifact" }),
  }),
  atOnce: (input, ctx) => finishRunAtOnce(ctx.db, finishInput(input)),
  write: (w, input) => finishRun(w, finishInput(input)),
});

defineInputMutation("addRunInputs", runs, {
  description: "records artifacts and collections as inputs of a run (its own outputs are skipped)",
  fields: (t) => ({
    runUid: t.string({ required: true }),
    artifactUids: t.stringList({ required: false }),
    collectionUids: t.stringList({ required: false }),
  }),
  write: (w, input) => addRunInputs(w, input),
});
