// Database settings that need no server: which URLs select PostgreSQL, the session options
// every PostgreSQL connection gets (JIT off, the URL's own options kept), and the LIKE that
// SQLite connections get so that text filters match as PostgreSQL's ILIKE (an in-memory
// SQLite database, opened and closed here).
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { isPostgresUrl } from "../../src/db/database.ts";
import { postgresSession } from "../../src/db/postgres.ts";
import { registerSqlFunctions } from "../../src/db/sqlite-functions.ts";

describe("PostgreSQL URLs and sessions", () => {
  it("selects PostgreSQL for postgres:// and postgresql:// URLs only", () => {
    expect(isPostgresUrl("postgresql://u:p@db:5432/x")).toBe(true);
    expect(isPostgresUrl("postgres://db/x")).toBe(true);
    for (const url of [undefined, "", "file:./data/lineage.db", "mysql://db/x", " postgresql://db/x"]) expect(isPostgresUrl(url), String(url)).toBe(false);
  });

  it("turns JIT off on every connection and keeps options given in the URL", () => {
    const saved = process.env.PGOPTIONS;
    delete process.env.PGOPTIONS;
    try {
      expect(postgresSession("postgresql://db/x")).toEqual({ connectionString: "postgresql://db/x", options: "-c jit=off" });
      const withOptions = postgresSession("postgresql://db/x?options=-c%20statement_timeout%3D5000&sslmode=disable");
      expect(withOptions.options).toBe("-c statement_timeout=5000 -c jit=off");
      expect(withOptions.connectionString).toBe("postgresql://db/x?sslmode=disable");
      process.env.PGOPTIONS = "-c work_mem=64MB";
      expect(postgresSession("postgresql://db/x").options).toBe("-c work_mem=64MB -c jit=off");
    } finally {
      if (saved === undefined) delete process.env.PGOPTIONS;
      else process.env.PGOPTIONS = saved;
    }
  });
});

describe("SQLite LIKE as PostgreSQL's ILIKE", () => {
  const connection = registerSqlFunctions(new BetterSqlite3(":memory:"));
  afterAll(() => connection.close());
  const like = (text: string, pattern: string) => (connection.prepare("SELECT ? LIKE ? AS hit").get(text, pattern) as { hit: number }).hit === 1;

  it("ignores case, non-ASCII letters included", () => {
    expect(like("Ärzte-Liste", "%ärzte%")).toBe(true);
    expect(like("RAW/Sample1", "raw/%")).toBe(true);
    expect(like("raw/sample1", "raw/sample2")).toBe(false);
  });

  it("reads % and _ as wildcards and a backslash as the escape of the next character", () => {
    expect(like("a_b", "a\\_b")).toBe(true);
    expect(like("axb", "a\\_b")).toBe(false);
    expect(like("axb", "a_b")).toBe(true);
    expect(like("100%", "100\\%")).toBe(true);
    expect(like("1000", "100\\%")).toBe(false);
    expect(like("a\\b", "a\\\\b")).toBe(true);
    expect(like("line\nbreak", "line%")).toBe(true);
  });
});
