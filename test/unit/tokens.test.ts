// Token lifetimes as operators write them (--expires-in, createApiToken's expiresIn).
import { describe, expect, it } from "vitest";
import { parseDuration } from "../../src/auth/tokens.ts";

const codeOf = (error: unknown) =>
  (error as { code?: unknown; extensions?: { code?: unknown } }).code ?? (error as { extensions?: { code?: unknown } }).extensions?.code;

describe("parseDuration", () => {
  it("reads a number and a unit, in any case and with spaces around", () => {
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("90m")).toBe(5_400_000);
    expect(parseDuration("12h")).toBe(43_200_000);
    expect(parseDuration(" 30D ")).toBe(30 * 86_400_000);
    expect(parseDuration("2w")).toBe(14 * 86_400_000);
  });

  it("refuses anything else as a validation failure naming the field", () => {
    for (const raw of ["", "30", "d", "1.5d", "-3d", "3 days", "3y", "1e3s"]) {
      let caught: unknown;
      try {
        parseDuration(raw, "expiresIn");
      } catch (error) {
        caught = error;
      }
      expect(caught, raw).toBeInstanceOf(Error);
      expect(codeOf(caught), raw).toBe("VALIDATION_FAILED");
      expect((caught as Error).message, raw).toMatch(/number and a unit/);
    }
  });

  it("refuses a zero or overflowing duration", () => {
    expect(() => parseDuration("0d")).toThrow(/positive duration/);
    expect(() => parseDuration("99999999999999w")).toThrow(/positive duration/);
  });
});
