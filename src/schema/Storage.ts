// Storage locations that artifacts live in: lookups and a list.
import { builder } from "../builder.ts";
import { StorageRef } from "./refs.ts";
import { pageSize } from "./registry-fields.ts";

builder.prismaObjectFields(StorageRef, (t) => ({
  id: t.exposeInt("id"),
  uid: t.exposeString("uid"),
  root: t.exposeString("root"),
  type: t.exposeString("type"),
  region: t.exposeString("region", { nullable: true }),
  description: t.exposeString("description", { nullable: true }),
  createdAt: t.expose("createdAt", { type: "DateTime" }),
  createdBy: t.relation("createdBy"),
  // every artifact of the storage: never part of a mutation's own writes, so always read
  artifacts: t.relatedConnection("artifacts", {
    authScopes: { read: true },
    cursor: "id",
    ...pageSize,
    totalCount: true,
    query: () => ({ where: { trashedAt: null }, orderBy: { id: "desc" } }),
  }),
}));

builder.queryFields((t) => ({
  storage: t.prismaField({
    type: "Storage",
    nullable: true,
    description: "a storage by uid or by root (e.g. s3://bucket/prefix)",
    args: { uid: t.arg.string(), root: t.arg.string() },
    resolve: (query, _root, args, ctx) => ctx.db.reader.storage.findFirst({ ...query, where: args.uid ? { uid: args.uid } : { root: args.root ?? "" } }),
  }),
  storages: t.prismaConnection({
    type: "Storage",
    cursor: "id",
    ...pageSize,
    resolve: (query, _root, _args, ctx) => ctx.db.reader.storage.findMany({ ...query, orderBy: { id: "asc" } }),
    totalCount: (_conn, _args, ctx) => ctx.db.reader.storage.count(),
  }),
}));
