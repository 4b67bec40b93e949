// Typed views of envelop's execution arguments, which type the document and operation name as `any`
// so that one envelop serves several graphql-js versions.
import { getOperationAST, type DocumentNode, type OperationDefinitionNode } from "graphql";

export interface ExecutionArgsLike {
  document: unknown;
  operationName?: unknown;
}

/** The document Yoga parsed (and validated) for this execution. */
export function documentOf(args: ExecutionArgsLike): DocumentNode {
  return args.document as DocumentNode;
}

/** The operation name the request asked for, if any. */
export function operationNameOf(args: ExecutionArgsLike): string | undefined {
  return typeof args.operationName === "string" ? args.operationName : undefined;
}

/** The operation this execution runs, or null when the document does not single one out. */
export function operationOf(args: ExecutionArgsLike): OperationDefinitionNode | null | undefined {
  return getOperationAST(documentOf(args), operationNameOf(args));
}

/**
 * An operation a route runs without GraphQL (the OpenLineage API, src/openlineage/http.ts),
 * told to the request log and the metrics as a GraphQL execution would tell them.
 */
export interface DirectOperation {
  name: string;
  type: "mutation";
  /** performance.now() when the route took the request. */
  startedAt: number;
  /** The caller was authenticated and allowed: the operation ran (for this long, in ms). */
  executeMs?: number;
  /** Acting user's handle, once authenticated. */
  user?: string;
  /** Where it was refused: "context" (authentication) or "execute" (scope, internal failure). */
  errorPhase?: "context" | "execute";
  errorCodes?: string[];
  /** An internal failure, logged with the request. */
  error?: unknown;
}

export const directOperations = new WeakMap<Request, DirectOperation>();
