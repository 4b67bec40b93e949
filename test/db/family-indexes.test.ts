// A family's latest version is looked up by its name or key on every track, registerArtifact,
// createCollection and recordRuns. The indexes that serve those lookups hold isLatest beside
// the name or key, so the lookup reads the latest entry only, not one entry per version (a
// shared output written by every run of a pipeline has thousands of versions).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerArtifact, startTestService, TEST_DB, type TestService } from "../harness.ts";

const LOOKUPS = [
  {
    name: "an artifact family by storage and key",
    sql: `SELECT "stem" FROM "Artifact" WHERE "storageId" = 1 AND "key" = 'shared/1.parquet' AND "isLatest" = true`,
    index: "Artifact_storageId_key_isLatest_idx",
  },
  {
    name: "a transform family by key",
    sql: `SELECT "id" FROM "Transform" WHERE "key" = 'pipelines/step.py' AND "isLatest" = true AND "trashedAt" IS NULL`,
    index: "Transform_key_isLatest_idx",
  },
  {
    name: "a transform family by name",
    sql: `SELECT "id" FROM "Transform" WHERE "name" = 'step' AND "key" IS NULL AND "isLatest" = true AND "trashedAt" IS NULL`,
    index: "Transform_name_isLatest_idx",
  },
  {
    name: "a collection family by key",
    sql: `SELECT "id" FROM "Collection" WHERE "key" = 'bundles/1' AND "isLatest" = true`,
    index: "Collection_key_isLatest_idx",
  },
];

/** The plan's index uses: SQLite's plan lines, or PostgreSQL's index names with their conditions. */
async function indexUses(svc: TestService, sql: string): Promise<string[]> {
  if (TEST_DB === "sqlite") {
    const rows = await svc.db.prisma.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${sql.replaceAll("true", "1")}`);
    return rows.map((row) => row.detail);
  }
  // On tables this small PostgreSQL would rather read the table; without that choice the
  // plan shows which index it finds for the condition.
  return svc.db.write(async (tx) => {
    await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
    const [row] = await tx.$queryRawUnsafe<{ "QUERY PLAN": unknown }[]>(`EXPLAIN (FORMAT JSON) ${sql}`);
    const uses: string[] = [];
    const walk = (node: Record<string, unknown>) => {
      if (typeof node["Index Name"] === "string") uses.push(`${node["Index Name"]} ${typeof node["Index Cond"] === "string" ? node["Index Cond"] : ""}`);
      for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
    };
    walk((row["QUERY PLAN"] as { Plan: Record<string, unknown> }[])[0].Plan);
    return uses;
  });
}

describe("latest-version lookups of a family", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService();
    // One family of many versions and a few others, with the planner's statistics taken.
    for (let i = 0; i < 150; i++) await registerArtifact(svc, `version-${i}`, { key: "shared/1.parquet" });
    for (let i = 0; i < 10; i++) await registerArtifact(svc, `other-${i}`);
    await svc.db.prisma.$executeRawUnsafe("ANALYZE");
  }, 120_000);
  afterAll(async () => svc?.stop());

  for (const lookup of LOOKUPS) {
    it(`finds ${lookup.name} through an index that holds isLatest`, async () => {
      const uses = await indexUses(svc, lookup.sql);
      const use = uses.find((line) => line.includes(lookup.index));
      expect(use, uses.join("; ")).toBeDefined();
      expect(use).toMatch(/isLatest/);
    });
  }
});
