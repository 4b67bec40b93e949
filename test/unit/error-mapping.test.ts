// Domain errors are plain values; the edge (src/plugins/errors.ts) turns them into GraphQL
// errors with their code, field and details, and the HTTP status a refusal needs.
import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { conflict, DomainError, invalid, unauthenticated } from "../../src/domain/errors.ts";
import { extensionsOf, maskError, toGraphQLError } from "../../src/plugins/errors.ts";

describe("domain errors", () => {
  it("carry a code, the field at fault and details, and nothing of GraphQL", () => {
    const error = invalid("key", "is empty", { maxLength: 3 });
    expect(error).toBeInstanceOf(DomainError);
    expect(error).not.toBeInstanceOf(GraphQLError);
    expect({ code: error.code, field: error.field, details: error.details, message: error.message }).toEqual({
      code: "VALIDATION_FAILED",
      field: "key",
      details: { maxLength: 3 },
      message: "key: is empty",
    });
  });
});

describe("the mapping at the edge", () => {
  it("answers with code, field and details, in that order", () => {
    const error = toGraphQLError(conflict("run r already finished", { field: "uid", outputUids: ["a"] }));
    expect(error.message).toBe("run r already finished");
    expect(JSON.stringify(error.extensions)).toBe('{"code":"CONFLICT","field":"uid","outputUids":["a"]}');
  });

  it("adds the HTTP status and challenge to an authentication refusal", () => {
    expect(extensionsOf(unauthenticated("invalid token")).http).toEqual({ status: 401, headers: { "www-authenticate": 'Bearer realm="lineage-registry"' } });
  });

  it("codes a resolver's domain error in place, so that it is not masked as an internal error", () => {
    const located = new GraphQLError("x: bad", { path: ["run"], originalError: invalid("x", "bad") });
    const masked = maskError(located, "Unexpected error.", false);
    expect(masked).toBe(located);
    expect(masked instanceof GraphQLError && masked.extensions).toMatchObject({ code: "VALIDATION_FAILED", field: "x" });
  });
});
