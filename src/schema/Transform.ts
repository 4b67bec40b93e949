// Transforms (pipelines, notebooks, scripts, …): lookups, lists, versions, runs, delete/restore.
import { builder } from "../builder.ts";
import { visibilityWhere } from "../domain/filters.ts";
import { transforms } from "../domain/registries.ts";
import { addTransformPredecessors } from "../domain/transforms.ts";
import { StringMatch, Visibility } from "./filters.ts";
import { RunRef, TransformRef } from "./refs.ts";
import { linkList } from "./links.ts";
import { defineInputMutation, defineRegistryFields, pageSize } from "./registry-fields.ts";

// Lists and connections reach records beyond a mutation's own writes: they need read even on
// a record the caller wrote (README: scopes on mutation results); latestRun is checked by type.
builder.prismaObjectFields(TransformRef, (t) => ({
  name: t.exposeString("name"),
  key: t.exposeString("key", { nullable: true }),
  description: t.exposeString("description", { nullable: true }),
  type: t.exposeString("type"),
  sourceCode: t.exposeString("sourceCode", { nullable: true }),
  hash: t.exposeString("hash", { nullable: true }),
  reference: t.exposeString("reference", { nullable: true }),
  referenceType: t.exposeString("referenceType", { nullable: true }),
  runs: t.relatedConnection("runs", {
    authScopes: { read: true },
    cursor: "id",
    ...pageSize,
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
  predecessors: t.field({ type: [TransformRef], ...linkList("predecessors", "predecessor") }),
  successors: t.field({ type: [TransformRef], ...linkList("successors", "successor") }),
}));

defineRegistryFields(transforms, {
  filter: (t) => ({
    name: t.field({ type: StringMatch, required: false }),
    type: t.stringList({ required: false }),
  }),
  remove: "moves a transform to the trash, or removes it for good (refused while it has runs)",
});

defineInputMutation("addTransformPredecessors", transforms, {
  fields: (t) => ({
    uid: t.string({ required: true }),
    predecessorUids: t.stringList({ required: true, description: "transforms that feed this one" }),
  }),
  write: (w, input) => addTransformPredecessors(w, input.uid, input.predecessorUids),
});
