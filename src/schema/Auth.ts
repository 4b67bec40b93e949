// Who is calling (`me`) and, for admins, users and API tokens: the same operations as the
// CLI, for operators who manage the registry over GraphQL.
import { builder } from "../builder.ts";
import { createToken, createUser, revokeToken, tokenStatus } from "../auth/accounts.ts";
import { SCOPES } from "../auth/tokens.ts";
import type { Scope } from "../context.ts";
import { UserRef } from "./refs.ts";

const ScopeEnum = builder.enumType("Scope", {
  description: "read: queries; write: mutations; admin: users, tokens, permanent deletes, restoring others' records (includes read and write).",
  values: SCOPES.map((scope) => scope.toUpperCase()) as ["READ", "WRITE", "ADMIN"],
});
const TokenStatus = builder.enumType("TokenStatus", { values: ["ACTIVE", "REVOKED", "EXPIRED"] as const });

const toScopeValues = (scopes: readonly Scope[]) => scopes.map((scope) => scope.toUpperCase() as "READ" | "WRITE" | "ADMIN");

const ApiTokenRef = builder.prismaObject("ApiToken", {
  description: "An API token; its secret is shown once, when it is created, and only its hash is stored.",
  fields: (t) => ({
    uid: t.exposeString("uid"),
    name: t.exposeString("name"),
    scopes: t.field({
      type: [ScopeEnum],
      select: { scopes: true },
      resolve: (token) => toScopeValues(token.scopes.split(",").filter(Boolean) as Scope[]),
    }),
    status: t.field({
      type: TokenStatus,
      select: { revokedAt: true, expiresAt: true },
      resolve: (token) => tokenStatus(token).toUpperCase() as "ACTIVE" | "REVOKED" | "EXPIRED",
    }),
    user: t.relation("user"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    expiresAt: t.expose("expiresAt", { type: "DateTime", nullable: true }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true }),
    lastUsedAt: t.expose("lastUsedAt", { type: "DateTime", nullable: true }),
  }),
});

const Me = builder.objectRef<{ uid: string; handle: string; scopes: ("READ" | "WRITE" | "ADMIN")[] }>("Me").implement({
  description: "The caller: the token's user and the scopes this request acts with.",
  fields: (t) => ({
    uid: t.exposeString("uid"),
    handle: t.exposeString("handle"),
    scopes: t.expose("scopes", { type: [ScopeEnum] }),
  }),
});

builder.queryFields((t) => ({
  me: t.field({
    type: Me,
    // Any valid token may ask who it is, whatever its scopes.
    skipTypeScopes: true,
    resolve: (_root, _args, ctx) => ({ uid: ctx.user.uid, handle: ctx.user.handle, scopes: toScopeValues(ctx.user.scopes) }),
  }),
  apiTokens: t.prismaField({
    type: [ApiTokenRef],
    description: "admin: every API token (never its secret), optionally of one user",
    authScopes: { admin: true },
    args: { user: t.arg.string({ required: false, description: "handle" }) },
    resolve: async (query, _root, args, ctx) =>
      ctx.db.prisma.apiToken.findMany({ ...query, where: args.user ? { user: { handle: args.user } } : {}, orderBy: { id: "asc" } }),
  }),
}));

const CreateUserInput = builder.inputType("CreateUserInput", {
  fields: (t) => ({ handle: t.string({ required: true }), name: t.string({ required: false }) }),
});

const CreateApiTokenInput = builder.inputType("CreateApiTokenInput", {
  fields: (t) => ({
    user: t.string({ required: true, description: "handle of the token's user" }),
    scopes: t.field({ type: [ScopeEnum], required: true }),
    name: t.string({ required: false }),
    expiresIn: t.string({ required: false, description: 'lifetime such as "30d", "12h", "90m"; none when absent' }),
  }),
});

const CreatedApiToken = builder.objectRef<{ secret: string; uid: string }>("CreatedApiToken").implement({
  fields: (t) => ({
    secret: t.exposeString("secret", { description: "the bearer token; shown only now, store it safely" }),
    apiToken: t.prismaField({
      type: ApiTokenRef,
      resolve: (query, parent, _args, ctx) => ctx.db.prisma.apiToken.findUniqueOrThrow({ ...query, where: { uid: parent.uid } }),
    }),
  }),
});

builder.mutationFields((t) => ({
  createUser: t.prismaField({
    type: UserRef,
    description: "admin: creates a user that tokens can be issued to",
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateUserInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const user = await createUser(ctx.db, input);
      return ctx.db.prisma.user.findUniqueOrThrow({ ...query, where: { id: user.id } });
    },
  }),
  createApiToken: t.field({
    type: CreatedApiToken,
    description: "admin: issues a token; its secret is in this answer and nowhere else",
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateApiTokenInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { secret, token } = await createToken(ctx.db, {
        userHandle: input.user,
        scopes: input.scopes.map((scope) => scope.toLowerCase()),
        name: input.name,
        expiresIn: input.expiresIn,
      });
      return { secret, uid: token.uid };
    },
  }),
  revokeApiToken: t.prismaField({
    type: ApiTokenRef,
    description: "admin: revokes a token at once; requests carrying it get UNAUTHENTICATED",
    authScopes: { admin: true },
    args: { uid: t.arg.string({ required: true }) },
    resolve: async (query, _root, args, ctx) => {
      const token = await revokeToken(ctx.db, args.uid);
      return ctx.db.prisma.apiToken.findUniqueOrThrow({ ...query, where: { id: token.id } });
    },
  }),
}));
