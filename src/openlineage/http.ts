// The OpenLineage HTTP API (spec/OpenLineage.yml): POST /api/v1/lineage (one event) and
// POST /api/v1/lineage/batch (a JSON array). Each request is turned into the GraphQL mutation
// ingestOpenLineage on its way in and its result back into the API's answer on the way out, so
// it passes every check GraphQL requests pass — host and origin, body limit, authentication
// and the write scope, metrics, the request log — with nothing of its own to keep in step.
import { gunzipSync } from "node:zlib";
import type { ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context.ts";
import type { EventResult } from "./ingest.ts";

type Route = "single" | "batch";
const ROUTES: Record<string, Route> = { "/api/v1/lineage": "single", "/api/v1/lineage/batch": "batch" };

/** The path a rewritten request was sent to, for the request log. */
export const requestedPaths = new WeakMap<Request, string>();
const routes = new WeakMap<Request, Route>();

const FIELDS = "index status reason field code retriable runUid transformUid";
const MUTATION = `mutation IngestOpenLineage($events: [JSON!]!) { ingestOpenLineage(events: $events) { ${FIELDS} } }`;

const json = (fetchAPI: { Response: typeof Response }, status: number, body: unknown, headers: Record<string, string> = {}) =>
  fetchAPI.Response.json(body, { status, headers: { "cache-control": "no-store", ...headers } });

const refused = (fetchAPI: { Response: typeof Response }, status: number, code: string, message: string) =>
  json(fetchAPI, status, { errors: [{ message, extensions: { code } }] });

/** Must come first among the plugins: every later one then sees the GraphQL request. */
export function useOpenLineageRoutes(options: { maxBodyBytes: number }): Plugin<Context> {
  return {
    async onRequest(payload) {
      const { request, fetchAPI } = payload;
      const path = new URL(request.url, "http://localhost").pathname.replace(/\/+$/, "");
      const route = ROUTES[path];
      if (!route) return;
      if (request.method !== "POST") {
        payload.endResponse(
          json(fetchAPI, 405, { errors: [{ message: `${path} accepts POST only`, extensions: { code: "BAD_REQUEST" } }] }, { allow: "POST" }),
        );
        return;
      }
      // Read here, within the body limit (the stream cannot be handed on to a new request).
      const body = await readCapped(request, options.maxBodyBytes);
      if (!body) {
        payload.endResponse(tooLarge(fetchAPI, options.maxBodyBytes));
        return;
      }
      const rewritten = new fetchAPI.Request(new URL("/graphql", request.url), {
        method: "POST",
        headers: request.headers,
        body: body as unknown as BodyInit,
        signal: request.signal,
      });
      routes.set(rewritten, route);
      requestedPaths.set(rewritten, path);
      payload.setRequest(rewritten);
    },
    onRequestParse({ request, setRequestParser }) {
      const route = routes.get(request);
      if (!route) return;
      setRequestParser(async (incoming) => {
        const fetchAPI = { Response };
        const body = await readBody(incoming, options.maxBodyBytes);
        if (body instanceof Response) return body;
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch (error) {
          return refused(fetchAPI, 400, "BAD_REQUEST", `the body is not valid JSON: ${(error as Error).message}`);
        }
        if (route === "batch" && !Array.isArray(parsed))
          return refused(fetchAPI, 400, "BAD_REQUEST", "the batch body must be a JSON array of OpenLineage events");
        return { query: MUTATION, operationName: "IngestOpenLineage", variables: { events: route === "batch" ? parsed : [parsed] } };
      });
    },
    onResultProcess(payload) {
      const route = routes.get(payload.request);
      if (!route) return;
      payload.setResultProcessor((result, fetchAPI) => answer(route, result as ExecutionResult, fetchAPI), "application/json");
    },
  };
}

/** The body's bytes, or null past maxBytes (counted as they arrive, whatever Content-Length says). */
async function readCapped(request: Request, maxBytes: number): Promise<Buffer | null> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > maxBytes) return null;
  if (!request.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The body as text: gzip (the Python client's `compression: gzip`) is undone, within the same limit. */
async function readBody(request: Request, maxBytes: number): Promise<string | Response> {
  const fetchAPI = { Response };
  const encoding = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "identity" && encoding !== "gzip" && encoding !== "x-gzip") {
    return refused(fetchAPI, 415, "BAD_REQUEST", `Content-Encoding ${JSON.stringify(encoding)} is not supported; send gzip or no encoding`);
  }
  const raw = Buffer.from(await request.arrayBuffer());
  if (raw.byteLength > maxBytes) return tooLarge(fetchAPI, maxBytes);
  if (encoding === "identity") return raw.toString("utf8");
  try {
    return gunzipSync(raw, { maxOutputLength: maxBytes }).toString("utf8");
  } catch (error) {
    if (error instanceof RangeError || (error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") return tooLarge(fetchAPI, maxBytes);
    return refused(fetchAPI, 400, "BAD_REQUEST", `the body is not valid gzip: ${(error as Error).message}`);
  }
}

const tooLarge = (fetchAPI: { Response: typeof Response }, maxBytes: number) =>
  json(fetchAPI, 413, {
    errors: [{ message: `request body limit of ${maxBytes} bytes exceeded`, extensions: { code: "LIMIT_EXCEEDED", limit: "maxBodyBytes", max: maxBytes } }],
  });

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

type ErrorLike = { message: string; extensions?: { code?: unknown; http?: { status?: number; headers?: Record<string, string> }; [key: string]: unknown } };

/** The API's answer: the batch summary, one event's outcome, or the refusal of the whole request. */
function answer(route: Route, result: ExecutionResult, fetchAPI: { Response: typeof Response }): Response {
  const results = (result.data as { ingestOpenLineage?: EventResult[] } | null | undefined)?.ingestOpenLineage;
  if (!results) {
    const errors = (result.errors ?? []) as readonly ErrorLike[];
    const first = errors[0];
    const code = typeof first?.extensions?.code === "string" ? first.extensions.code : "INTERNAL";
    const status = first?.extensions?.http?.status ?? STATUS_BY_CODE[code] ?? 500;
    const body = { errors: errors.map(({ message, extensions }) => ({ message, extensions: { ...extensions, http: undefined } })) };
    return json(fetchAPI, status, body, first?.extensions?.http?.headers ?? {});
  }
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
  const failed = results.filter((outcome) => outcome.status !== "success");
  const retriable = failed.filter((outcome) => outcome.retriable).length;
  return json(fetchAPI, 200, {
    status: failed.length ? "partial_success" : "success",
    summary: {
      received: results.length,
      successful: results.length - failed.length,
      failed: failed.length,
      retriable,
      non_retriable: failed.length - retriable,
    },
    failed_events: failed.map((outcome) => ({ index: outcome.index, reason: outcome.reason, retriable: outcome.retriable })),
  });
}
