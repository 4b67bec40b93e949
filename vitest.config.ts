// Specs under test/unit/ are pure functions without a database: they run once, as the "unit"
// project. Every other spec runs twice: against the embedded SQLite database and against
// PostgreSQL. TEST_DATABASES=sqlite (or postgres) restricts a run to one of them.
import { defineConfig } from "vitest/config";

const selected = (process.env.TEST_DATABASES ?? "sqlite,postgres").split(",").map((name) => name.trim());
const UNIT = "test/unit/**/*.test.ts";

export default defineConfig({
  // One copy of graphql for the tests and for every library (its CommonJS build, which
  // Pothos and Yoga load under Node), or instanceof checks fail across the two copies.
  resolve: { alias: { graphql: "graphql/index.js" } },
  test: {
    projects: [
      { extends: true, test: { name: "unit", include: [UNIT] } },
      ...["sqlite", "postgres"]
        .filter((name) => selected.includes(name))
        .map((name) => ({
          extends: true as const,
          test: {
            name,
            include: ["test/**/*.test.ts"],
            exclude: [UNIT],
            env: { TEST_DB: name },
            testTimeout: 60_000,
            hookTimeout: 60_000,
            pool: "forks" as const,
          },
        })),
    ],
  },
});
