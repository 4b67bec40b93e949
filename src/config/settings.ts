// Every operator setting, defined once: its flag, environment variable, default, help line and
// zod schema. The parser (load.ts), `--help` and the README's tables (docs.ts) all read these
// definitions, so the three cannot drift apart. The file is long because it is a list: one
// entry per setting, kept in one place on purpose.
import { z } from "zod";
import { DEFAULT_LIMITS, LIMIT_ENV, type Limits } from "./limits.ts";
import { normalizeHostName, normalizeOrigin } from "./network.ts";
import { isPostgresUrl } from "../db/database.ts";
import { LOG_LEVELS } from "../log.ts";

/** Raw input of one setting: a string (flag or environment), a list (repeatable flag), or unset. */
type Raw = string | string[] | undefined;

export interface SettingDefinition {
  /** The flag without dashes: `port` for --port; `no-graphiql` for a switch that turns something off. */
  flag?: string;
  /** Shown after the flag in --help and the README: `<n>`. */
  placeholder?: string;
  env: string;
  /** The default as the docs show it. */
  shown: string;
  help: string;
  /** Repeatable flag; the environment variable is comma-separated. */
  list?: boolean;
  /** Who reads it: the server only, or the CLI too (the database it works on). */
  scope: "server" | "database";
  schema: z.ZodType<unknown, Raw>;
}

const got = (issue: { input?: unknown }) => `got ${JSON.stringify(issue.input)}`;

/** A whole number in [min, max], written in decimal digits. */
function integer(min: number, max: number, expected = `a whole number from ${min} to ${max}`) {
  const error = (issue: { input?: unknown }) => `must be ${expected}, ${got(issue)}`;
  return z
    .string()
    .regex(/^\s*\d+\s*$/, { error })
    .transform(Number)
    .pipe(z.number().min(min, { error }).max(max, { error }));
}

/** true/1/yes/on and false/0/no/off, in any case; anything else is refused, never read as true. */
export const booleanSetting = z.stringbool({
  truthy: ["true", "1", "yes", "on"],
  falsy: ["false", "0", "no", "off"],
  error: (issue) => `must be true or false (also 1/0, yes/no, on/off), ${got(issue)}`,
});

/** A list of items, each normalised by fn; fn's error message becomes the issue's. */
function listOf(fn: (raw: string) => string) {
  return z.array(
    z.string().transform((raw, ctx) => {
      try {
        return fn(raw);
      } catch (error) {
        ctx.issues.push({ code: "custom", message: (error as Error).message, input: raw });
        return z.NEVER;
      }
    }),
  );
}

const positiveInteger = integer(1, Number.MAX_SAFE_INTEGER, "a positive integer");

export const SETTINGS = {
  port: {
    flag: "port",
    placeholder: "<n>",
    env: "PORT",
    shown: "4000",
    help: "port to listen on (0: any free port)",
    scope: "server",
    schema: integer(0, 65535).default(4000),
  },
  host: {
    flag: "host",
    placeholder: "<addr>",
    env: "HOST",
    shown: "127.0.0.1",
    help: "address to listen on; an address beyond loopback needs --auth token",
    scope: "server",
    schema: z.string().default("127.0.0.1"),
  },
  dataDir: {
    flag: "data-dir",
    placeholder: "<dir>",
    env: "DATA_DIR",
    shown: "./data",
    help: "folder of the embedded SQLite database and the default storage",
    scope: "database",
    schema: z.string().default("data"),
  },
  databaseUrl: {
    flag: "database-url",
    placeholder: "<url>",
    env: "DATABASE_URL",
    shown: "–",
    help: "postgresql://… runs on PostgreSQL instead of the embedded SQLite database",
    scope: "database",
    schema: z.string().refine(isPostgresUrl, { error: "must be a postgresql:// URL (leave it unset for the embedded SQLite database)" }).optional(),
  },
  readDatabaseUrls: {
    flag: "read-database-url",
    placeholder: "<url>",
    env: "READ_DATABASE_URLS",
    list: true,
    shown: "– (reads on the primary)",
    help: "postgresql:// URL of a read replica that serves queries (PostgreSQL only; mutations and the reads of a mutation stay on --database-url)",
    scope: "server",
    schema: z.array(z.string().refine(isPostgresUrl, { error: (issue) => `must be a postgresql:// URL, ${got(issue)}` })).default([]),
  },
  readYourWritesWindowMs: {
    flag: "read-your-writes-window",
    placeholder: "<ms>",
    env: "READ_YOUR_WRITES_WINDOW_MS",
    shown: "5000",
    help: "after a caller's mutation, its queries read from the primary for this long (0: off; see README)",
    scope: "server",
    schema: integer(0, 3_600_000).default(5_000),
  },
  maxReplicaLagMs: {
    flag: "max-replica-lag",
    placeholder: "<ms>",
    env: "MAX_REPLICA_LAG_MS",
    shown: "10000",
    help: "a read replica further behind the primary than this is skipped until it catches up",
    scope: "server",
    schema: integer(0, 86_400_000).default(10_000),
  },
  storageRoot: {
    flag: "storage-root",
    placeholder: "<root>",
    env: "STORAGE_ROOT",
    shown: "<data-dir>/storage",
    help: "root of the default storage (a relative one is resolved against the working directory)",
    scope: "server",
    schema: z.string().optional(),
  },
  auth: {
    flag: "auth",
    placeholder: "<mode>",
    env: "AUTH",
    shown: "off",
    help: "off or token; off is refused unless --host is a loopback address",
    scope: "server",
    schema: z.enum(["off", "token"], { error: (issue) => `must be "off" or "token", ${got(issue)}` }).default("off"),
  },
  introspection: {
    flag: "no-introspection",
    env: "INTROSPECTION",
    shown: "on",
    help: "refuse __schema/__type queries and hide field suggestions",
    scope: "server",
    schema: booleanSetting.default(true),
  },
  graphiql: { flag: "no-graphiql", env: "GRAPHIQL", shown: "on", help: "do not serve the GraphiQL IDE", scope: "server", schema: booleanSetting.default(true) },
  ui: {
    flag: "no-ui",
    env: "UI",
    shown: "on",
    help: "do not serve the web UI at / (runs, records, lineage explorer)",
    scope: "server",
    schema: booleanSetting.default(true),
  },
  csrfPrevention: {
    flag: "no-csrf-prevention",
    env: "CSRF_PREVENTION",
    shown: "on",
    help: "accept simple (non-preflighted) requests without the x-graphql-yoga-csrf header",
    scope: "server",
    schema: booleanSetting.default(true),
  },
  corsOrigins: {
    flag: "cors-origin",
    placeholder: "<origin>",
    env: "CORS_ORIGINS",
    list: true,
    shown: "– (own origin only)",
    help: "browser origin allowed to call the service, e.g. https://app.example (the service's own origin always is)",
    scope: "server",
    schema: listOf(normalizeOrigin).default([]),
  },
  allowedHosts: {
    flag: "allowed-host",
    placeholder: "<name>",
    env: "ALLOWED_HOSTS",
    list: true,
    shown: "– (loopback)",
    help: "Host name served besides localhost, 127.x.x.x and [::1] (auth off: other names get 421; auth token: any name unless given)",
    scope: "server",
    schema: listOf(normalizeHostName).default([]),
  },
  logLevel: {
    flag: "log-level",
    placeholder: "<level>",
    env: "LOG_LEVEL",
    shown: "info",
    help: `${LOG_LEVELS.join(", ")}`,
    scope: "server",
    schema: z.enum(LOG_LEVELS, { error: (issue) => `must be one of ${LOG_LEVELS.join(", ")}, ${got(issue)}` }).default("info"),
  },
  responseCacheTtlMs: {
    flag: "response-cache-ttl",
    placeholder: "<ms>",
    env: "RESPONSE_CACHE_TTL_MS",
    shown: "0 (off)",
    help: "answer repeated queries from a per-caller cache for this long; every committed write empties it on this instance (docs/architecture.md)",
    scope: "server",
    schema: integer(0, 86_400_000).default(0),
  },
  plannedPages: {
    flag: "no-planned-pages",
    env: "PLANNED_PAGES",
    shown: "on",
    help: "answer every list query through the resolvers, never with records built in the database (docs/architecture.md)",
    scope: "server",
    schema: booleanSetting.default(true),
  },
  redisUrl: {
    flag: "redis-url",
    placeholder: "<url>",
    env: "REDIS_URL",
    shown: "– (this instance only)",
    help: "redis://… carries live updates (subscriptions) between every instance on the database; unset, a subscriber hears only the writes its own instance serves",
    scope: "server",
    schema: z
      .string()
      .regex(/^rediss?:\/\/./, { error: (issue) => `must be a redis:// or rediss:// URL, ${got(issue)}` })
      .optional(),
  },
  maxSubscriptionsPerConnection: {
    flag: "max-subscriptions-per-connection",
    placeholder: "<n>",
    env: "MAX_SUBSCRIPTIONS_PER_CONNECTION",
    shown: "100",
    help: "subscriptions one connection may hold at once; the next is refused with LIMIT_EXCEEDED",
    scope: "server",
    schema: integer(1, 1_000_000).default(100),
  },
  maxSubscriptionsPerToken: {
    flag: "max-subscriptions-per-token",
    placeholder: "<n>",
    env: "MAX_SUBSCRIPTIONS_PER_TOKEN",
    shown: "100",
    help: "subscriptions one token (or, with auth off, the local user) may hold at once on an instance; the next is refused with LIMIT_EXCEEDED",
    scope: "server",
    schema: integer(1, 1_000_000).default(100),
  },
  shutdownTimeoutMs: {
    flag: "shutdown-timeout",
    placeholder: "<ms>",
    env: "SHUTDOWN_TIMEOUT_MS",
    shown: "10000",
    help: "longest wait for in-flight requests on SIGTERM/SIGINT",
    scope: "server",
    schema: integer(0, 3_600_000).default(10_000),
  },
} satisfies Record<string, SettingDefinition>;

export type SettingKey = keyof typeof SETTINGS;
export type Settings = { [K in SettingKey]: z.output<(typeof SETTINGS)[K]["schema"]> };

export interface LimitDefinition {
  env: string;
  /** What is limited, for the docs. */
  help: string;
  /** What happens to a request over the limit, for the docs. */
  onExcess: string;
}

/** What happens to a request over most limits. */
const REFUSED = "`LIMIT_EXCEEDED`, nothing runs";

/** A limit's variable (src/config/limits.ts), with what it limits and what happens over it. */
function limit(key: keyof Limits, help: string, onExcess = REFUSED): LimitDefinition {
  return { env: LIMIT_ENV[key], help, onExcess };
}

/** The query limits (environment only), in the order the docs list them. */
export const LIMIT_SETTINGS: Readonly<Record<keyof Limits, LimitDefinition>> = {
  maxDepth: limit("maxDepth", "selection depth"),
  maxCost: limit("maxCost", "cost (scalar 1, object 2 + 1.5 × children, × literal `first`/`last`)"),
  maxAliases: limit("maxAliases", "aliases per document"),
  maxTokens: limit("maxTokens", "tokens per document"),
  maxDirectives: limit("maxDirectives", "directives per document"),
  maxPageSize: limit("maxPageSize", "page size (`first`/`last`)", "capped to the limit"),
  lineageMaxDepth: limit("lineageMaxDepth", "lineage depth (runs)", "capped (read by the lineage resolver from `ctx.limits`)"),
  lineageMaxNodes: limit("lineageMaxNodes", "lineage nodes", "capped, answer marked truncated"),
  maxBodyBytes: limit("maxBodyBytes", "request body", "HTTP 413, `LIMIT_EXCEEDED`"),
  requestTimeoutMs: limit(
    "requestTimeoutMs",
    "query time budget",
    "`LIMIT_EXCEEDED`; mutations are exempt (bounded by the 30 s transaction timeout) so that a write is never reported failed after it committed",
  ),
  metricsMaxOperationNames: limit("metricsMaxOperationNames", "operation names in `/metrics`", "later names are counted as `other`"),
};

const limitKeys = Object.keys(LIMIT_SETTINGS) as (keyof Limits)[];

/** Schema of the LIMIT_* variables: each a positive integer, unset ones at their default. */
export const limitsSchema = z.object(
  Object.fromEntries(limitKeys.map((key) => [key, positiveInteger.default(DEFAULT_LIMITS[key])])) as Record<keyof Limits, z.ZodDefault<typeof positiveInteger>>,
);

/** Schema of explicit limit values (createService's options): each a positive integer, unset ones left out. */
export const limitOverridesSchema = z.object(
  Object.fromEntries(limitKeys.map((key) => [key, positiveInteger.optional()])) as Record<keyof Limits, z.ZodOptional<typeof positiveInteger>>,
);
