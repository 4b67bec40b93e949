// The report `lineage-registry track` keeps: the last megabyte of the command's output, in order.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { OutputTail, REPORT_BYTES } from "../../src/cli/capture.ts";

describe("the output tail", () => {
  it("keeps everything up to 1 MB, then the last 1 MB", () => {
    const tail = new OutputTail();
    tail.push(Buffer.from("first\n"));
    tail.push(Buffer.from("second\n"));
    expect(tail.bytes().toString()).toBe("first\nsecond\n");

    const all: Buffer[] = [];
    const big = new OutputTail();
    for (const size of [700_000, 1, 65_536, 900_000, 3, 1_200_000, 17]) {
      const chunk = randomBytes(size);
      all.push(chunk);
      big.push(chunk);
    }
    const expected = Buffer.concat(all);
    expect(big.bytes().length).toBe(REPORT_BYTES);
    expect(big.bytes().equals(expected.subarray(expected.length - REPORT_BYTES))).toBe(true);
  });
});
