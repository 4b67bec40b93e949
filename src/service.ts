// Wires a running instance together: database (migrated), local user, default storage and
// the GraphQL application with its security settings. Used by the server and the tests alike.
import path from "node:path";
import { resolveLimits, type AuthMode, type Limits } from "./config.ts";
import { openDatabase, type Database, type DatabaseOptions } from "./db/database.ts";
import { ensureDefaultStorage, ensureLocalUser } from "./domain/instance.ts";
import type { Logger } from "./log.ts";
import { openEventChannel } from "./live/event-target.ts";
import { createLiveHub, DEFAULT_SUBSCRIPTION_LIMIT } from "./live/hub.ts";
import { createApp } from "./yoga.ts";

export interface ServiceOptions extends DatabaseOptions {
  /** Root of the default storage; defaults to <dataDir>/storage. */
  storageRoot?: string;
  graphiql?: boolean;
  /** Serve the web UI; default true. */
  ui?: boolean;
  /** Folder of the built UI; default web/dist. */
  uiDir?: string;
  /** Default "off" (the embedded, loopback-only mode); the server refuses "off" off loopback. */
  auth?: AuthMode;
  /** Overrides of the defaults and LIMIT_* environment variables. */
  limits?: Partial<Limits>;
  introspection?: boolean;
  csrfPrevention?: boolean;
  /** Browser origins allowed besides the service's own (--cors-origin). */
  corsOrigins?: readonly string[];
  /** Host names served besides loopback ones (--allowed-host); see AppOptions. */
  allowedHosts?: readonly string[];
  logger?: Logger;
  processMetrics?: boolean;
  /** Response cache TTL in milliseconds (--response-cache-ttl); 0 or unset: off. */
  responseCacheTtlMs?: number;
  /** redis://… shares live updates between instances (--redis-url); unset: this instance only. */
  redisUrl?: string;
  /** Subscriptions one connection may hold (--max-subscriptions-per-connection); default 100. */
  maxSubscriptionsPerConnection?: number;
  /** Subscriptions one token may hold on this instance (--max-subscriptions-per-token); default 100. */
  maxSubscriptionsPerToken?: number;
}

export async function createService(options: ServiceOptions = {}) {
  const limits = resolveLimits(options.limits);
  const db: Database = await openDatabase(options);
  const user = await db.write((tx) => ensureLocalUser(tx));
  const storageRoot = options.storageRoot ?? path.join(path.resolve(options.dataDir ?? "data"), "storage");
  const storage = await db.write((tx) => ensureDefaultStorage(tx, storageRoot, user.id));
  const channel = await openEventChannel(options.redisUrl, options.logger).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  const live = createLiveHub({
    db,
    channel,
    databaseId: user.uid,
    maxPerConnection: options.maxSubscriptionsPerConnection ?? DEFAULT_SUBSCRIPTION_LIMIT,
    maxPerToken: options.maxSubscriptionsPerToken ?? DEFAULT_SUBSCRIPTION_LIMIT,
    logger: options.logger,
  });
  let shuttingDown = false;
  const yoga = createApp({
    db,
    localUser: { id: user.id, uid: user.uid, handle: user.handle, scopes: ["read", "write", "admin"] },
    defaultStorageId: storage.id,
    graphiql: options.graphiql,
    ui: options.ui,
    uiDir: options.uiDir,
    auth: options.auth ?? "off",
    limits,
    introspection: options.introspection,
    csrfPrevention: options.csrfPrevention,
    corsOrigins: options.corsOrigins,
    allowedHosts: options.allowedHosts,
    logger: options.logger,
    processMetrics: options.processMetrics,
    responseCacheTtlMs: options.responseCacheTtlMs,
    live,
    isShuttingDown: () => shuttingDown,
  });
  return {
    db,
    yoga,
    user,
    storage,
    limits,
    live,
    /** From now on /ready answers 503, so a load balancer stops sending new requests; open subscriptions end. */
    beginShutdown: () => {
      shuttingDown = true;
      void live.close();
    },
    close: async () => {
      await live.close();
      await db.close();
    },
  };
}

export type Service = Awaited<ReturnType<typeof createService>>;
