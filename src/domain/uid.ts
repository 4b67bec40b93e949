// Universal ids: base62 strings drawn from a CSPRNG; versioned registries append a
// 4-character base62 suffix to a family stem (0000, 0001, …, as lamindb does).
import { randomBytes, randomFillSync } from "node:crypto";

export const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// A uid is public: its random bytes are drawn 4 KiB at a time and each is used once. A call to
// the CSPRNG per uid cost about 7 µs, which a recordRuns call of 100 runs paid some 400 times
// (bench/README.md, "Writes"). Node's own randomUUID keeps such a cache too. A secret draws its
// own bytes (secretBase62), so that no secret waits in memory before it is made.
const pool = Buffer.alloc(4096);
let next = pool.length;

function pooledByte(): number {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++];
}

function base62From(length: number, randomByte: () => number): string {
  let out = "";
  while (out.length < length) {
    const byte = randomByte();
    // 248 = 4 × 62: rejecting bytes above it keeps every character equally likely.
    if (byte < 248) out += BASE62[byte % 62];
  }
  return out;
}

/** A uid's random part. */
export function base62(length: number): string {
  return base62From(length, pooledByte);
}

/** Random base62 characters for a secret (a token), from bytes drawn for it alone. */
export function secretBase62(length: number): string {
  const bytes = randomBytes(length * 2);
  let i = 0;
  return base62From(length, () => (i < bytes.length ? bytes[i++] : randomBytes(1)[0]));
}

export const UID_LENGTH = { user: 8, storage: 12, transform: 16, run: 20, artifact: 20, collection: 20, token: 12 } as const;
export const STEM_LENGTH = { transform: 12, artifact: 16, collection: 16 } as const;
export type VersionedRegistry = keyof typeof STEM_LENGTH;

export const FIRST_SUFFIX = "0000";

export function incrementBase62(value: string): string {
  const digits = value.split("").map((char) => BASE62.indexOf(char));
  if (digits.some((digit) => digit < 0)) throw new Error(`not a base62 string: ${value}`);
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i] < 61) {
      digits[i]++;
      return digits.map((digit) => BASE62[digit]).join("");
    }
    digits[i] = 0;
  }
  throw new Error(`version suffix ${value} has no successor`);
}

/** Compares base62 strings by value (byte order, independent of any database collation). */
export function compareBase62(a: string, b: string): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = BASE62.indexOf(a[i]) - BASE62.indexOf(b[i]);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
