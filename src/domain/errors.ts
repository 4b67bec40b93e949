// The errors a client can act on, as plain values: a stable code, the input field at fault
// (where one is) and details. They know nothing of GraphQL or HTTP; src/plugins/errors.ts maps
// them to GraphQL errors at the edge (docs/architecture.md, "Errors").

export type ErrorCode =
  | "NOT_FOUND"
  | "VALIDATION_FAILED"
  | "CONFLICT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "RETRYABLE"
  /** a configured query limit (depth, cost, aliases, body size, time budget…) was exceeded */
  | "LIMIT_EXCEEDED";

export type ErrorDetails = { field?: string } & Record<string, unknown>;

export class DomainError extends Error {
  override readonly name = "DomainError";
  readonly code: ErrorCode;
  /** the input field at fault, as the client named it (`input.key`, `values`, `filter.params.name`…) */
  readonly field: string | undefined;
  /** what else a client needs to act on the error (the offending uids, params, limits…) */
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    const { field, ...rest } = details;
    this.code = code;
    this.field = field;
    this.details = rest;
  }
}

export const notFound = (what: string, key: string, field?: string) => new DomainError("NOT_FOUND", `${what} ${JSON.stringify(key)} does not exist`, { field });

/** NOT_FOUND with a message of its own. */
export const missing = (message: string, details: ErrorDetails = {}) => new DomainError("NOT_FOUND", message, details);

/** VALIDATION_FAILED for one field: the message is prefixed with the field's name. */
export const invalid = (field: string, message: string, details: Record<string, unknown> = {}) =>
  new DomainError("VALIDATION_FAILED", `${field}: ${message}`, { field, ...details });

/** VALIDATION_FAILED with a message that names its offenders itself (several params, values…). */
export const validationFailed = (message: string, details: ErrorDetails = {}) => new DomainError("VALIDATION_FAILED", message, details);

export const conflict = (message: string, details: ErrorDetails = {}) => new DomainError("CONFLICT", message, details);

export const forbidden = (message: string) => new DomainError("FORBIDDEN", message);

export const unauthenticated = (message: string) => new DomainError("UNAUTHENTICATED", message);

export const retryable = (message: string) => new DomainError("RETRYABLE", message);

export const limitExceeded = (message: string, details: ErrorDetails = {}) => new DomainError("LIMIT_EXCEEDED", message, details);
