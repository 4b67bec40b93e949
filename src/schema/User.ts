// Users: who created each record.
import { builder } from "../builder.ts";
import { userWhere } from "../domain/filters.ts";
import { DateTimeRange, StringMatch } from "./filters.ts";
import { UserRef } from "./refs.ts";
import { defineKeyedFields } from "./registry-fields.ts";

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

defineKeyedFields(
  { name: "user", model: "User", key: "handle", orderColumns: { HANDLE: "handle", CREATED_AT: "createdAt", ID: "id" }, defaultOrder: "ID", where: userWhere },
  UserFilter,
);
