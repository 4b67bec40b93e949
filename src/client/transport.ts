// Sending one typed operation: graphql-request carries it; this module adds the token, a
// timeout per attempt, and retries with exponential backoff and full jitter on answers that
// say "try again" (RETRYABLE, HTTP 429/502/503/504, honouring Retry-After) and on network failures.
// Retrying is safe because every write the client sends is idempotent (README: "Which writes
// are safe to retry").
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { Kind, type DocumentNode } from "graphql";
import { ClientError, GraphQLClient } from "graphql-request";
import { LineageError } from "./errors.ts";

export interface RetryOptions {
  /** attempts after the first (default 5) */
  retries?: number;
  /** first backoff in ms (default 200); each retry doubles it, up to maxDelayMs */
  minDelayMs?: number;
  /** longest wait between attempts in ms (default 10 s); a longer Retry-After is capped to it */
  maxDelayMs?: number;
}

export interface TransportOptions {
  /** the service's GraphQL endpoint (default http://127.0.0.1:4000/graphql) */
  url?: string;
  /** bearer token; defaults to the LINEAGE_TOKEN environment variable */
  token?: string;
  /** time each attempt may take, in ms (default 30 s) */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** called before each retry: the error that caused it and the wait */
  onRetry?: (error: LineageError, attempt: number, delayMs: number) => void;
  /** a fetch implementation (default: the global one) */
  fetch?: typeof fetch;
}

export const DEFAULT_URL = "http://127.0.0.1:4000/graphql";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds or an HTTP date, as RFC 9110 allows; null when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function operationName(document: DocumentNode): string | undefined {
  for (const definition of document.definitions) if (definition.kind === Kind.OPERATION_DEFINITION) return definition.name?.value;
  return undefined;
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused (ECONNREFUSED): is the server running?",
  ECONNRESET: "the connection was reset (ECONNRESET)",
  ENOTFOUND: "unknown host (ENOTFOUND)",
  UND_ERR_SOCKET: "the connection closed before the answer (UND_ERR_SOCKET)",
};

/** Maps whatever a failed attempt threw to a LineageError. */
export function toLineageError(error: unknown, operation: string | undefined, url: string, timeoutMs: number): LineageError {
  if (error instanceof LineageError) return error;
  if (error instanceof ClientError) {
    const { status, errors } = error.response;
    const first = errors?.[0];
    const extensions = (first?.extensions ?? {}) as Record<string, unknown>;
    const code = typeof extensions.code === "string" ? extensions.code : "HTTP_ERROR";
    const field = typeof extensions.field === "string" ? extensions.field : undefined;
    const message = first?.message ?? `HTTP ${status} from ${url}`;
    return new LineageError(message, { code, field, extensions: { ...extensions, code }, status, operation, cause: error });
  }
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err?.name === "TimeoutError" || err?.name === "AbortError") {
    return new LineageError(`no answer from ${url} within ${timeoutMs} ms`, { code: "TIMEOUT", operation, cause: error });
  }
  const code = err?.cause?.code;
  const reason = code ? (NETWORK_REASONS[code] ?? code) : (err?.cause?.message ?? err?.message ?? String(error));
  return new LineageError(`cannot reach ${url}: ${reason}`, { code: "NETWORK_ERROR", operation, cause: error });
}

export class Transport {
  readonly url: string;
  readonly timeoutMs: number;
  private readonly client: GraphQLClient;
  private readonly retry: Required<RetryOptions>;

  constructor(private readonly options: TransportOptions = {}) {
    this.url = options.url ?? DEFAULT_URL;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retry = { retries: 5, minDelayMs: 200, maxDelayMs: 10_000, ...options.retry };
    const token = options.token ?? process.env.LINEAGE_TOKEN;
    const headers: Record<string, string> = { accept: "application/graphql-response+json, application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    this.client = new GraphQLClient(this.url, { headers, ...(options.fetch ? { fetch: options.fetch } : {}) });
  }

  /** The wait before retry number `attempt` (1-based): Retry-After when the service sent one, else full jitter. */
  delayFor(error: LineageError, attempt: number): number {
    const headers = error.cause instanceof ClientError ? error.cause.response.headers : undefined;
    const asked = retryAfterMs(headers?.get("retry-after"));
    const cap = this.retry.maxDelayMs;
    if (asked != null) return Math.min(cap, asked + Math.random() * this.retry.minDelayMs);
    return Math.random() * Math.min(cap, this.retry.minDelayMs * 2 ** (attempt - 1));
  }

  async request<T, V extends object>(document: TypedDocumentNode<T, V>, variables: V): Promise<T> {
    const operation = operationName(document);
    for (let attempt = 0; ; attempt++) {
      try {
        // graphql-request types `variables` with a conditional type that a generic V cannot
        // resolve: the document goes as a plain document with plain variables, and this method's
        // signature ties V to the operation for every caller.
        return await this.client.request<T, object>({ document, variables, signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (thrown) {
        const error = toLineageError(thrown, operation, this.url, this.timeoutMs);
        if (!error.retryable || attempt >= this.retry.retries) throw error;
        const delay = this.delayFor(error, attempt + 1);
        this.options.onRetry?.(error, attempt + 1, delay);
        await sleep(delay);
      }
    }
  }
}
