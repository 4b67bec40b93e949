// Users and their API tokens: creation, revocation, listing, and turning a presented bearer
// token into the acting user — shared by the CLI, the admin GraphQL operations and requests.
import { LRUCache } from "lru-cache";
import type { Actor, Scope } from "../context.ts";
import type { Database } from "../db/database.ts";
import { conflict, invalid, notFound, unauthenticated } from "../domain/errors.ts";
import { base62, UID_LENGTH } from "../domain/uid.ts";
import { effectiveScopes, generateTokenSecret, hashTokenSecret, parseDuration, parseScopes } from "./tokens.ts";

const HANDLE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export async function createUser(db: Database, input: { handle: string; name?: string | null }) {
  const handle = input.handle.trim();
  if (!HANDLE.test(handle)) throw invalid("handle", "1–64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit");
  return db.write(async (tx) => {
    const existing = await tx.user.findUnique({ where: { handle } });
    if (existing) throw conflict(`user ${JSON.stringify(handle)} already exists`, { field: "handle" });
    return tx.user.create({ data: { handle, name: input.name ?? null, uid: base62(UID_LENGTH.user) } });
  });
}

export interface CreateTokenInput {
  userHandle: string;
  scopes: string | readonly string[];
  name?: string | null;
  /** "30d", "12h", …; no expiry when absent. */
  expiresIn?: string | null;
}

/** Creates a token and returns its secret: the only time the secret exists outside the caller. */
export async function createToken(db: Database, input: CreateTokenInput) {
  const scopes = parseScopes(typeof input.scopes === "string" ? input.scopes : input.scopes.join(","));
  const expiresAt = input.expiresIn ? new Date(Date.now() + parseDuration(input.expiresIn)) : null;
  const name = input.name?.trim() || `${input.userHandle} ${scopes.join("+")}`;
  if (name.length > 200) throw invalid("name", "at most 200 characters");
  const secret = generateTokenSecret();
  const token = await db.write(async (tx) => {
    const user = await tx.user.findUnique({ where: { handle: input.userHandle } });
    if (!user) throw notFound("user", input.userHandle, "user");
    return tx.apiToken.create({
      data: { uid: base62(UID_LENGTH.token), name, secretHash: hashTokenSecret(secret), scopes: scopes.join(","), userId: user.id, expiresAt },
      include: { user: true },
    });
  });
  return { secret, token };
}

/** Revokes a token; revoking it again is harmless and keeps the first revocation time. */
export async function revokeToken(db: Database, uid: string) {
  const revoked = await db.write(async (tx) => {
    const token = await tx.apiToken.findUnique({ where: { uid } });
    if (!token) throw notFound("token", uid, "uid");
    if (token.revokedAt) return tx.apiToken.findUniqueOrThrow({ where: { id: token.id }, include: { user: true } });
    return tx.apiToken.update({ where: { id: token.id }, data: { revokedAt: new Date() }, include: { user: true } });
  });
  // Committed: every authenticator of this process forgets the tokens it trusted.
  revisions.set(db.prisma, tokenRevision(db) + 1);
  return revoked;
}

export async function listTokens(db: Database, options: { userHandle?: string } = {}) {
  return db.prisma.apiToken.findMany({
    where: options.userHandle ? { user: { handle: options.userHandle } } : {},
    include: { user: true },
    orderBy: { id: "asc" },
  });
}

export function tokenStatus(token: { revokedAt: Date | null; expiresAt: Date | null }, now = new Date()): "active" | "revoked" | "expired" {
  if (token.revokedAt) return "revoked";
  if (token.expiresAt && token.expiresAt <= now) return "expired";
  return "active";
}

/** How often a token's lastUsedAt is written: a write per request would be the hot path's cost. */
const LAST_USED_RESOLUTION_MS = 60_000;
/**
 * How long a token found valid is trusted without reading it again. A revocation in this
 * process ends that at once (revisions); one made by another process (the CLI) takes effect
 * here within this time.
 */
export const TRUSTED_FOR_MS = 5_000;

/**
 * Per database, a number that every revocation changes: a trusted token of an older revision is
 * read again. Keyed by the writer client, which every view of the database shares (a mutation
 * holds the primary's view, the authentication the service's).
 */
const revisions = new WeakMap<Database["prisma"], number>();
const tokenRevision = (db: Database) => revisions.get(db.prisma) ?? 0;

interface Trusted {
  actor: Actor;
  tokenId: number;
  expiresAt: Date | null;
  revision: number;
  /** Date.now() until which it is trusted. */
  until: number;
}

/**
 * Resolves `Authorization: Bearer <token>` to the acting user and the token's scopes, or
 * throws UNAUTHENTICATED (missing, malformed, unknown, revoked or expired token).
 */
export function createAuthenticator(db: Database) {
  const lastUsedWritten = new Map<number, number>();
  const trusted = new LRUCache<string, Trusted>({ max: 1_000 });
  return async function authenticate(authorization: string | null): Promise<Actor> {
    if (!authorization) throw unauthenticated("authentication required: send Authorization: Bearer <token>");
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw unauthenticated("the Authorization header must be: Bearer <token>");
    const secretHash = hashTokenSecret(match[1]);
    let found = trusted.get(secretHash);
    if (!found || found.revision !== tokenRevision(db) || found.until <= Date.now()) {
      found = await readToken(db, secretHash);
      trusted.set(secretHash, found);
    }
    const status = tokenStatus({ revokedAt: null, expiresAt: found.expiresAt });
    if (status !== "active") throw unauthenticated(`token ${status}`);
    const now = Date.now();
    if (now - (lastUsedWritten.get(found.tokenId) ?? 0) >= LAST_USED_RESOLUTION_MS) {
      lastUsedWritten.set(found.tokenId, now);
      const id = found.tokenId;
      // Bookkeeping only: it must neither delay nor fail the request it belongs to.
      db.write((tx) => tx.apiToken.update({ where: { id }, data: { lastUsedAt: new Date(now) } })).catch(() => undefined);
    }
    return found.actor;
  };
}

/** A token that is neither unknown nor revoked, as of the revision current before it was read. */
async function readToken(db: Database, secretHash: string): Promise<Trusted> {
  const revision = tokenRevision(db);
  const token = await db.prisma.apiToken.findUnique({
    where: { secretHash },
    select: { id: true, scopes: true, expiresAt: true, revokedAt: true, user: { select: { id: true, uid: true, handle: true } } },
  });
  if (!token) throw unauthenticated("invalid token");
  if (token.revokedAt) throw unauthenticated("token revoked");
  const granted = token.scopes.split(",").filter(Boolean) as Scope[];
  const actor = { id: token.user.id, uid: token.user.uid, handle: token.user.handle, scopes: effectiveScopes(granted) };
  return { actor, tokenId: token.id, expiresAt: token.expiresAt, revision, until: Date.now() + TRUSTED_FOR_MS };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
