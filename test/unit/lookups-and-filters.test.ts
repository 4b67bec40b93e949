// The pure rules behind look-ups and list filters: which where clause a uid, a text match, a
// time range or an orderBy becomes (no database).
import { describe, expect, it } from "vitest";
import { artifactWhere, escapeLike, orderByOf, rangeWhere, runWhere, stringWhere, visibilityWhere } from "../../src/domain/filters.ts";
import { familyWhere, lookupWhere, uidWhere } from "../../src/domain/lookups.ts";
import { DomainError } from "../../src/domain/errors.ts";

const noParams = { provider: "sqlite" as const, reader: { param: { findMany: () => Promise.resolve([]) } } as never };

function codeOf(fn: () => unknown): { code: string; field?: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, field: error.field };
    throw error;
  }
  throw new Error("expected a DomainError");
}

describe("uid look-ups", () => {
  it("names one record by its full uid and the latest version by its stem", () => {
    expect(uidWhere("artifact", "a".repeat(20))).toEqual({ uid: "a".repeat(20) });
    expect(uidWhere("artifact", "a".repeat(16))).toEqual({ stem: "a".repeat(16), isLatest: true });
    expect(uidWhere("transform", "b".repeat(12))).toEqual({ stem: "b".repeat(12), isLatest: true });
  });

  it("refuses a uid of another length or with other characters, naming the field", () => {
    expect(codeOf(() => uidWhere("run", "a".repeat(16), "runUid"))).toEqual({ code: "VALIDATION_FAILED", field: "runUid" });
    expect(codeOf(() => uidWhere("collection", "a-b"))).toEqual({ code: "VALIDATION_FAILED", field: "uid" });
  });

  it("matches every version of a family by its stem in filters, and hides the trash in lookups unless asked", () => {
    expect(familyWhere("transform", "c".repeat(12), "filter.transformUid")).toEqual({ stem: "c".repeat(12) });
    expect(familyWhere("transform", "c".repeat(16), "filter.transformUid")).toEqual({ uid: "c".repeat(16) });
    expect(lookupWhere("run", "d".repeat(20), false)).toEqual({ uid: "d".repeat(20), trashedAt: null });
    expect(lookupWhere("run", "d".repeat(20), true)).toEqual({ uid: "d".repeat(20) });
  });
});

describe("filters", () => {
  it("finds text literally: LIKE's wildcards and escape character are escaped", () => {
    expect(escapeLike("50%_a\\b")).toBe("50\\%\\_a\\\\b");
    expect(stringWhere({ contains: "a_b" }, "sqlite")).toEqual({ contains: "a\\_b" });
    expect(stringWhere({ startsWith: "x" }, "postgresql")).toEqual({ startsWith: "x", mode: "insensitive" });
    expect(stringWhere({ equals: "X" }, "postgresql")).toEqual({ equals: "X" });
    expect(stringWhere({}, "sqlite")).toBeUndefined();
  });

  it("passes on only the bounds of a range that are set, and hides the trash by default", () => {
    const gte = new Date("2026-01-01T00:00:00Z");
    expect(rangeWhere({ gte, lt: null })).toEqual({ gte });
    expect(rangeWhere({})).toBeUndefined();
    expect(visibilityWhere(undefined)).toEqual({ trashedAt: null });
    expect(visibilityWhere("TRASH")).toEqual({ trashedAt: { not: null } });
    expect(visibilityWhere("ALL")).toEqual({});
  });

  it("asks for a producing run only when a run or transform filter is set", () => {
    expect(artifactWhere({ key: { equals: "k" } }, noParams).run).toBeUndefined();
    expect(artifactWhere({ transformUid: "e".repeat(12) }, noParams).run).toEqual({ uid: undefined, transform: { stem: "e".repeat(12) } });
  });

  it("filters runs by a transform stem across versions, together with the transform's name, through the transforms' ids", async () => {
    const asked: unknown[] = [];
    const transforms = (count: number) => ({
      provider: "sqlite" as const,
      reader: {
        param: { findMany: () => Promise.resolve([]) },
        transform: {
          findMany: (args: { where: unknown; take: number }) => {
            asked.push(args.where);
            return Promise.resolve(Array.from({ length: Math.min(count, args.take) }, (_, i) => ({ id: i + 1 })));
          },
        },
      } as never,
    });
    const filter = { transformUid: "f".repeat(12), transformName: { equals: "align" } };
    const where = await runWhere(filter, transforms(2));
    expect(asked).toEqual([{ stem: "f".repeat(12), name: { equals: "align" }, type: undefined }]);
    expect(where.transformId).toEqual({ in: [1, 2] });
    expect(where.transform).toBeUndefined();
    // past 1,000 transforms the condition stays on the relation
    const many = await runWhere(filter, transforms(5_000));
    expect(many.transform).toEqual({ stem: "f".repeat(12), name: { equals: "align" }, type: undefined });
    expect(many.transformId).toBeUndefined();
    const none = await runWhere({}, transforms(0));
    expect(none.transform).toBeUndefined();
    expect(none.transformId).toBeUndefined();
  });

  it("orders by the chosen column with the id breaking ties, newest first by default", () => {
    const columns = { CREATED_AT: "createdAt", ID: "id" } as const;
    expect(orderByOf(columns, { field: "CREATED_AT", direction: "ASC" }, "ID")).toEqual([{ createdAt: "asc" }, { id: "asc" }]);
    expect(orderByOf(columns, null, "ID")).toEqual([{ id: "desc" }]);
  });
});
