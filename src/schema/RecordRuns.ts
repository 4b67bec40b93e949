// recordRuns: many whole runs in one call for tools that record after the fact
// (src/domain/record-runs.ts; README: "Recording many runs at once").
import { builder } from "../builder.ts";
import { recordRuns } from "../domain/record-runs.ts";
import { clientRunUid, RunStatus, transformInputFields } from "./Run.ts";
import { referenceFields } from "./records.ts";
import { RunRef } from "./refs.ts";
import { markWritten, writeRecording } from "./visibility.ts";

const RecordRunTransformInput = builder.inputType("RecordRunTransformInput", {
  description: "The run's transform: its uid, or key (or name) with version and source, found or created as track does.",
  fields: (t) => ({
    ...transformInputFields(t),
    hash: t.string({ required: false, description: "the source's hash instead of the source: SHA-256, base64url, first 22 characters (Transform.hash)" }),
  }),
});

const RecordRunParamInput = builder.inputType("RecordRunParamInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    value: t.field({ type: "JSON", required: true }),
  }),
});

const RecordRunInputArtifact = builder.inputType("RecordRunInputArtifact", {
  description: "An artifact the run read: exactly one of uid (a stem: the latest version) and hash (an output of the same call included).",
  fields: (t) => ({
    uid: t.string({ required: false }),
    hash: t.string({ required: false }),
  }),
});

const RecordRunOutputInput = builder.inputType("RecordRunOutputInput", {
  description: "An artifact the run wrote, registered as registerArtifact does: known content is the existing artifact, a known key a new version.",
  fields: (t) => ({
    hash: t.string({ required: true }),
    key: t.string({ required: false }),
    description: t.string({ required: false }),
    storageRoot: t.string({ required: false }),
    suffix: t.string({ required: false }),
    size: t.field({ type: "BigInt", required: false }),
    hashType: t.string({ required: false }),
    type: t.string({ required: false }),
    otype: t.string({ required: false }),
    nObjects: t.int({ required: false }),
    nObservations: t.field({ type: "BigInt", required: false }),
  }),
});

const RecordRunInput = builder.inputType("RecordRunInput", {
  description: "One whole run. A final status needs finishedAt; STARTED (and other open statuses) must leave it out.",
  fields: (t) => ({
    uid: clientRunUid(t, "the item sent again answers this run"),
    transform: t.field({ type: RecordRunTransformInput, required: true }),
    status: t.field({ type: RunStatus, required: false, defaultValue: "COMPLETED" }),
    startedAt: t.field({ type: "DateTime", required: true }),
    finishedAt: t.field({ type: "DateTime", required: false }),
    ...referenceFields(t, "external id of the run; without uid, reference + referenceType + transform name the run for retries"),
    params: t.field({ type: [RecordRunParamInput], required: false }),
    defineMissingParams: t.boolean({ required: false, defaultValue: false }),
    inputs: t.field({ type: [RecordRunInputArtifact], required: false }),
    outputs: t.field({ type: [RecordRunOutputInput], required: false }),
  }),
});

builder.mutationField("recordRuns", (t) =>
  t.prismaField({
    type: [RunRef],
    description:
      "records many runs, each with its transform, params, inputs and outputs, in one transaction; answers the runs in input order. " +
      "One bad item fails the call (its error names input[i]…) and nothing is written; an item sent again answers its run",
    args: { input: t.arg({ type: [RecordRunInput], required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const recorded = await writeRecording(ctx, (w) => recordRuns(w, ctx.db, args.input, { defaultStorageId: ctx.defaultStorageId }));
      for (const run of recorded) {
        markWritten(ctx, "Run", run.id);
        for (const id of run.artifactIds) markWritten(ctx, "Artifact", id);
      }
      const ids = recorded.map((run) => run.id);
      const runs = await ctx.db.reader.run.findMany({ ...query, where: { id: { in: [...new Set(ids)] } } });
      const byId = new Map(runs.map((run) => [run.id, run]));
      return ids.map((id) => byId.get(id)!);
    },
  }),
);
