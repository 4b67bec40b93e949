// JSON from PostgreSQL written as JSON.stringify writes it, without building the values: the
// page planner's records arrive as PostgreSQL's JSON text, which puts spaces (and line breaks)
// around keys and elements and writes numbers its own way (docs/architecture.md, "Pages built
// in the database").
import { Buffer } from "node:buffer";

/**
 * `JSON.stringify(JSON.parse(text))` of each text, as UTF-8 bytes, for well-formed JSON whose
 * objects have no repeated key: the whitespace between tokens dropped, each number written as
 * JSON.stringify writes its value (`0.0000001` → `1e-7`, `1.50` → `1.5`), strings and literals
 * kept as they are. PostgreSQL escapes a string's characters as JSON.stringify does (`\"`, `\\`,
 * `\b`, `\f`, `\n`, `\r`, `\t`, and `\u00xx` in lower case for the other control characters)
 * and its jsonb keeps each object's keys in one order, the order JSON.parse would keep.
 *
 * The texts are written into one buffer, each text's bytes a view of it, and encoded as they are
 * compacted: a page's records cost one allocation, not two per record (an encoded copy and its
 * compacted copy).
 */
export function compactJsonTexts(texts: readonly string[]): Uint8Array[] {
  let size = 64;
  for (const text of texts) size += text.length;
  let out: Buffer = Buffer.allocUnsafe(size);
  let at = 0;
  const views: Uint8Array[] = [];
  for (const text of texts) {
    const length = text.length;
    if (at + length > out.length) out = grow(out, at, length);
    const start = at;
    // One pass, character by character (a call per string or per run costs more than the loop).
    // An ASCII character is one byte; only a character beyond it or a number may write more
    // bytes than it reads, and there room is made for the rest of the text.
    for (let i = 0; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        // the string, to its closing quote: a backslash escapes the character after it
        out[at++] = c;
        for (i++; i < length; i++) {
          const s = text.charCodeAt(i);
          if (s >= 0x80) {
            if (at + (length - i) + 4 > out.length) out = grow(out, at, length - i + 4);
            const point = codePoint(text, i, s);
            at = writeUtf8(out, at, point);
            if (point > 0xffff) i++;
          } else {
            out[at++] = s;
            if (s === BACKSLASH) out[at++] = text.charCodeAt(++i);
            else if (s === QUOTE) break;
          }
        }
      } else if (c === SPACE || c === NEWLINE || c === RETURN || c === TAB) {
        continue;
      } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
        let end = i + 1;
        while (end < length && isNumberChar(text.charCodeAt(end))) end++;
        const written = JSON.stringify(Number(text.slice(i, end)));
        if (at + written.length + (length - end) > out.length) out = grow(out, at, written.length + (length - end));
        at += out.write(written, at, "latin1");
        i = end - 1;
      } else {
        // structure and literals: ASCII in well-formed JSON
        out[at++] = c;
      }
    }
    views.push(out.subarray(start, at));
  }
  return views;
}

/**
 * A larger buffer with the first `at` bytes of out and room for `need` more. The views already
 * taken keep the old buffer, whose bytes are theirs.
 */
function grow(out: Buffer, at: number, need: number): Buffer {
  const larger = Buffer.allocUnsafe(Math.max(out.length * 2, at + need + 64));
  out.copy(larger, 0, 0, at);
  return larger;
}

/** The code point at i (c, beyond ASCII): a surrogate pair's, or the one unit's. */
function codePoint(text: string, i: number, c: number): number {
  if (c < 0xd800 || c >= 0xdc00) return c;
  const low = text.charCodeAt(i + 1);
  return low >= 0xdc00 && low < 0xe000 ? 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00) : c;
}

/** Writes a code point as UTF-8 (a lone surrogate as U+FFFD, as Buffer.from writes it); gives the next index. */
function writeUtf8(out: Buffer, at: number, point: number): number {
  if (point < 0x800) {
    out[at++] = 0xc0 | (point >> 6);
    out[at++] = 0x80 | (point & 0x3f);
  } else if (point > 0xffff) {
    out[at++] = 0xf0 | (point >> 18);
    out[at++] = 0x80 | ((point >> 12) & 0x3f);
    out[at++] = 0x80 | ((point >> 6) & 0x3f);
    out[at++] = 0x80 | (point & 0x3f);
  } else {
    const unit = point >= 0xd800 && point < 0xe000 ? 0xfffd : point;
    out[at++] = 0xe0 | (unit >> 12);
    out[at++] = 0x80 | ((unit >> 6) & 0x3f);
    out[at++] = 0x80 | (unit & 0x3f);
  }
  return at;
}

const [QUOTE, BACKSLASH, SPACE, NEWLINE, RETURN, TAB, MINUS, PLUS, DOT, ZERO, NINE] = [34, 92, 32, 10, 13, 9, 45, 43, 46, 48, 57];

const isNumberChar = (c: number) => (c >= ZERO && c <= NINE) || c === DOT || c === MINUS || c === PLUS || c === 101 || c === 69;
