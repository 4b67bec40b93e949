// The operator's settings that shape every request — authentication mode and query limits —
// with their defaults, read from flags or environment in one place so the server, the tests
// and the resolvers (ctx.limits) agree on them.

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

/** Defaults, overridden by LIMIT_* environment variables, overridden by explicit values. */
export function resolveLimits(overrides: Partial<Limits> = {}, env: NodeJS.ProcessEnv = process.env): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(LIMIT_ENV) as (keyof Limits)[]) {
    const raw = env[LIMIT_ENV[key]];
    if (raw !== undefined && raw !== "") limits[key] = positiveInteger(LIMIT_ENV[key], raw);
    const given = overrides[key];
    if (given !== undefined) limits[key] = positiveInteger(key, String(given));
  }
  return limits;
}

function positiveInteger(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

/** Whether a listen address only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127(\.\d{1,3}){3}$/.test(bare) || /^::ffff:127(\.\d{1,3}){3}$/.test(bare);
}

export function parseAuthMode(raw: string | undefined): AuthMode | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (raw === "off" || raw === "token") return raw;
  throw new Error(`auth mode must be "off" or "token", got ${JSON.stringify(raw)}`);
}

/**
 * A browser origin as browsers serialise it (`https://app.example`, `http://localhost:5173`),
 * for --cors-origin. "*" and "null" are refused: either would let any page drive the service.
 */
export function normalizeOrigin(raw: string): string {
  const value = raw.trim();
  const invalid = (why: string) => new Error(`CORS origin ${JSON.stringify(raw)} ${why}`);
  if (value === "*" || value.toLowerCase() === "null") throw invalid("would allow any page; name each origin, e.g. https://app.example");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid("is not an origin (scheme://host[:port], e.g. https://app.example)");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw invalid("must use http or https");
  if (url.username || url.password || url.search || url.hash || url.pathname !== "/") {
    throw invalid("must be scheme://host[:port] only, without a path");
  }
  return url.origin;
}

/** A Host name the service answers to (any port), for --allowed-host; lower-cased, IPv6 in brackets. */
export function normalizeHostName(raw: string): string {
  let value = raw.trim().toLowerCase();
  if (value.includes(":") && !value.startsWith("[") && /^[0-9a-f:.]+$/.test(value)) value = `[${value}]`;
  const invalid = (why: string) => new Error(`allowed host ${JSON.stringify(raw)} ${why}`);
  if (/^\[[0-9a-f:.]+\]:\d+$/.test(value) || /^[^[\]:]+:\d+$/.test(value)) throw invalid("must be a name without a port (every port is served)");
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)$/.test(value)) throw invalid("is not a host name (e.g. registry.internal or 10.0.0.5)");
  try {
    return new URL(`http://${value}`).hostname;
  } catch {
    throw invalid("is not a host name (e.g. registry.internal or 10.0.0.5)");
  }
}

/** A comma-separated list setting (CORS_ORIGINS, ALLOWED_HOSTS): repeated flags win over the environment. */
export function listSetting(flags: readonly string[] | undefined, env: string | undefined): string[] {
  const given = flags?.length ? flags : (env ?? "").split(",");
  return given.map((item) => item.trim()).filter(Boolean);
}
