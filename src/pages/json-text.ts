// JSON from PostgreSQL written as JSON.stringify writes it, without building the values: the
// page planner's records arrive as PostgreSQL's JSON text (taken as its UTF-8 bytes), which puts
// spaces (and line breaks) around keys and elements and writes numbers its own way
// (docs/architecture.md, "Pages built in the database").
import { Buffer } from "node:buffer";

/**
 * `JSON.stringify(JSON.parse(text))`, as UTF-8 bytes, for well-formed JSON (its UTF-8 bytes)
 * whose objects have no repeated key: the whitespace between tokens dropped, each number written
 * as JSON.stringify writes its value (`0.0000001` → `1e-7`, `1.50` → `1.5`), strings and literals
 * kept as they are. PostgreSQL escapes a string's characters as JSON.stringify does (`\"`, `\\`,
 * `\b`, `\f`, `\n`, `\r`, `\t`, and `\u00xx` in lower case for the other control characters)
 * and its jsonb keeps each object's keys in one order, the order JSON.parse would keep. A byte of
 * a character beyond ASCII is never a quote, a backslash or a space, so the bytes are read as
 * they come.
 */
export function compactJson(input: Uint8Array): Uint8Array {
  const length = input.length;
  // Only a number may come out longer than it went in (by a few bytes): room for some, more on demand.
  let out = Buffer.allocUnsafe(length + 64);
  let at = 0;
  // One pass, byte by byte (a call per string or per run of bytes costs more than the loop).
  for (let i = 0; i < length; i++) {
    const c = input[i];
    if (c === QUOTE) {
      // the string, to its closing quote: a backslash escapes the byte after it
      out[at++] = c;
      for (i++; i < length; i++) {
        const s = input[i];
        out[at++] = s;
        if (s === BACKSLASH) out[at++] = input[++i];
        else if (s === QUOTE) break;
      }
    } else if (c === SPACE || c === NEWLINE || c === RETURN || c === TAB) {
      continue;
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      let end = i + 1;
      while (end < length && isNumberChar(input[end])) end++;
      const written = JSON.stringify(Number(Buffer.from(input.buffer, input.byteOffset + i, end - i).toString("latin1")));
      if (at + written.length > out.length) {
        const larger = Buffer.allocUnsafe(Math.max(out.length * 2, at + written.length));
        out.copy(larger, 0, 0, at);
        out = larger;
      }
      at += out.write(written, at, "latin1");
      i = end - 1;
    } else {
      out[at++] = c;
    }
  }
  return out.subarray(0, at);
}

const [QUOTE, BACKSLASH, SPACE, NEWLINE, RETURN, TAB, MINUS, PLUS, DOT, ZERO, NINE] = [34, 92, 32, 10, 13, 9, 45, 43, 46, 48, 57];

const isNumberChar = (c: number) => (c >= ZERO && c <= NINE) || c === DOT || c === MINUS || c === PLUS || c === 101 || c === 69;
