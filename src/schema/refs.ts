// The GraphQL object types of the Prisma models, declared once so that every type module
// can name the others; each module adds its own fields with prismaObjectFields.
import { builder } from "../builder.ts";
import { artifacts, collections, transforms } from "../domain/registries.ts";
import { readerOf } from "./records.ts";
import { readOrWritten } from "./visibility.ts";

// Every record type: with read, any record; without it, only those this request's mutations wrote.
export const UserRef = builder.prismaObject("User", { authScopes: readOrWritten("User"), fields: () => ({}) });
export const StorageRef = builder.prismaObject("Storage", { authScopes: readOrWritten("Storage"), fields: () => ({}) });
// Select mode for the lineage models: a nested list loads only the columns its fields ask for,
// which halves the cost of a dashboard page (bench/README.md).
export const TransformRef = builder.prismaObject("Transform", { select: { id: true }, authScopes: readOrWritten("Transform"), fields: () => ({}) });
export const RunRef = builder.prismaObject("Run", { select: { id: true }, authScopes: readOrWritten("Run"), fields: () => ({}) });
export const ArtifactRef = builder.prismaObject("Artifact", { select: { id: true }, authScopes: readOrWritten("Artifact"), fields: () => ({}) });
export const CollectionRef = builder.prismaObject("Collection", { select: { id: true }, authScopes: readOrWritten("Collection"), fields: () => ({}) });
export const ParamRef = builder.prismaObject("Param", { authScopes: readOrWritten("Param"), fields: () => ({}) });
export const ParamValueRef = builder.prismaObject("ParamValue", { authScopes: readOrWritten("ParamValue"), fields: () => ({}) });

/** The description of each versioned type's `versions` list. */
const VERSIONS: Record<"Transform" | "Artifact" | "Collection", string | undefined> = {
  Transform: "every version of this transform's family, oldest first",
  Artifact: "every version of this artifact's family, oldest first",
  Collection: undefined,
};

// What every versioned record has: its ids, its place in its family, who made it when, and the
// other versions of its family (a list: read, as for every list).
for (const [ref, registry] of [
  [TransformRef, transforms],
  [ArtifactRef, artifacts],
  [CollectionRef, collections],
] as const) {
  builder.prismaObjectFields(ref, (t) => ({
    id: t.exposeInt("id"),
    uid: t.exposeString("uid"),
    version: t.exposeString("version", { nullable: true }),
    isLatest: t.exposeBoolean("isLatest"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
    trashedAt: t.expose("trashedAt", { type: "DateTime", nullable: true }),
    createdBy: t.relation("createdBy"),
    versions: t.prismaField({
      type: [registry.model],
      authScopes: { read: true },
      description: VERSIONS[registry.model],
      select: { stem: true },
      resolve: (query, record, _args, ctx) => readerOf(ctx.db.reader, registry).findMany({ ...query, where: { stem: record.stem }, orderBy: [{ uid: "asc" }] }),
    }),
  }));
}
