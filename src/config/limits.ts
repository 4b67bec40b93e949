// The query limits and the authentication mode: the settings that shape every request, with
// their defaults, so that the server, the tests and the resolvers (ctx.limits) agree on them.

export type AuthMode = "off" | "token";

export interface Limits {
  /** Deepest selection set a document may nest (fields, not fragments). */
  maxDepth: number;
  /**
   * graphql-armor cost: a scalar costs 1, an object 2 plus 1.5 × its children, and a literal
   * `first`/`last` multiplies its field's cost (so `first: 1000` of a wide row is expensive).
   */
  maxCost: number;
  /** Aliases per operation (alias bombs repeat one expensive field under many names). */
  maxAliases: number;
  /** Lexical tokens per document (parsing itself is the cost). */
  maxTokens: number;
  /** Directives per operation. */
  maxDirectives: number;
  /** Largest `first`/`last` of a connection; larger requests are capped to it. */
  maxPageSize: number;
  /** Deepest lineage traversal, counted in runs; the lineage resolver caps `depth` to it. */
  lineageMaxDepth: number;
  /** Most nodes a lineage answer may hold; the resolver caps `maxNodes` to it. */
  lineageMaxNodes: number;
  /** Largest request body in bytes (413 above it). */
  maxBodyBytes: number;
  /** Milliseconds a query may run before it is cut off (mutations run to their end). */
  requestTimeoutMs: number;
  /**
   * Distinct operation names /metrics records as label values; later names are counted as
   * "other" (each name is a set of series, so clients must not be able to add them at will).
   */
  metricsMaxOperationNames: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxDepth: 12,
  maxCost: 50_000,
  maxAliases: 30,
  maxTokens: 5_000,
  maxDirectives: 20,
  maxPageSize: 1_000,
  lineageMaxDepth: 50,
  lineageMaxNodes: 5_000,
  maxBodyBytes: 1_000_000,
  requestTimeoutMs: 15_000,
  metricsMaxOperationNames: 200,
});

/** Environment variable of each limit, e.g. LIMIT_MAX_DEPTH=8. */
export const LIMIT_ENV: Readonly<Record<keyof Limits, string>> = Object.freeze({
  maxDepth: "LIMIT_MAX_DEPTH",
  maxCost: "LIMIT_MAX_COST",
  maxAliases: "LIMIT_MAX_ALIASES",
  maxTokens: "LIMIT_MAX_TOKENS",
  maxDirectives: "LIMIT_MAX_DIRECTIVES",
  maxPageSize: "LIMIT_MAX_PAGE_SIZE",
  lineageMaxDepth: "LIMIT_LINEAGE_MAX_DEPTH",
  lineageMaxNodes: "LIMIT_LINEAGE_MAX_NODES",
  maxBodyBytes: "LIMIT_MAX_BODY_BYTES",
  requestTimeoutMs: "LIMIT_REQUEST_TIMEOUT_MS",
  metricsMaxOperationNames: "LIMIT_METRICS_OPERATION_NAMES",
});
