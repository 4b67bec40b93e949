// Storage locations that artifacts live in.
import { builder } from "../builder.ts";
import { StorageRef } from "./refs.ts";

builder.prismaObjectFields(StorageRef, (t) => ({
    id: t.exposeInt("id"),
    uid: t.exposeString("uid"),
    root: t.exposeString("root"),
    type: t.exposeString("type"),
    region: t.exposeString("region", { nullable: true }),
    description: t.exposeString("description", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    createdBy: t.relation("createdBy"),
}));
