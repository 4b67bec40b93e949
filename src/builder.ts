// The Pothos schema builder: plugins, scalars and Prisma integration only.
import SchemaBuilder from "@pothos/core";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import { GraphQLError, GraphQLScalarType, Kind, OperationTypeNode } from "graphql";
import { DateTimeResolver, GraphQLBigInt, JSONResolver } from "graphql-scalars";
import type { Context, Scope } from "./context.ts";
import { forbidden } from "./domain/errors.ts";
import { LoadedColumnsPlugin } from "./plugins/loaded-columns.ts";
import { QueryDeadlinePlugin } from "./plugins/time-budget.ts";
import type PrismaTypes from "./generated/pothos-types.ts";
import { getDatamodel } from "./generated/pothos-types.ts";

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  AuthScopes: Record<Scope, boolean>;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
    BigInt: { Input: bigint | number; Output: bigint | number };
  };
}>({
  // Scope auth first: it wraps every resolver, so a refused field never reaches the others.
  // Loaded columns before Prisma: a row that holds an exposed column answers it directly.
  plugins: [ScopeAuthPlugin, LoadedColumnsPlugin, PrismaPlugin, RelayPlugin, DataloaderPlugin, QueryDeadlinePlugin],
  scopeAuth: {
    authScopes: (ctx) => ({ read: ctx.user.scopes.includes("read"), write: ctx.user.scopes.includes("write"), admin: ctx.user.scopes.includes("admin") }),
    // Type-level scopes (the record types' read-or-written rule, src/schema/visibility.ts) run
    // once per object, when a field returns it: the refusal names that field, whatever the path.
    runScopesOnType: true,
    // Subscriptions are refused when they are made, not on each event they would deliver.
    authorizeOnSubscribe: true,
    unauthorizedError: (_parent, ctx, info, result) => {
      const missing = missingScopes(result.failure);
      const needs = `${info.parentType.name}.${info.fieldName} needs the ${missing.join(" or ") || "required"} scope`;
      const onAnswer = info.operation.operation === OperationTypeNode.MUTATION && missing.includes("read");
      const hint = onAnswer ? " (without it, a mutation's answer shows only the records it wrote)" : "";
      return forbidden(`${needs}${hint}; this token has: ${ctx.user.scopes.join(", ") || "none"}`);
    },
  },
  defaultFieldNullability: false,
  prisma: {
    client: (ctx) => ctx.db.reader,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === "production" ? null : "error",
    // The page cap is configured per instance (ctx.limits): every connection sets its own
    // maxSize from the request (src/schema/registry-fields.ts, pageSize).
    defaultConnectionSize: 50,
  },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    // A connection lists records beyond any one mutation's writes: always read.
    defaultConnectionTypeOptions: { authScopes: { read: true } },
  },
});

/** The scope names a scope-auth failure was missing, for a message a person can act on. */
function missingScopes(failure: { kind: string; scope?: string; failures?: unknown[] }): string[] {
  if (failure.scope) return [failure.scope];
  return [...new Set((failure.failures ?? []).flatMap((inner) => missingScopes(inner as typeof failure)))];
}

builder.addScalarType("DateTime", DateTimeResolver);
builder.addScalarType("JSON", JSONResolver);
// 64-bit integers: a JSON number while exact (|n| ≤ 2^53 − 1), a decimal string above that.
function parseBigInt(value: unknown): bigint {
  const text = typeof value === "bigint" || typeof value === "number" || typeof value === "string" ? String(value) : "";
  if (!/^-?\d+$/.test(text)) throw new GraphQLError(`BigInt cannot represent ${JSON.stringify(value)}: expected an integer`);
  const big = BigInt(text);
  if (big > 2n ** 63n - 1n || big < -(2n ** 63n)) throw new GraphQLError(`BigInt ${text} does not fit in 64 bits`);
  return big;
}

builder.addScalarType(
  "BigInt",
  new GraphQLScalarType({
    ...GraphQLBigInt.toConfig(),
    serialize(value) {
      const big = BigInt(value as bigint | number | string);
      return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(big) : big.toString();
    },
    // Inputs are always bigint (the library's parser returns a number for small values and
    // warns about JSON serialisation, which this scalar handles itself).
    parseValue(value) {
      // A JSON number beyond 2^53 − 1 was already rounded by the JSON parser: refuse it.
      if (typeof value === "number" && !Number.isSafeInteger(value) && Number.isInteger(value)) {
        throw new GraphQLError(`BigInt ${value} was sent as a JSON number beyond 2^53 − 1 and may have been rounded: send it as a decimal string`);
      }
      return parseBigInt(value);
    },
    parseLiteral(node) {
      if (node.kind !== Kind.INT && node.kind !== Kind.STRING) throw new GraphQLError("BigInt must be an integer or a string of digits", { nodes: node });
      return parseBigInt(node.value);
    },
  }),
);

// Every query field needs the read scope and every mutation the write scope (admin includes
// both); finer rules (admin-only fields, permanent deletes) add their own checks.
builder.queryType({ authScopes: { read: true } });
builder.mutationType({ authScopes: { write: true } });

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
  description: "Text match: equals is exact; contains and startsWith find the text literally (% and _ are no wildcards) and ignore case.",
  fields: (t) => ({
    equals: t.string({ required: false }),
    contains: t.string({ required: false }),
    startsWith: t.string({ required: false }),
  }),
});
