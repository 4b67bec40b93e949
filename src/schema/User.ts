// Users: who created each record.
import { builder } from "../builder.ts";
import type { Provider } from "../db/database.ts";
import { UserRef } from "./refs.ts";
import { compact, orderByOf, orderInput, rangeWhere, stringWhere, DateTimeRange, StringMatch } from "./filters.ts";

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
  users: t.prismaConnection(
    {
      type: "User",
      cursor: "id",
      args: { filter: t.arg({ type: UserFilter }), orderBy: t.arg({ type: UserOrderBy }) },
      resolve: (query, _root, args, ctx) =>
        ctx.db.reader.user.findMany({
          ...query,
          where: userWhere(args.filter, ctx.db.provider),
          orderBy: orderByOf(userOrderColumns, args.orderBy, "ID") as never,
        }),
      totalCount: (_conn, args, ctx) => ctx.db.reader.user.count({ where: userWhere(args.filter, ctx.db.provider) }),
    },
    {},
  ),
}));

type UserFilterValue =
  { handle?: Parameters<typeof stringWhere>[0]; name?: Parameters<typeof stringWhere>[0]; createdAt?: Parameters<typeof rangeWhere>[0] } | null | undefined;

function userWhere(filter: UserFilterValue, provider: Provider) {
  return compact({ handle: stringWhere(filter?.handle, provider), name: stringWhere(filter?.name, provider), createdAt: rangeWhere(filter?.createdAt) });
}
