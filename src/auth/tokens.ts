// API token secrets and the values stored about them: generation from a CSPRNG, the hash
// kept in place of the secret, scopes and lifetimes as operators write them.
import { createHash } from "node:crypto";
import type { Scope } from "../context.ts";
import { invalid } from "../domain/errors.ts";
import { secretBase62 } from "../domain/uid.ts";

/** Prefix that makes a leaked token recognisable to secret scanners and people alike. */
export const TOKEN_PREFIX = "lr_";
/** 43 base62 characters ≈ 256 bits of entropy: a plain sha256 of it cannot be brute-forced. */
const SECRET_LENGTH = 43;

export const SCOPES: readonly Scope[] = ["read", "write", "admin"];

export function generateTokenSecret(): string {
  return `${TOKEN_PREFIX}${secretBase62(SECRET_LENGTH)}`;
}

/**
 * What the database stores instead of the secret (hex sha256). Tokens are found by this hash
 * through a unique index, so no comparison of secrets ever happens in application code.
 */
export function hashTokenSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Reads "read,write" (as typed by an operator or stored in ApiToken.scopes). */
export function parseScopes(raw: string, field = "scopes"): Scope[] {
  const parts = raw
    .split(/[\s,]+/)
    .map((part) => part.trim().toLowerCase())
    .filter(Boolean);
  if (parts.length === 0) throw invalid(field, `give at least one of ${SCOPES.join(", ")}`);
  const unknown = parts.filter((part) => !SCOPES.includes(part as Scope));
  if (unknown.length) throw invalid(field, `unknown scope ${unknown.map((s) => JSON.stringify(s)).join(", ")}; scopes are ${SCOPES.join(", ")}`);
  return SCOPES.filter((scope) => parts.includes(scope));
}

/**
 * The scopes a request acts with: admin manages users and tokens and may delete and restore
 * anything, so it includes reading and writing; write does not include read.
 */
export function effectiveScopes(granted: readonly Scope[]): Scope[] {
  return granted.includes("admin") ? [...SCOPES] : SCOPES.filter((scope) => granted.includes(scope));
}

const DURATION_UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "90m", "12h", "30d", "2w" → milliseconds. */
export function parseDuration(raw: string, field = "expiresIn"): number {
  const match = /^\s*(\d+)\s*([smhdw])\s*$/i.exec(raw);
  if (!match) throw invalid(field, `expected a number and a unit (s, m, h, d, w), e.g. "30d"; got ${JSON.stringify(raw)}`);
  const ms = Number(match[1]) * DURATION_UNITS[match[2].toLowerCase()];
  if (ms <= 0 || !Number.isSafeInteger(ms)) throw invalid(field, "must be a positive duration");
  return ms;
}
