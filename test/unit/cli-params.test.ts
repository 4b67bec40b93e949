// `--param name=value` typing for `lineage-registry track`: numbers and booleans from their
// text, `--param-type` to override, and usage errors that name the offending option.
import { describe, expect, it } from "vitest";
import { inferParam, parseParams } from "../../src/cli/params.ts";

describe("param values from the command line", () => {
  it("types numbers and booleans from their text, anything else stays text", () => {
    expect(parseParams(["min_quality=30", "ratio=0.25", "neg=-3", "exp=1e3", "trim=true", "dry=false", "genome=GRCh38", "empty=", "eq=a=b"], [])).toEqual({
      min_quality: 30,
      ratio: 0.25,
      neg: -3,
      exp: 1000,
      trim: true,
      dry: false,
      genome: "GRCh38",
      empty: "",
      eq: "a=b",
    });
    expect(inferParam("0030")).toBe(30);
    expect(inferParam("1.2.3")).toBe("1.2.3");
    expect(inferParam("True")).toBe("True");
    expect(parseParams([], [])).toBeUndefined();
  });

  it("follows --param-type", () => {
    expect(parseParams(["id=007", "n=5", "x=2", "flag=true", 'cfg={"a":[1,2]}'], ["id=str", "n=int", "x=float", "flag=bool", "cfg=json"])).toEqual({
      id: "007",
      n: 5,
      x: 2,
      flag: true,
      cfg: { a: [1, 2] },
    });
  });

  it("refuses what it cannot read, naming the option", () => {
    expect(() => parseParams(["novalue"], [])).toThrow('--param takes name=value, not "novalue"');
    expect(() => parseParams(["n=1.5"], ["n=int"])).toThrow("--param n=1.5: not a whole number (--param-type n=int)");
    expect(() => parseParams(["b=yes"], ["b=bool"])).toThrow("not true or false");
    expect(() => parseParams(["j={"], ["j=json"])).toThrow("not JSON");
    expect(() => parseParams(["n=1"], ["n=integer"])).toThrow("--param-type n=integer: the type is one of str, int, float, num, bool, json");
    expect(() => parseParams(["n=1"], ["m=int"])).toThrow("--param-type m: there is no --param m=…");
  });
});
