// JSON text from PostgreSQL written as JSON.stringify writes it, without building the values:
// the page planner's records arrive as PostgreSQL's JSON text, which puts spaces (and line
// breaks) around keys and elements and writes numbers its own way (docs/architecture.md, "Pages
// built in the database").

/**
 * `JSON.stringify(JSON.parse(text))` for well-formed JSON text whose objects have no repeated
 * key: the whitespace between tokens dropped, each number written as JSON.stringify writes its
 * value (`0.0000001` → `1e-7`, `1.50` → `1.5`), strings and literals kept as they are.
 * PostgreSQL escapes a string's characters as JSON.stringify does (`\"`, `\\`, `\b`, `\f`,
 * `\n`, `\r`, `\t`, and `\u00xx` in lower case for the other control characters) and its jsonb
 * keeps each object's keys in one order, the order JSON.parse would keep.
 */
export function compactJson(text: string): string {
  const parts: string[] = [];
  let last = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i);
    } else if (c === SPACE || c === NEWLINE || c === RETURN || c === TAB) {
      if (i > last) parts.push(text.slice(last, i));
      last = i + 1;
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      let end = i + 1;
      while (end < length && isNumberChar(text.charCodeAt(end))) end++;
      const token = text.slice(i, end);
      const written = JSON.stringify(Number(token));
      if (written !== token) {
        parts.push(text.slice(last, i), written);
        last = end;
      }
      i = end - 1;
    }
  }
  if (last === 0) return text;
  parts.push(text.slice(last));
  return parts.join("");
}

const [QUOTE, BACKSLASH, SPACE, NEWLINE, RETURN, TAB, MINUS, PLUS, DOT, ZERO, NINE] = [34, 92, 32, 10, 13, 9, 45, 43, 46, 48, 57];

const isNumberChar = (c: number) => (c >= ZERO && c <= NINE) || c === DOT || c === MINUS || c === PLUS || c === 101 || c === 69;

/** The index of the quote that closes the string opening at `start`: the next one not escaped by an odd run of backslashes. */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  for (;;) {
    if (end < 0) throw new Error("unterminated string in JSON text");
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
}
