// Unit checks of what the page planner's SQLite statements rely on in the bundled SQLite
// (src/pages/sql.ts): a scalar subquery keeps the JSON mark of its value, so an enclosing
// json_object embeds a nested object or list instead of quoting it as a string; a page's records
// come in its ids' order, and a list's elements in its rows' order; a REAL is written as
// JSON.stringify writes it, and a stored datetime as toISOString() writes it. Then PostgreSQL's
// JSON text compacted as JSON.stringify writes it (src/pages/json-text.ts).
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { registerSqlFunctions } from "../../src/db/sqlite-functions.ts";
import { compactJsonTexts } from "../../src/pages/json-text.ts";
import { realAsJson, sqliteDatetime } from "../../src/pages/sql.ts";

describe("SQLite JSON built by the page planner", () => {
  const db = new BetterSqlite3(":memory:");
  afterAll(() => db.close());
  db.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);
    CREATE TABLE child (id INTEGER PRIMARY KEY, parentId INTEGER, name TEXT);
    INSERT INTO parent VALUES (1, 'a'), (2, 'b');
    INSERT INTO child VALUES (1, 1, 'x"y'), (2, 1, 'z')`);

  it("embeds a scalar subquery's object, list and keyed object as JSON, and a missing row as null", () => {
    const rows = db
      .prepare(
        `SELECT json_object(
          'one', (SELECT json_object('name', c.name) FROM child c WHERE c.id = p.id),
          'list', (SELECT json_group_array(json_object('name', c.name) ORDER BY c.id) FROM child c WHERE c.parentId = p.id),
          'keyed', (SELECT json_group_object(c.name, c.id ORDER BY c.name) FROM child c WHERE c.parentId = p.id)
        ) AS node FROM json_each(?) AS page JOIN parent p ON p.id = page.value`,
      )
      .all(JSON.stringify([2, 1])) as { node: string }[];
    expect(rows.map((row) => row.node)).toEqual([
      '{"one":{"name":"z"},"list":[],"keyed":{}}',
      '{"one":{"name":"x\\"y"},"list":[{"name":"x\\"y"},{"name":"z"}],"keyed":{"x\\"y":1,"z":2}}',
    ]);
  });

  it("gives a page's records in the order its ids' subquery reads them (ORDER BY … LIMIT), whatever the rows' order on disk", () => {
    db.exec(`CREATE TABLE item (id INTEGER PRIMARY KEY, rank INTEGER, name TEXT); CREATE INDEX item_rank ON item (rank)`);
    let seed = 11;
    const random = () => (seed = (seed * 16807) % 2147483647);
    const insert = db.prepare("INSERT INTO item VALUES (?, ?, ?)");
    for (let id = 1; id <= 500; id++) insert.run(id, random() % 1000, `n${id}`);
    for (const [order, limit] of [
      ["rank DESC, id DESC", 101],
      ["rank ASC, id ASC", 7],
      ["name DESC, id DESC", 250],
      ["id DESC", 3],
    ] as const) {
      const ids = `SELECT id FROM item WHERE rank > 10 ORDER BY ${order} LIMIT ${limit}`;
      const expected = (db.prepare(ids).all() as { id: number }[]).map((row) => row.id);
      const rows = db
        .prepare(
          `SELECT t.id AS id, json_object('name', t.name) AS node FROM json_each((SELECT json_group_array(id) FROM (${ids}))) AS page JOIN item t ON t.id = page.value`,
        )
        .all() as { id: number }[];
      expect(
        rows.map((row) => row.id),
        order,
      ).toEqual(expected);
    }
  });

  it("builds a list's elements in the order of its rows' subquery (ORDER BY, no LIMIT), sorted or read in an index's order, nested JSON kept", () => {
    db.exec(`CREATE TABLE member (id INTEGER PRIMARY KEY, groupId INTEGER, rank INTEGER, name TEXT); CREATE INDEX member_group ON member (groupId)`);
    let seed = 5;
    const random = () => (seed = (seed * 16807) % 2147483647);
    const insert = db.prepare("INSERT INTO member VALUES (?, ?, ?, ?)");
    // ids inserted out of order, so that neither the table's nor the index's order is the rank's
    for (let i = 0; i < 400; i++) insert.run(1 + (random() % 100_000), 1 + (i % 4), random() % 1000, `m${i}`);
    const members = db.prepare("SELECT id, groupId, rank, name FROM member ORDER BY id").all() as { id: number; groupId: number; rank: number; name: string }[];
    for (const order of ["m.id", "m.rank DESC, m.id", "m.name"]) {
      const rows = db
        .prepare(
          `SELECT (SELECT json_group_array(json_object('name', m.name, 'parent', (SELECT json_object('id', p.id) FROM parent p WHERE p.id = m.groupId)))
             FROM (SELECT m.name, m.groupId FROM member m WHERE m.groupId = g.value ORDER BY ${order}) m) AS list
           FROM json_each('[1, 2, 3, 4]') AS g`,
        )
        .all() as { list: string }[];
      const sorted = (group: number) => {
        const list = members.filter((m) => m.groupId === group);
        if (order === "m.rank DESC, m.id") list.sort((a, b) => b.rank - a.rank || a.id - b.id);
        if (order === "m.name") list.sort((a, b) => (a.name < b.name ? -1 : 1));
        return list.map((m) => ({ name: m.name, parent: m.groupId <= 2 ? { id: m.groupId } : null }));
      };
      expect(
        rows.map((row) => JSON.parse(row.list) as unknown),
        order,
      ).toEqual([1, 2, 3, 4].map(sorted));
    }
  });

  it("writes every REAL as JSON.stringify does, in SQL where 15 digits give it back and through JavaScript otherwise", () => {
    registerSqlFunctions(db);
    const write = db.prepare<[number], { text: string }>(`WITH given(value) AS (SELECT CAST(? AS REAL)) SELECT ${realAsJson("value")} AS text FROM given`);
    const values = [0.1, 0.5, 1 / 3, 0.30000000000000004, 1e-7, 2.5e-5, 0.0001, 100, -0, 1e15, 1e21, 123.456, -9.75, 5e-324, Number.MAX_VALUE, 2 ** 53 + 2];
    // random doubles of every magnitude, and decimals of up to 15 digits
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let i = 0; i < 5000; i++) values.push((random() - 0.5) * 10 ** Math.floor(random() * 40 - 20));
    for (let i = 0; i < 5000; i++) values.push(Number((random() * 1000).toFixed(1 + Math.floor(random() * 12))));
    for (const value of values) expect(write.get(value)?.text, String(value)).toBe(JSON.stringify(value));
  });

  it("writes a stored datetime as toISOString() does, in each form its writers store, and NULL as NULL", () => {
    const write = db.prepare<[string | null], { text: string | null }>(`WITH given(value) AS (SELECT ?) SELECT ${sqliteDatetime("value")} AS text FROM given`);
    let seed = 3;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let i = 0; i < 500; i++) {
      const date = new Date(Math.floor(random() * 4_000_000_000_000));
      const iso = date.toISOString();
      // Prisma's adapter and the service's statements; a bulk load; SQLite's CURRENT_TIMESTAMP (seconds)
      expect(write.get(iso.replace("Z", "+00:00"))?.text).toBe(iso);
      expect(write.get(iso)?.text).toBe(iso);
      expect(write.get(iso.slice(0, 19).replace("T", " "))?.text).toBe(`${iso.slice(0, 19)}.000Z`);
    }
    expect(write.get("2025-01-02T03:04:05.6+00:00")?.text).toBe("2025-01-02T03:04:05.600Z");
    expect(write.get(null)?.text).toBeNull();
  });
});

describe("PostgreSQL's JSON text written as JSON.stringify writes it", () => {
  // as the page planner meets it: one of a page's texts, written into one buffer with the others
  const compacted = (text: string) => {
    const [before, bytes, after] = compactJsonTexts(["[1, 2]", text, `{"z" : "é"}`]);
    expect(Buffer.from(before).toString("utf8")).toBe("[1,2]");
    expect(Buffer.from(after).toString("utf8")).toBe(`{"z":"é"}`);
    return Buffer.from(bytes).toString("utf8");
  };
  it("drops the whitespace between tokens and writes numbers as JSON.stringify, leaving strings and literals alone", () => {
    const texts = [
      `{"uid" : "a b", "n" : 1.50, "tiny" : 0.0000001, "huge" : 1000000000000000000000, "neg" : -0, "e" : 2.5E+3, "t" : true, "f" : false, "z" : null}`,
      String.raw`[{"k" : "quote \" and \\", "s" : " : , [ ] { } 1.0 "}, ` + "\n" + String.raw` {"k" : "\\", "x" : [1, 2,  3]}]`,
      String.raw`{"esc" : "tab\tnew\nline\u0001é🧬", "end\\" : "\\\""}`,
      `{ "alpha" : 0.3333333333333333, "config" : {"a": [1, 2], "b": {"c": []}} }`,
      `[]`,
      `"plain"`,
      `12345678901234567890`,
    ];
    for (const text of texts) expect(compacted(text), text).toBe(JSON.stringify(JSON.parse(text)));
  });

  it("encodes characters beyond ASCII as Buffer.from does, and makes room when the bytes outgrow the text", () => {
    const texts = [
      `{"k" : "é ü ß", "cjk" : "漢字", "dna" : "🧬🧬", "mixed" : "a🧬b€c"}`,
      // each character three or four bytes: the buffer sized by the texts' length must grow
      JSON.stringify({ long: "漢".repeat(5000), emoji: "🧬".repeat(3000) }, null, 1),
      // numbers longer than PostgreSQL wrote them
      `[${Array.from({ length: 500 }, () => "0.0000001").join(", ")}]`,
    ];
    const views = compactJsonTexts(texts);
    views.forEach((view, i) => expect(Buffer.from(view).toString("utf8")).toBe(JSON.stringify(JSON.parse(texts[i]))));
    // a lone surrogate (not in PostgreSQL's text, which is UTF-8) is written as Buffer.from writes it
    const lone = `"a${String.fromCharCode(0xd800)}b"`;
    expect(Buffer.from(compactJsonTexts([lone])[0])).toEqual(Buffer.from(lone));
  });

  it("writes random documents, spaced as PostgreSQL spaces them, as JSON.stringify does", () => {
    let seed = 11;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const characters = ['"', "\\", " ", ":", ",", "{", "}", "[", "]", "a", "é", "\n", "1", "e"];
    const value = (depth: number): unknown => {
      const kind = Math.floor(random() * (depth > 3 ? 4 : 6));
      if (kind === 0) return (random() - 0.5) * 10 ** Math.floor(random() * 50 - 25);
      if (kind === 1) return Array.from({ length: Math.floor(random() * 8) }, () => characters[Math.floor(random() * characters.length)]).join("");
      if (kind === 2) return random() < 0.5;
      if (kind === 3) return null;
      if (kind === 4) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 4) }, (_, i) => [`k${i}${characters[Math.floor(random() * characters.length)]}`, value(depth + 1)]),
      );
    };
    for (let i = 0; i < 2000; i++) {
      const compact = JSON.stringify(value(0));
      // PostgreSQL's spacing: " : " and ", " in built objects, ", \n " between aggregated elements
      const spaced = JSON.stringify(JSON.parse(compact), null, 1).replace(/\n\s*/g, (space) => (random() < 0.5 ? " " : space));
      expect(compacted(spaced), spaced).toBe(compact);
    }
  });
});
