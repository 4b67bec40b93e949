// Collections: ordered sets of artifacts, versioned by key, with their producing run.
import { builder } from "../builder.ts";
import { createCollection } from "../domain/collections.ts";
import { collections } from "../domain/registries.ts";
import { ArtifactRef, CollectionRef } from "./refs.ts";
import { linkList } from "./links.ts";
import { referenceFields } from "./records.ts";
import { defineInputMutation, defineRegistryFields } from "./registry-fields.ts";

// Lists reach records beyond a mutation's own writes: they need read even on a record the
// caller wrote (README: scopes on mutation results); to-one relations are checked by type.
builder.prismaObjectFields(CollectionRef, (t) => ({
  key: t.exposeString("key"),
  name: t.exposeString("key", { description: "the collection's name: same as key" }),
  description: t.exposeString("description", { nullable: true }),
  hash: t.exposeString("hash", { nullable: true }),
  reference: t.exposeString("reference", { nullable: true }),
  referenceType: t.exposeString("referenceType", { nullable: true }),
  metaArtifact: t.relation("metaArtifact", { nullable: true }),
  run: t.relation("run", { nullable: true }),
  artifacts: t.field({ type: [ArtifactRef], description: "the member artifacts, in order", ...linkList("artifacts", "artifact", { orderBy: "position" }) }),
}));

defineRegistryFields(collections, {
  filter: (t) => ({
    runUid: t.string({ required: false }),
    createdBy: t.string({ required: false }),
  }),
});

defineInputMutation("createCollection", collections, {
  description: "idempotent by its members; a known key with other members becomes a new version",
  fields: (t) => ({
    key: t.string({ required: true }),
    description: t.string({ required: false }),
    artifactUids: t.stringList({ required: true, description: "members, in order" }),
    metaArtifactUid: t.string({ required: false }),
    runUid: t.string({ required: false, description: "the run that builds it; members become its inputs" }),
    revisesUid: t.string({ required: false }),
    version: t.string({ required: false }),
    ...referenceFields(t),
  }),
  write: (w, input) => createCollection(w, input),
});
