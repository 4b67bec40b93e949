// Universal ids: base62 strings drawn from a CSPRNG; versioned registries append a
// 4-character base62 suffix to a family stem (0000, 0001, …, as lamindb does).
import { randomBytes } from "node:crypto";

export const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function base62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 × 62: rejecting bytes above it keeps every character equally likely.
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
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
