// The SQLite writer's own statements (Database.writerStatement) return rows typed as Prisma's
// raw queries type them, and run inside the write transaction: a rollback takes them back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { TEST_DB } from "../harness.ts";
import { scratchDataDir } from "../helpers/scratch-database.ts";

const SELECT = `SELECT r.id, r.uid, r.status, r."startedAt", r."finishedAt", r.facets, a."isLatest", a.size, a.hash, MIN(r."startedAt") AS earliest
  FROM "Run" r JOIN "Artifact" a ON a."runId" = r.id WHERE r.uid = ? GROUP BY r.id, a.id`;

describe.runIf(TEST_DB === "sqlite")("statements on the SQLite writer connection", () => {
  let db: Database;
  let remove: () => void;
  beforeAll(async () => {
    const scratch = scratchDataDir();
    remove = scratch.remove;
    db = await openDatabase({ dataDir: scratch.dir });
    const user = await db.prisma.user.create({ data: { handle: "typing", uid: "typ00001" } });
    const storage = await db.prisma.storage.create({ data: { uid: "stor0001", root: "s3://typing", type: "s3", createdById: user.id } });
    const transform = await db.prisma.transform.create({ data: { uid: "tran00000000000a0000", stem: "tran00000000000a", name: "t", createdById: user.id } });
    const run = await db.prisma.run.create({
      data: {
        uid: "run0000000000000000a",
        transformId: transform.id,
        createdById: user.id,
        startedAt: new Date("2024-03-01T10:00:00.123Z"),
        finishedAt: new Date("2024-03-01T11:00:00Z"),
        facets: { nested: { list: [1, "two", null] } },
      },
    });
    await db.prisma.artifact.create({
      data: {
        uid: "art00000000000000000",
        stem: "art0000000000000",
        storageId: storage.id,
        runId: run.id,
        hash: "h1",
        size: 12345678901234n,
        createdById: user.id,
      },
    });
  });
  afterAll(async () => {
    await db?.close();
    remove?.();
  });

  it("types rows by declared column types as Prisma does: dates, booleans, JSON, BIGINT", async () => {
    const viaPrisma = await db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(SELECT, "run0000000000000000a");
    const direct = await db.write(async () => db.writerStatement!(SELECT, ["run0000000000000000a"]).rows);
    expect(direct).toEqual(viaPrisma);
    expect(direct[0].startedAt).toEqual(new Date("2024-03-01T10:00:00.123Z"));
    expect(direct[0].isLatest).toBe(true);
    expect(direct[0].facets).toEqual({ nested: { list: [1, "two", null] } });
    expect(direct[0].size).toBe(12345678901234n);
  });

  it("binds dates and booleans in Prisma's formats, and rolls back with the transaction", async () => {
    const at = new Date("2025-01-02T03:04:05.678Z");
    await expect(
      db.write(async () => {
        db.writerStatement!(`UPDATE "Run" SET "finishedAt" = ? WHERE uid = ?`, [at, "run0000000000000000a"]);
        db.writerStatement!(`UPDATE "Artifact" SET "isLatest" = ? WHERE hash = ?`, [false, "h1"]);
        const [row] = db.writerStatement!(SELECT, ["run0000000000000000a"]).rows;
        expect(row.finishedAt).toEqual(at);
        expect(row.isLatest).toBe(false);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    const run = await db.prisma.run.findUniqueOrThrow({ where: { uid: "run0000000000000000a" } });
    expect(run.finishedAt).toEqual(new Date("2024-03-01T11:00:00Z"));
    expect((await db.prisma.artifact.findFirstOrThrow({ where: { hash: "h1" } })).isLatest).toBe(true);
  });

  it("reads on the reader's thread: the last commit, a refused statement's error, a text column as its bytes", async () => {
    await db.write((tx) => tx.run.update({ where: { uid: "run0000000000000000a" }, data: { status: "ERRORED" } }));
    expect(await db.queryRows(`SELECT status FROM "Run" WHERE uid = ?`, ["run0000000000000000a"])).toEqual([{ status: "ERRORED" }]);
    await expect(db.queryRows(`SELEC nothing`, [])).rejects.toThrow(/syntax error/);
    const [row] = await db.queryRows<{ id: number; node: Uint8Array }>(`SELECT id, json_object('uid', uid, 'note', 'étape ✓') AS node FROM "Run"`, [], {
      bytes: "node",
    });
    expect(row.node).toBeInstanceOf(Uint8Array);
    expect(new TextDecoder().decode(row.node)).toBe('{"uid":"run0000000000000000a","note":"étape ✓"}');
  });
});
