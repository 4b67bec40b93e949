// Params (declared name + dtype) and their values; defining params and attaching values.
import { builder } from "../builder.ts";
import { paramWhere } from "../domain/filters.ts";
import { addParamValuesTo, defineParam, DTYPES } from "../domain/params.ts";
import { StringMatch } from "./filters.ts";
import { loadParamMaps } from "../loaders/params.ts";
import { linkList } from "./links.ts";
import { ArtifactRef, ParamRef, ParamValueRef, RunRef } from "./refs.ts";
import { defineInputMutation, defineKeyedFields } from "./registry-fields.ts";
import { markWritten, writeRecording } from "./visibility.ts";

builder.prismaObjectFields(ParamRef, (t) => ({
  id: t.exposeInt("id"),
  name: t.exposeString("name"),
  dtype: t.exposeString("dtype", { description: `one of ${DTYPES.join(", ")}` }),
  createdAt: t.expose("createdAt", { type: "DateTime" }),
  createdBy: t.relation("createdBy"),
}));

builder.prismaObjectFields(ParamValueRef, (t) => ({
  id: t.exposeInt("id"),
  param: t.relation("param"),
  value: t.expose("value", { type: "JSON" }),
  hash: t.exposeString("hash"),
  createdAt: t.expose("createdAt", { type: "DateTime" }),
  createdBy: t.relation("createdBy"),
}));

// Runs and artifacts carry param values alike: as one object, and as the values themselves.
for (const [ref, kind] of [
  [RunRef, "run"],
  [ArtifactRef, "artifact"],
] as const) {
  builder.prismaObjectFields(ref, (t) => ({
    params: t.loadable({
      type: "JSON",
      description: `the ${kind}'s param values as an object: name → value`,
      load: (ids: number[], ctx) => loadParamMaps(ctx.db.reader, kind, ids),
      resolve: (record) => record.id,
    }),
    paramValues: t.field({ type: [ParamValueRef], ...linkList("paramValues", "paramValue") }),
  }));
}

const ParamFilter = builder.inputType("ParamFilter", {
  fields: (t) => ({
    name: t.field({ type: StringMatch, required: false }),
    dtype: t.stringList({ required: false }),
  }),
});

/** Params as a list keyed by name: the lookup, the list and defineParam's answer read them through this. */
const params = {
  name: "param",
  model: "Param",
  key: "name",
  orderColumns: { NAME: "name", CREATED_AT: "createdAt", ID: "id" },
  defaultOrder: "NAME",
  where: paramWhere,
} as const;

defineKeyedFields(params, ParamFilter);

defineInputMutation("defineParam", params, {
  fields: (t) => ({
    name: t.string({ required: true }),
    dtype: t.string({ required: true, description: `one of ${DTYPES.join(", ")}` }),
  }),
  write: (w, input) => defineParam(w, input),
});

const AddParamValuesInput = builder.inputType("AddParamValuesInput", {
  fields: (t) => ({
    runUid: t.string({ required: false }),
    artifactUid: t.string({ required: false }),
    values: t.field({ type: "JSON", required: true, description: "object mapping param names to values" }),
    defineMissing: t.boolean({ required: false, defaultValue: false, description: "declare unknown params with their inferred dtype" }),
  }),
});

const AddParamValuesPayload = builder.objectRef<{ runUid: string | null; artifactUid: string | null }>("AddParamValuesPayload").implement({
  fields: (t) => ({ runUid: t.exposeString("runUid", { nullable: true }), artifactUid: t.exposeString("artifactUid", { nullable: true }) }),
});

builder.objectField(AddParamValuesPayload, "run", (t) =>
  t.prismaField({
    type: "Run",
    nullable: true,
    // Without a run the lookup of "" finds nothing; it keeps the planned query in use.
    resolve: (query, payload, _args, ctx) => ctx.db.reader.run.findUnique({ ...query, where: { uid: payload.runUid ?? "" } }),
  }),
);
builder.objectField(AddParamValuesPayload, "artifact", (t) =>
  t.prismaField({
    type: "Artifact",
    nullable: true,
    resolve: (query, payload, _args, ctx) => ctx.db.reader.artifact.findUnique({ ...query, where: { uid: payload.artifactUid ?? "" } }),
  }),
);

builder.mutationFields((t) => ({
  addParamValues: t.field({
    type: AddParamValuesPayload,
    args: { input: t.arg({ type: AddParamValuesInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { run, artifact } = await writeRecording(ctx, (w) => addParamValuesTo(w, input));
      // the payload's run or artifact: its params are what this call wrote
      if (run) markWritten(ctx, "Run", run.id);
      if (artifact) markWritten(ctx, "Artifact", artifact.id);
      return { runUid: run?.uid ?? null, artifactUid: artifact?.uid ?? null };
    },
  }),
}));
