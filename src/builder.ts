// The Pothos schema builder: plugins, scalars and Prisma integration only.
import SchemaBuilder from "@pothos/core";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import { GraphQLScalarType } from "graphql";
import { DateTimeResolver, GraphQLBigInt, JSONResolver } from "graphql-scalars";
import type { Context } from "./context.ts";
import type PrismaTypes from "./generated/pothos-types.ts";
import { getDatamodel } from "./generated/pothos-types.ts";

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
    BigInt: { Input: bigint | number; Output: bigint | number };
  };
}>({
  plugins: [PrismaPlugin, RelayPlugin, DataloaderPlugin],
  defaultFieldNullability: false,
  prisma: {
    client: (ctx) => ctx.db.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === "production" ? null : "error",
    maxConnectionSize: 1000,
    defaultConnectionSize: 50,
  },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
  },
});

builder.addScalarType("DateTime", DateTimeResolver);
builder.addScalarType("JSON", JSONResolver);
// 64-bit integers: a JSON number while exact (|n| ≤ 2^53 − 1), a decimal string above that.
builder.addScalarType(
  "BigInt",
  new GraphQLScalarType({
    ...GraphQLBigInt.toConfig(),
    serialize(value) {
      const big = BigInt(value as bigint | number | string);
      return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(big) : big.toString();
    },
  }),
);

builder.queryType({});
builder.mutationType({});

export const OrderDirection = builder.enumType("OrderDirection", { values: ["ASC", "DESC"] as const });

export const Visibility = builder.enumType("Visibility", {
  description: "Which records a list shows: the default hides the trash.",
  values: {
    DEFAULT: { description: "records not in the trash" },
    TRASH: { description: "only records in the trash" },
    ALL: { description: "both" },
  },
});

export const DateTimeRange = builder.inputType("DateTimeRange", {
  fields: (t) => ({
    gte: t.field({ type: "DateTime", required: false }),
    lt: t.field({ type: "DateTime", required: false }),
  }),
});

export const StringMatch = builder.inputType("StringMatch", {
  description: "Text match: exact, or contains / startsWith (case-sensitive).",
  fields: (t) => ({
    equals: t.string({ required: false }),
    contains: t.string({ required: false }),
    startsWith: t.string({ required: false }),
  }),
});
