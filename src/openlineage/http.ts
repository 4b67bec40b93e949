// The OpenLineage HTTP API (spec/OpenLineage.yml): POST /api/v1/lineage (one event) and
// POST /api/v1/lineage/batch (a JSON array), answered by the ingestion itself — the function
// the GraphQL mutation ingestOpenLineage runs — without parsing and executing a GraphQL
// document per request. The plugin comes last among the app's plugins, so the host and origin
// checks and the body limit have already let the request through; it then refuses what a
// GraphQL request would be refused for (CSRF header, body, token, write scope) with the same
// answers, and tells the request log and the metrics what ran (directOperations).
// docs/openlineage.md, "What the routes answer".
import { gunzipSync } from "node:zlib";
import type { Plugin } from "graphql-yoga";
import type { Actor, Context } from "../context.ts";
import type { Database } from "../db/database.ts";
import { DomainError, forbidden, retryable } from "../domain/errors.ts";
import type { RequestAuthenticator } from "../plugins/authentication.ts";
import { bodyTooLarge, readWithin } from "../plugins/body.ts";
import { extensionsOf, isTransientDatabaseError } from "../plugins/errors.ts";
import { directOperations, type DirectOperation } from "../plugins/operation.ts";
import { ingestOpenLineage, type EventResult } from "./ingest.ts";

type Route = "single" | "batch";
const ROUTES: Record<string, Route> = { "/api/v1/lineage": "single", "/api/v1/lineage/batch": "batch" };
type FetchAPI = { Response: typeof Response };

export interface OpenLineageRouteOptions {
  db: Database;
  maxBodyBytes: number;
  authenticate: RequestAuthenticator;
  /** With CSRF prevention on: the header a body a browser may send cross-site without preflight must carry. */
  csrfHeader?: string;
}

const json = (fetchAPI: FetchAPI, status: number, body: unknown, headers: Record<string, string> = {}) =>
  fetchAPI.Response.json(body, { status, headers: { "cache-control": "no-store", ...headers } });

const refused = (fetchAPI: FetchAPI, status: number, code: string, message: string) => json(fetchAPI, status, { errors: [{ message, extensions: { code } }] });

/** Must come last among the app's plugins: every earlier one has checked the request first. */
export function useOpenLineageRoutes(options: OpenLineageRouteOptions): Plugin<Context> {
  return {
    async onRequest(payload) {
      const route = ROUTES[payload.url.pathname.replace(/\/+$/, "")];
      if (route) payload.endResponse(await handle(route, payload.request, payload.fetchAPI, options));
    },
  };
}

async function handle(route: Route, request: Request, fetchAPI: FetchAPI, options: OpenLineageRouteOptions): Promise<Response> {
  const operation: DirectOperation = { name: "IngestOpenLineage", type: "mutation", startedAt: performance.now() };
  if (request.method !== "POST") {
    const path = new URL(request.url).pathname;
    return json(fetchAPI, 405, { errors: [{ message: `${path} accepts POST only`, extensions: { code: "BAD_REQUEST" } }] }, { allow: "POST" });
  }
  // Counted as it arrives: Content-Length was checked by the body limit, but may understate.
  const raw = request.body ? await readWithin(request.body, options.maxBodyBytes) : Buffer.alloc(0);
  if (!raw) return bodyTooLarge(fetchAPI, options.maxBodyBytes);
  if (options.csrfHeader && !preflighted(request) && !request.headers.has(options.csrfHeader)) {
    return refused(fetchAPI, 403, "BAD_REQUEST", "Required CSRF header(s) not present");
  }
  const decoded = decode(route, raw, request, fetchAPI, options.maxBodyBytes);
  if ("refusal" in decoded) return decoded.refusal;
  const events = decoded.events;
  directOperations.set(request, operation);
  let actor: Actor;
  try {
    actor = await options.authenticate(request.headers.get("authorization"));
  } catch (error) {
    return failed(operation, "context", error, fetchAPI);
  }
  operation.user = actor.handle;
  const started = performance.now();
  try {
    if (!actor.scopes.includes("write")) {
      throw forbidden(`Mutation.ingestOpenLineage needs the write scope; this token has: ${actor.scopes.join(", ") || "none"}`);
    }
    return answer(route, await ingestOpenLineage(options.db, events, actor), fetchAPI);
  } catch (error) {
    return failed(operation, "execute", error, fetchAPI);
  } finally {
    operation.executeMs = performance.now() - started;
  }
}

// Bodies a browser sends cross-site without a CORS preflight (graphql-yoga's CSRF prevention).
const SIMPLE_CONTENT_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"];
function preflighted(request: Request): boolean {
  const type = request.headers.get("content-type")?.toLowerCase();
  return !!type && !SIMPLE_CONTENT_TYPES.some((simple) => type.startsWith(simple));
}

/** The events of the body: gzip (the Python client's `compression: gzip`) undone within the same limit, then JSON. */
function decode(route: Route, raw: Buffer, request: Request, fetchAPI: FetchAPI, maxBytes: number): { events: unknown[] } | { refusal: Response } {
  const encoding = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "identity" && encoding !== "gzip" && encoding !== "x-gzip") {
    return { refusal: refused(fetchAPI, 415, "BAD_REQUEST", `Content-Encoding ${JSON.stringify(encoding)} is not supported; send gzip or no encoding`) };
  }
  let text: string;
  try {
    text = (encoding === "identity" ? raw : gunzipSync(raw, { maxOutputLength: maxBytes })).toString("utf8");
  } catch (error) {
    if (error instanceof RangeError || (error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") return { refusal: bodyTooLarge(fetchAPI, maxBytes) };
    return { refusal: refused(fetchAPI, 400, "BAD_REQUEST", `the body is not valid gzip: ${(error as Error).message}`) };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { refusal: refused(fetchAPI, 400, "BAD_REQUEST", `the body is not valid JSON: ${(error as Error).message}`) };
  }
  if (route === "single") return { events: [parsed] };
  if (Array.isArray(parsed)) return { events: parsed };
  return { refusal: refused(fetchAPI, 400, "BAD_REQUEST", "the batch body must be a JSON array of OpenLineage events") };
}

/** A refusal (401, 403), the database busy (503), or an internal failure (500, logged with the request). */
function failed(operation: DirectOperation, phase: "context" | "execute", error: unknown, fetchAPI: FetchAPI): Response {
  operation.errorPhase = phase;
  if (!(error instanceof DomainError) && isTransientDatabaseError(error)) {
    error = retryable("the database is unavailable or busy right now; retry the request shortly");
  }
  if (error instanceof DomainError) {
    operation.errorCodes = [error.code];
    const { http, ...extensions } = extensionsOf(error);
    const status = http?.status ?? STATUS_BY_CODE[error.code] ?? 400;
    return json(fetchAPI, status, { errors: [{ message: error.message, extensions }] }, http?.headers ?? {});
  }
  operation.errorCodes = ["INTERNAL_SERVER_ERROR"];
  operation.error = error;
  return refused(fetchAPI, 500, "INTERNAL_SERVER_ERROR", "Unexpected error.");
}

const STATUS_BY_CODE: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  VALIDATION_FAILED: 400,
  BAD_USER_INPUT: 400,
  BAD_REQUEST: 400,
  CONFLICT: 409,
  LIMIT_EXCEEDED: 400,
  RETRYABLE: 503,
};

/** The API's answer: the batch summary, or one event's outcome. */
function answer(route: Route, results: EventResult[], fetchAPI: FetchAPI): Response {
  if (route === "single") {
    const [outcome] = results;
    if (outcome.status === "success") return json(fetchAPI, 200, { status: "success", runUid: outcome.runUid, transformUid: outcome.transformUid });
    const status = outcome.retriable ? 503 : (STATUS_BY_CODE[outcome.code ?? ""] ?? 400);
    return json(
      fetchAPI,
      status,
      { errors: [{ message: outcome.reason, extensions: { code: outcome.code, field: outcome.field } }] },
      outcome.retriable ? { "retry-after": "1" } : {},
    );
  }
  const failures = results.filter((outcome) => outcome.status !== "success");
  const retriable = failures.filter((outcome) => outcome.retriable).length;
  return json(fetchAPI, 200, {
    status: failures.length ? "partial_success" : "success",
    summary: {
      received: results.length,
      successful: results.length - failures.length,
      failed: failures.length,
      retriable,
      non_retriable: failures.length - retriable,
    },
    failed_events: failures.map((outcome) => ({ index: outcome.index, reason: outcome.reason, retriable: outcome.retriable })),
  });
}
