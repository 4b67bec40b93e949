// Unit checks of the intricate rules: uids and version suffixes, param dtypes and hashing.
import { describe, expect, it } from "vitest";
import { canonicalJson, hashValue, inferDtype, valueMatchesDtype } from "../../src/domain/params.ts";
import { BASE62, base62, compareBase62, incrementBase62, secretBase62 } from "../../src/domain/uid.ts";

describe("uids", () => {
  it("draws base62 strings of the asked length, every character reachable", () => {
    for (const draw of [base62, secretBase62]) {
      const seen = new Set<string>();
      for (let i = 0; i < 400; i++) {
        const uid = draw(20);
        expect(uid).toMatch(/^[0-9A-Za-z]{20}$/);
        for (const char of uid) seen.add(char);
      }
      expect(seen.size).toBe(62);
    }
  });

  it("never hands out the same uid twice across many refills of its random bytes", () => {
    // 20,000 uids of 20 characters draw some 100 times the 4 KiB the bytes are drawn in
    const uids = new Set(Array.from({ length: 20_000 }, () => base62(20)));
    expect(uids.size).toBe(20_000);
    expect(new Set(Array.from({ length: 200 }, () => secretBase62(43))).size).toBe(200);
  });

  it("increments version suffixes in base62 and orders them by value", () => {
    expect(incrementBase62("0000")).toBe("0001");
    expect(incrementBase62("0009")).toBe("000A");
    expect(incrementBase62("000Z")).toBe("000a");
    expect(incrementBase62("000z")).toBe("0010");
    expect(() => incrementBase62("zzzz")).toThrow(/no successor/);
    expect(["000a", "0010", "000Z", "0001"].sort(compareBase62)).toEqual(["0001", "000Z", "000a", "0010"]);
    expect(BASE62).toHaveLength(62);
  });
});

describe("param dtypes", () => {
  it("infers dtypes as lamindb does, except that every number is num (JSON cannot tell 0.0 from 0)", () => {
    expect(inferDtype(3)).toBe("num");
    expect(inferDtype(0)).toBe("num");
    expect(inferDtype(3.5)).toBe("num");
    expect(inferDtype(true)).toBe("bool");
    expect(inferDtype("abc")).toBe("str");
    expect(inferDtype("2024-05-01")).toBe("date");
    expect(inferDtype("2024-05-01T10:00:00Z")).toBe("datetime");
    expect(inferDtype("2024-02-30")).toBe("str");
    expect(inferDtype({ a: 1 })).toBe("dict");
    expect(inferDtype([1, 2])).toBe("list[num]");
    expect(inferDtype([1, 2.5])).toBe("list[num]");
    expect(inferDtype(["a", "2024-01-01"])).toBe("list[str]");
    expect(inferDtype([])).toBeNull();
    expect(inferDtype([1, "a"])).toBeNull();
    expect(inferDtype(null)).toBeNull();
  });

  it("validates values against dtypes", () => {
    expect(valueMatchesDtype("int", 3)).toBe(true);
    expect(valueMatchesDtype("int", 3.5)).toBe(false);
    expect(valueMatchesDtype("float", 3)).toBe(true);
    expect(valueMatchesDtype("num", Number.NaN)).toBe(false);
    expect(valueMatchesDtype("str", 3)).toBe(false);
    expect(valueMatchesDtype("date", "2024-02-29")).toBe(true);
    expect(valueMatchesDtype("date", "2023-02-29")).toBe(false);
    expect(valueMatchesDtype("datetime", "2024-05-01 10:00")).toBe(true);
    expect(valueMatchesDtype("datetime", "yesterday")).toBe(false);
    expect(valueMatchesDtype("dict", [1])).toBe(false);
    expect(valueMatchesDtype("list[str]", ["a", "b"])).toBe(true);
    expect(valueMatchesDtype("list[str]", ["a", 1])).toBe(false);
  });

  it("hashes equal values equally whatever their key order", () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 1, c: 2 }] })).toBe('{"a":[2,{"c":2,"d":1}],"b":1}');
    expect(hashValue({ b: 1, a: 2 })).toBe(hashValue({ a: 2, b: 1 }));
    expect(hashValue(1)).not.toBe(hashValue("1"));
    expect(hashValue("x")).toHaveLength(22);
  });
});
