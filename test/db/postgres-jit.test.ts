// PostgreSQL only: the service's connections run with JIT compilation off, so that a young
// database (whose statistics overestimate the lineage statement) does not spend far longer
// compiling the statement than running it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildLineageSql } from "../../src/lineage/sql.ts";
import { GraphFixture, type Node } from "../helpers/lineage-fixtures.ts";
import { ok, startTestService, TEST_DB, type TestService } from "../harness.ts";

// JIT is a PostgreSQL feature: SQLite has no such setting, so there is nothing to check there.
describe.skipIf(TEST_DB !== "postgres")("PostgreSQL connections run without JIT (skipped on SQLite: it has no JIT)", () => {
  let svc: TestService;
  let last: Node;
  beforeAll(async () => {
    svc = await startTestService({ limits: { lineageMaxDepth: 100, lineageMaxNodes: 100_000 } });
    // A fresh, small database as a new user has it: a chain of 40 runs, no ANALYZE.
    const g = new GraphFixture(svc);
    last = await g.artifact("raw/0.fq");
    for (let i = 1; i <= 40; i++) {
      const run = await g.run(`step-${i % 5}`, [last]);
      last = await g.artifact(`out/${i}.bam`, run);
    }
  });
  afterAll(async () => svc?.stop());

  it("has jit off on the Prisma client, inside a write transaction and on the lineage read path", async () => {
    const [plain] = await svc.db.prisma.$queryRawUnsafe<{ jit: string }[]>("SELECT current_setting('jit') AS jit");
    expect(plain.jit).toBe("off");
    const inWrite = await svc.db.write(async (tx) => (await tx.$queryRawUnsafe<{ jit: string }[]>("SELECT current_setting('jit') AS jit"))[0].jit);
    expect(inWrite).toBe("off");
    // several at once, so that more than one pooled connection answers
    const reads = await Promise.all(Array.from({ length: 6 }, () => svc.db.queryRows<{ jit: string }>("SELECT current_setting('jit') AS jit", [])));
    expect(reads.map((rows) => rows[0].jit)).toEqual(Array(6).fill("off"));
  });

  it("keeps the lineage read path read-only", async () => {
    await expect(svc.db.queryRows(`DELETE FROM "Run"`, [])).rejects.toThrow(/read-only transaction/);
    expect(await svc.db.prisma.run.count()).toBe(40);
  });

  it("runs the lineage statement on a fresh database without JIT compilation", async () => {
    const { sql, params } = buildLineageSql("postgresql", { start: { uid: last.uid }, directions: ["U"], depth: 20, maxNodes: 5000, includeTrashed: false });
    const rows = await svc.db.queryRows<{ "QUERY PLAN": unknown }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
    const plan = rows[0]["QUERY PLAN"] as { JIT?: unknown; Plan: { "Total Cost": number } }[];
    expect(plan[0].JIT).toBeUndefined();
    // the lineage itself still answers through GraphQL
    const query = `query($uid: String!) { lineage(uid: $uid, direction: UPSTREAM, depth: 20) { nodes { uid } truncatedByDepth } }`;
    const graph = ok(await svc.gql(query, { uid: last.uid })).lineage;
    expect(graph.nodes).toHaveLength(41);
    expect(graph.truncatedByDepth).toBe(true);
  });
});
