// Users: who created each record.
import { builder } from "../builder.ts";
import { orderByOf, userWhere } from "../domain/filters.ts";
import { DateTimeRange, orderInput, StringMatch } from "./filters.ts";
import { UserRef } from "./refs.ts";
import { pageSize } from "./registry-fields.ts";

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

const userOrderColumns = { HANDLE: "handle", CREATED_AT: "createdAt", ID: "id" } as const;
const UserOrderBy = orderInput("UserOrderBy", Object.keys(userOrderColumns) as (keyof typeof userOrderColumns)[]);

builder.queryFields((t) => ({
  user: t.prismaField({
    type: "User",
    nullable: true,
    args: { handle: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.db.reader.user.findUnique({ ...query, where: { handle: args.handle } }),
  }),
  users: t.prismaConnection({
    type: "User",
    cursor: "id",
    ...pageSize,
    args: { filter: t.arg({ type: UserFilter }), orderBy: t.arg({ type: UserOrderBy }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.reader.user.findMany({ ...query, where: userWhere(args.filter, ctx.db), orderBy: orderByOf(userOrderColumns, args.orderBy, "ID") }),
    totalCount: (_conn, args, ctx) => ctx.db.reader.user.count({ where: userWhere(args.filter, ctx.db) }),
  }),
}));
