// The GraphQL-over-HTTP application: schema, per-request context (who is calling, which
// limits apply), and the plugins that harden it — host and origin checks, authentication, query
// limits, CSRF prevention, error masking, metrics, request logs, readiness.
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { useDisableIntrospection } from "@graphql-yoga/plugin-disable-introspection";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { createYoga, type Plugin, type YogaServerInstance } from "graphql-yoga";
import { DEFAULT_LIMITS, type AuthMode, type Limits } from "./config.ts";
import type { Actor, Context } from "./context.ts";
import type { Database } from "./db/database.ts";
import { createLogger, yogaLogger, type Logger } from "./log.ts";
import { createRequestAuthenticator, useAuthentication } from "./plugins/authentication.ts";
import { maskError, useErrorCodes } from "./plugins/errors.ts";
import { useHostCheck } from "./plugins/hosts.ts";
import { useInputChecks } from "./plugins/input-checks.ts";
import { boundedParserCache, useLimits } from "./plugins/limits.ts";
import { useMetrics } from "./plugins/metrics.ts";
import { useOriginCheck } from "./plugins/origins.ts";
import { usePlannedPages } from "./plugins/planned-pages.ts";
import { useReadiness } from "./plugins/readiness.ts";
import { useReadRouting } from "./plugins/read-routing.ts";
import { useRequestLog } from "./plugins/request-log.ts";
import { useWebUi } from "./plugins/web.ts";
import { useResponseCacheOf } from "./plugins/response-cache.ts";
import { schema } from "./schema/index.ts";
import { useOpenLineageRoutes } from "./openlineage/http.ts";
import { inProcessChannel } from "./live/event-target.ts";
import { createLiveHub, DEFAULT_SUBSCRIPTION_LIMIT, type LiveHub } from "./live/hub.ts";

const DEFAULT_LIVE_LIMITS = { maxPerConnection: DEFAULT_SUBSCRIPTION_LIMIT, maxPerToken: DEFAULT_SUBSCRIPTION_LIMIT };

export interface AppOptions {
  db: Database;
  localUser: Actor;
  defaultStorageId: number;
  /** "off": every request acts as the local user with all scopes; "token": bearer tokens. */
  auth?: AuthMode;
  limits?: Limits;
  introspection?: boolean;
  graphiql?: boolean;
  /** Serve the web UI (web/dist) at / and its client-side routes; default true. */
  ui?: boolean;
  /** Folder of the built UI; default web/dist. */
  uiDir?: string;
  /** Require a non-simple header on requests a browser could send cross-site without preflight. */
  csrfPrevention?: boolean;
  /** Browser origins, besides the service's own, whose pages may call it (CORS). */
  corsOrigins?: readonly string[];
  /**
   * Host names served besides loopback ones. With auth "off" only those are served (DNS
   * rebinding); with "token", any name unless some are given.
   */
  allowedHosts?: readonly string[];
  logger?: Logger;
  /** Add process metrics (memory, event loop) to /metrics; for the one app of a server process. */
  processMetrics?: boolean;
  isShuttingDown?: () => boolean;
  /** Serve repeated queries from a per-caller cache for this many milliseconds; 0 or unset: off. */
  responseCacheTtlMs?: number;
  /** After a caller's mutation, its queries read from the primary for this many milliseconds; default 5 s. */
  readYourWritesWindowMs?: number;
  /** Live updates (subscriptions); default: this instance only, with the default limits. */
  live?: LiveHub;
  /** Answer list queries the page planner covers with statements that build their records in the database; default true. */
  plannedPages?: boolean;
}

/** The header browsers cannot add to a cross-site request without a CORS preflight. */
export const CSRF_HEADER = "x-graphql-yoga-csrf";

export function createApp(options: AppOptions): YogaServerInstance<Record<string, unknown>, Context> {
  const limits = options.limits ?? { ...DEFAULT_LIMITS };
  const introspection = options.introspection ?? true;
  const logger = options.logger ?? createLogger("warn");
  const errorLoggers = new WeakMap<object, Logger>();
  const auth = options.auth ?? "off";
  // With tokens, a page on a rebound name gains nothing (a bearer token is no ambient
  // credential a browser attaches by itself), and proxies may use any name: the Host is
  // checked only when names are given.
  const anyHost = auth === "token" && !options.allowedHosts?.length;
  const origins = useOriginCheck({ corsOrigins: options.corsOrigins });
  const authenticate = createRequestAuthenticator({ mode: auth, db: options.db, localUser: options.localUser });
  const csrfPrevention = options.csrfPrevention ?? true;
  const live = options.live ?? createLiveHub({ db: options.db, channel: inProcessChannel(), databaseId: "local", ...DEFAULT_LIVE_LIMITS });
  const metrics = useMetrics({ processMetrics: options.processMetrics, maxOperationNames: limits.metricsMaxOperationNames, db: options.db, live });
  const plugins: Plugin<Context>[] = [
    // First: a refused request reaches no other plugin, and its refusal is what gets logged.
    useHostCheck({ allowedHosts: options.allowedHosts, anyHost }) as Plugin<Context>,
    origins.plugin as Plugin<Context>,
    useRequestLog(logger, errorLoggers),
    ...((options.ui ?? true) ? [useWebUi({ dir: options.uiDir }) as Plugin<Context>] : []),
    useErrorCodes() as Plugin<Context>,
    useReadiness({ db: options.db, isShuttingDown: options.isShuttingDown ?? (() => false) }),
    metrics.plugin,
    // Before the limits: the query budget's race then holds over the planned answer too.
    ...((options.plannedPages ?? true) ? [usePlannedPages()] : []),
    ...useLimits(limits, { hideSuggestions: !introspection }),
    useAuthentication(authenticate),
    useInputChecks() as Plugin<Context>,
    useReadRouting({ windowMs: options.readYourWritesWindowMs ?? 5_000 }),
  ];
  if (csrfPrevention) plugins.push(useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }) as Plugin<Context>);
  if (!introspection) plugins.push(useDisableIntrospection() as Plugin<Context>);
  if (options.responseCacheTtlMs) plugins.push(useResponseCacheOf(options.db, { ttlMs: options.responseCacheTtlMs }));
  // Last: the host, origin and body checks above have seen the request; the routes then
  // authenticate and refuse as GraphQL requests are, and run the ingestion directly.
  plugins.push(useOpenLineageRoutes({ db: options.db, maxBodyBytes: limits.maxBodyBytes, authenticate, csrfHeader: csrfPrevention ? CSRF_HEADER : undefined }));

  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: "/graphql",
    healthCheckEndpoint: "/health",
    graphiql: options.graphiql ?? true,
    // The IDE's scripts are served from the package, not a CDN, so it works air-gapped.
    renderGraphiQL,
    landingPage: false,
    cors: origins.cors,
    maskedErrors: { maskError },
    parserAndValidationCache: boundedParserCache(),
    // The body cap is the limits plugin's (LIMIT_MAX_BODY_BYTES, checked before any parsing).
    // Yoga's own cap would pipe every body through one more stream, an abort signal and a
    // DOMException per request (half of a small request's CPU) to enforce a larger cap.
    maxRequestBodySize: false,
    logging: yogaLogger(logger, errorLoggers),
    plugins,
    // user and requestId are set by the authentication and request-log plugins; there is no
    // default user, so a request never runs as someone it was not authenticated as.
    context: () =>
      ({ db: options.db, defaultStorageId: options.defaultStorageId, limits, live, written: new Set(), requestId: "" }) as Partial<Context> as Context,
  });
}
