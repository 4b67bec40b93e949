// Unit checks of what the page planner's SQLite statements rely on in the bundled SQLite
// (src/pages/sql.ts): a scalar subquery keeps the JSON mark of its value, so an enclosing
// json_object embeds a nested object or list instead of quoting it as a string; and a REAL is
// written as JSON.stringify writes it.
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { registerSqlFunctions } from "../../src/db/sqlite-functions.ts";
import { realAsJson } from "../../src/pages/sql.ts";

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
});
