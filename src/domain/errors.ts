// The errors a client can act on: each carries a stable extensions.code and, where one
// input is at fault, the name of that field.
import { GraphQLError } from "graphql";

export type ErrorCode =
  | "NOT_FOUND"
  | "VALIDATION_FAILED"
  | "CONFLICT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "RETRYABLE"
  /** a configured query limit (depth, cost, aliases, body size, time budget…) was exceeded */
  | "LIMIT_EXCEEDED";

export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, details: { field?: string; [key: string]: unknown } = {}) {
    super(message, { extensions: { code, ...details } });
  }
}

export const notFound = (what: string, key: string, field?: string) => new AppError("NOT_FOUND", `${what} ${JSON.stringify(key)} does not exist`, { field });

export const invalid = (field: string, message: string, details: Record<string, unknown> = {}) =>
  new AppError("VALIDATION_FAILED", `${field}: ${message}`, { field, ...details });

export const conflict = (message: string, details: Record<string, unknown> = {}) => new AppError("CONFLICT", message, details);
