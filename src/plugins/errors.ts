// Errors at the edge: the one place where domain errors become GraphQL errors (code, field
// and details as extensions, plus the HTTP status a refusal needs), a database that is down,
// busy or out of connections becomes a RETRYABLE error a client can act on, and anything else
// is masked as an internal error (and logged by Yoga with its details).
import { GraphQLError, type GraphQLErrorExtensions } from "graphql";
import { isAsyncIterable, maskError as yogaMaskError, type Plugin, type YogaMaskedErrorOpts } from "graphql-yoga";
import { DomainError, retryable, type ErrorCode } from "../domain/errors.ts";

/** Codes the edge gives errors that carry none: malformed variables, refused requests, internal failures. */
type EdgeErrorCode = "BAD_USER_INPUT" | "BAD_REQUEST" | "INTERNAL_SERVER_ERROR" | "GRAPHQL_PARSE_FAILED" | "GRAPHQL_VALIDATION_FAILED";

declare module "graphql" {
  interface GraphQLErrorExtensions {
    /** stable, for clients to branch on (README, "The API") */
    code?: ErrorCode | EdgeErrorCode;
    /** the input field at fault */
    field?: string;
    /** which configured limit refused the request, and its value (LIMIT_EXCEEDED) */
    limit?: string;
    max?: number;
  }
}

// The HTTP side of a refusal: the status and the headers a client needs to act on it.
const HTTP: Partial<Record<ErrorCode, GraphQLErrorExtensions["http"]>> = {
  UNAUTHENTICATED: { status: 401, headers: { "www-authenticate": 'Bearer realm="lineage-registry"' } },
  RETRYABLE: { status: 503, headers: { "retry-after": "1" } },
};

/** The extensions a domain error answers with. */
export function extensionsOf(error: DomainError): GraphQLErrorExtensions {
  const http = HTTP[error.code];
  return { code: error.code, ...(error.field !== undefined ? { field: error.field } : {}), ...error.details, ...(http ? { http } : {}) };
}

/** A domain error as a GraphQL error, at the place in the document where `at` was raised. */
export function toGraphQLError(error: DomainError, at?: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, { nodes: at?.nodes, source: at?.source, positions: at?.positions, path: at?.path, extensions: extensionsOf(error) });
}

// Prisma codes: P1001 unreachable, P1002/P1008 timed out, P1017 connection closed, P2024 pool
// timeout, P2028 transaction could not start in time, P2034 write conflict or deadlock.
const RETRYABLE_PRISMA = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028", "P2034"]);
// SQLSTATE classes 08 (connection), 53 (resources), 57 (operator intervention: shutdown,
// statement timeout) and 40 (serialisation failure, deadlock).
const RETRYABLE_SQLSTATE = /^(08|53|57|40)/;
const RETRYABLE_NODE = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTCONN", "SQLITE_BUSY", "SQLITE_LOCKED"]);
const RETRYABLE_KIND = new Set([
  "DatabaseNotReachable",
  "DatabaseAccessDenied",
  "SocketTimeout",
  "TooManyConnections",
  "TransactionWriteConflict",
  "ConnectionClosed",
]);
const RETRYABLE_MESSAGE =
  /database is locked|SQLITE_BUSY|Connection terminated|connection timeout|timeout exceeded when trying to connect|ECONNREFUSED|Can't reach database server|Unable to start a transaction in the given time|terminating connection|the database system is (shutting down|starting up)|Client has encountered a connection error|canceling statement due to statement timeout|server closed the connection/i;

/** Whether an error (or anything in its cause chain) says the database is unavailable for now. */
export function isTransientDatabaseError(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length) {
    const item = queue.shift();
    if (!item || typeof item !== "object" || seen.has(item)) continue;
    seen.add(item);
    const candidate = item as { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; originalError?: unknown; meta?: unknown; errors?: unknown };
    const code = typeof candidate.code === "string" ? candidate.code : undefined;
    if (code && (RETRYABLE_PRISMA.has(code) || RETRYABLE_NODE.has(code) || (/^[0-9A-Z]{5}$/.test(code) && RETRYABLE_SQLSTATE.test(code)))) return true;
    if (typeof candidate.kind === "string" && RETRYABLE_KIND.has(candidate.kind)) return true;
    if (candidate.kind === "sqlite" && ((candidate as { extendedCode?: number }).extendedCode ?? 0) % 256 === 5) return true; // SQLITE_BUSY
    if (typeof candidate.message === "string" && RETRYABLE_MESSAGE.test(candidate.message)) return true;
    queue.push(candidate.cause, candidate.originalError, candidate.meta);
    if (Array.isArray(candidate.errors)) queue.push(...(candidate.errors as unknown[]));
    if (candidate.meta && typeof candidate.meta === "object") queue.push((candidate.meta as { driverAdapterError?: unknown }).driverAdapterError);
  }
  return false;
}

export const maskError: YogaMaskedErrorOpts["maskError"] = (error, message, isDev) => {
  const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
  if (original instanceof DomainError) {
    if (error instanceof GraphQLError) {
      // Coded in place: the same error object tells Yoga this is not an internal failure
      // worth an error-level log line.
      Object.assign(error.extensions, extensionsOf(original));
      return error;
    }
    return toGraphQLError(original);
  }
  if (!(original instanceof GraphQLError) && isTransientDatabaseError(error)) {
    const busy = retryable("the database is unavailable or busy right now; retry the request shortly");
    return toGraphQLError(busy, error instanceof GraphQLError ? error : undefined);
  }
  // Pothos rejects malformed connection arguments (a cursor that is not one, first < 0) with
  // its own validation error: bad input, so the client may see it.
  if (original instanceof Error && original.name === "PothosValidationError") {
    if (error instanceof GraphQLError) {
      // Coded in place: the same error object tells Yoga this is not an internal failure
      // worth an error-level log line.
      Object.assign(error.extensions, { code: "VALIDATION_FAILED" });
      return error;
    }
    return new GraphQLError(original.message, { extensions: { code: "VALIDATION_FAILED" } });
  }
  return yogaMaskError(error, message, isDev);
};

/**
 * Gives every error in a result a code. graphql-js reports variables that do not match their
 * declared types without one (the client's input: BAD_USER_INPUT); Yoga's request-level
 * refusals, such as a missing CSRF header, have none either (BAD_REQUEST). A query limit
 * answers 400 whichever phase refused the document: Yoga would answer a refusal at parse time
 * (the token limit) 200 to a plain application/json client.
 */
export function useErrorCodes(): Plugin {
  const withCode = (error: GraphQLError) => {
    const limitRefusal = error.extensions?.code === "LIMIT_EXCEEDED" && error.extensions.limit !== undefined;
    if (error.extensions?.code && !limitRefusal) return error;
    // A variable error points into the document; a request-level refusal points nowhere.
    const code = error.extensions?.code ?? (error.nodes?.length || error.locations?.length ? "BAD_USER_INPUT" : "BAD_REQUEST");
    const http = limitRefusal ? { status: 400 } : error.extensions?.http;
    return rebuilt(error, error.message, { ...error.extensions, code, ...(http ? { http } : {}) });
  };
  return {
    // A subscription refused when it is made (scope, limit, bad filter) answers its errors as the
    // stream's only message; with `data: null`, as a refused query has, Yoga answers it 200, not
    // 500 as for an internal failure.
    onSubscribe: () => ({
      onSubscribeResult({ result, setResult }) {
        if (!isAsyncIterable(result) && result.errors?.length && !("data" in result)) setResult({ data: null, errors: result.errors });
      },
    }),
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !("errors" in result) || !result.errors?.length) return;
      if (result.errors.every((error) => error.extensions?.code && error.extensions.limit === undefined)) return;
      setResult({ ...result, errors: result.errors.map((error) => withCode(error)) });
    },
  };
}

// graphql-js appends " Did you mean …?" to validation errors (unknown fields, arguments, types,
// input fields, enum values) and to variable coercion errors; the suggestions are schema names.
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/**
 * Removes "Did you mean …?" suggestions from every error of a result — validation errors and
 * variable errors alike — for when introspection is off and the schema is not to be revealed.
 */
export function useHiddenSuggestions(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !("errors" in result) || !result.errors?.some((error) => error.message.includes("Did you mean "))) return;
      setResult({
        ...result,
        errors: result.errors.map((error) => {
          const message = error.message.replace(SUGGESTION, "");
          return message === error.message ? error : rebuilt(error, message, error.extensions);
        }),
      });
    },
  };
}

function rebuilt(error: GraphQLError, message: string, extensions: GraphQLError["extensions"]) {
  const { nodes, source, positions, path, originalError } = error;
  return new GraphQLError(message, { nodes, source, positions, path, originalError, extensions });
}
