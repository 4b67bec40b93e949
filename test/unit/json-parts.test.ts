// The pieces a planned answer is written from: text and UTF-8 bytes, read back as one text or one buffer.
import { describe, expect, it } from "vitest";
import { JsonParts } from "../../src/pages/json-parts.ts";

describe("JsonParts", () => {
  it("gives the same JSON as text and as bytes, whatever the pieces, characters of several bytes included", () => {
    const record = JSON.stringify({ name: "étape ✓ 😀", n: 1 });
    const parts = new JsonParts().add('{"edges":[').add(new TextEncoder().encode(record)).add(",").add(record).add("]}");
    const expected = `{"edges":[${record},${record}]}`;
    expect(parts.hasBytes).toBe(true);
    expect(parts.text()).toBe(expected);
    expect(parts.toBuffer().toString("utf8")).toBe(expected);
    expect(new JsonParts().addAll(parts).text()).toBe(expected);
    const plain = new JsonParts().add("[").add("1").add("]");
    expect([plain.hasBytes, plain.text()]).toEqual([false, "[1]"]);
  });
});
