// Users: who created each record.
import { builder } from "../builder.ts";
import { userWhere } from "../domain/filters.ts";
import { DateTimeRange, StringMatch } from "./filters.ts";
import { UserRef } from "./refs.ts";
import { listConnection } from "./registry-fields.ts";

builder.prismaObjectFields(UserRef, (t) => ({
  id: t.exposeInt("id"),
  uid: t.exposeString("uid"),
  handle: t.exposeString("handle"),
  name: t.exposeString("name", { nullable: true }),
  createdAt: t.expose("createdAt", { type: "DateTime" }),
  updatedAt: t.expose("updatedAt", { type: "DateTime" }),
}));

const UserFilter = builder.inputType("UserFilter", {
  fields: (t) => ({
    handle: t.field({ type: StringMatch, required: false }),
    name: t.field({ type: StringMatch, required: false }),
    createdAt: t.field({ type: DateTimeRange, required: false }),
  }),
});

builder.queryFields((t) => ({
  user: t.prismaField({
    type: "User",
    nullable: true,
    args: { handle: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.db.reader.user.findUnique({ ...query, where: { handle: args.handle } }),
  }),
  users: listConnection(
    t,
    { name: "user", model: "User", orderColumns: { HANDLE: "handle", CREATED_AT: "createdAt", ID: "id" }, defaultOrder: "ID", where: userWhere },
    UserFilter,
  ),
}));
