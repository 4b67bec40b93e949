// Which failures mean "the database is unavailable for now" (answered RETRYABLE, HTTP 503)
// rather than a bug (masked as an internal error): codes of Prisma, PostgreSQL, Node and
// SQLite, driver adapter kinds and messages, anywhere in an error's cause chain.
import { describe, expect, it } from "vitest";
import { isTransientDatabaseError } from "../../src/plugins/errors.ts";

const coded = (code: string, message = "failed") => Object.assign(new Error(message), { code });

describe("isTransientDatabaseError", () => {
  it("recognises Prisma connection, pool and transaction codes", () => {
    for (const code of ["P1001", "P1002", "P1008", "P1017", "P2024", "P2028", "P2034"]) expect(isTransientDatabaseError(coded(code)), code).toBe(true);
  });

  it("recognises SQLSTATE classes 08, 40, 53 and 57 and nothing else", () => {
    for (const code of ["08006", "40001", "40P01", "53300", "57014", "57P01"]) expect(isTransientDatabaseError(coded(code)), code).toBe(true);
    for (const code of ["23505", "42P01", "22P02"]) expect(isTransientDatabaseError(coded(code)), code).toBe(false);
  });

  it("recognises network and SQLite busy codes, adapter kinds and messages", () => {
    for (const code of ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "SQLITE_BUSY", "SQLITE_LOCKED"])
      expect(isTransientDatabaseError(coded(code)), code).toBe(true);
    expect(isTransientDatabaseError({ kind: "DatabaseNotReachable" })).toBe(true);
    expect(isTransientDatabaseError({ kind: "TooManyConnections" })).toBe(true);
    expect(isTransientDatabaseError({ kind: "sqlite", extendedCode: 5 })).toBe(true); // SQLITE_BUSY
    expect(isTransientDatabaseError({ kind: "sqlite", extendedCode: 517 })).toBe(true); // SQLITE_BUSY_SNAPSHOT
    expect(isTransientDatabaseError({ kind: "sqlite", extendedCode: 19 })).toBe(false); // SQLITE_CONSTRAINT
    expect(isTransientDatabaseError(new Error("SqliteError: database is locked"))).toBe(true);
    expect(isTransientDatabaseError(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isTransientDatabaseError(new Error("FATAL: the database system is shutting down"))).toBe(true);
  });

  it("looks through causes, original errors, Prisma's meta and aggregate errors", () => {
    expect(isTransientDatabaseError(new Error("query failed", { cause: coded("ECONNREFUSED") }))).toBe(true);
    expect(isTransientDatabaseError({ message: "wrapped", originalError: { code: "57P01" } })).toBe(true);
    expect(isTransientDatabaseError({ code: "P2010", meta: { driverAdapterError: { cause: { kind: "ConnectionClosed" } } } })).toBe(true);
    expect(isTransientDatabaseError(new AggregateError([new Error("bad input"), coded("ETIMEDOUT")]))).toBe(true);
  });

  it("leaves bugs and bad input alone, and survives cycles and non-errors", () => {
    expect(isTransientDatabaseError(new TypeError("cannot read properties of undefined"))).toBe(false);
    expect(isTransientDatabaseError(coded("P2002", "Unique constraint failed"))).toBe(false);
    const cyclic: { message: string; cause?: unknown } = { message: "loop" };
    cyclic.cause = cyclic;
    expect(isTransientDatabaseError(cyclic)).toBe(false);
    for (const value of [undefined, null, "ECONNREFUSED", 42]) expect(isTransientDatabaseError(value)).toBe(false);
  });
});
