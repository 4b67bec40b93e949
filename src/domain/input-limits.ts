// The rules every string a client sends must follow, whatever field it is in: storable on
// both databases (no NUL, no lone UTF-16 surrogate) and no longer than its field's limit.
import { invalid } from "./errors.ts";

/** Limit of a string input whose field is not listed below (keys, references, uids, filters, roots…). */
export const DEFAULT_MAX_LENGTH = 1_024;
/** Limit of each string inside a JSON input (param values, dict keys, JSON filters). */
export const MAX_JSON_STRING_LENGTH = 10_000;

/**
 * Limits by input field name, the same in every input type (characters, counted as UTF-16
 * code units). The request body is capped separately (LIMIT_MAX_BODY_BYTES).
 */
export const MAX_LENGTH_BY_FIELD: Readonly<Record<string, number>> = {
  name: 255,
  version: 255,
  type: 255,
  otype: 255,
  suffix: 255,
  referenceType: 255,
  handle: 64,
  hashType: 64,
  dtype: 64,
  expiresIn: 64,
  hash: 128,
  description: 10_000,
  sourceCode: 500_000,
};

export function maxLengthOf(fieldName: string | null): number {
  return (fieldName && MAX_LENGTH_BY_FIELD[fieldName]) || DEFAULT_MAX_LENGTH;
}

// A UTF-16 surrogate without its partner: JSON lets a client send one, but it is not text
// (PostgreSQL refuses it, SQLite would store mojibake).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Throws VALIDATION_FAILED naming field when value cannot be stored or is too long. */
export function checkString(value: string, field: string, maxLength: number, what = "value"): void {
  if (value.includes("\u0000")) throw invalid(field, `the ${what} contains a NUL character (U+0000), which cannot be stored`);
  if (LONE_SURROGATE.test(value)) throw invalid(field, `the ${what} contains a lone UTF-16 surrogate: it is not valid Unicode text`);
  if (value.length > maxLength) {
    throw invalid(field, `the ${what} is ${value.length.toLocaleString("en-US")} characters long; the limit is ${maxLength.toLocaleString("en-US")}`, {
      maxLength,
    });
  }
}
