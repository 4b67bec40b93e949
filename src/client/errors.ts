// Errors of the client: one class a caller can catch, carrying the service's stable
// extensions.code and the input field at fault (README: "Errors").

/** Codes the client adds for failures that never reached a GraphQL answer. */
export type TransportCode = "NETWORK_ERROR" | "TIMEOUT" | "HTTP_ERROR";

export class LineageError extends Error {
  /** the service's extensions.code (NOT_FOUND, VALIDATION_FAILED, CONFLICT, …) or a TransportCode */
  readonly code: string;
  /** the input the service blames (extensions.field), when one is at fault */
  readonly field: string | undefined;
  /** every extension the service sent (e.g. unknownParams, maxLength) */
  readonly extensions: Record<string, unknown>;
  /** the HTTP status, when an answer arrived */
  readonly status: number | undefined;
  /** the operation that failed */
  readonly operation: string | undefined;

  constructor(
    message: string,
    options: { code: string; field?: string; extensions?: Record<string, unknown>; status?: number; operation?: string; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = "LineageError";
    this.code = options.code;
    this.field = options.field;
    this.extensions = options.extensions ?? { code: options.code };
    this.status = options.status;
    this.operation = options.operation;
  }

  /** Whether sending the same request again may succeed (the service or the network was busy). */
  get retryable(): boolean {
    return ["RETRYABLE", "NETWORK_ERROR", "TIMEOUT"].includes(this.code) || [429, 502, 503, 504].includes(this.status ?? 0);
  }
}
