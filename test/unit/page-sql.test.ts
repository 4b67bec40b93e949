// Unit checks of what the page planner's SQLite statements rely on in the bundled SQLite
// (src/pages/sql.ts): a scalar subquery keeps the JSON mark of its value, so an enclosing
// json_object embeds a nested object or list instead of quoting it as a string.
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";

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
});
