// Wires a running instance together: database (migrated), local user, default storage and
// the GraphQL application with its security settings. Used by the server and the tests alike.
import path from "node:path";
import { resolveLimits, type Limits } from "./config.ts";
import { openDatabase, type Database, type DatabaseOptions } from "./db/database.ts";
import { ensureDefaultStorage, ensureLocalUser } from "./domain/instance.ts";
import { createApp, type AppOptions } from "./yoga.ts";
import { openEventChannel } from "./live/event-target.ts";
import { createLiveHub, DEFAULT_SUBSCRIPTION_LIMIT } from "./live/hub.ts";

/** What createService fills in itself: the database, the local user and storage, the shutdown flag. */
type Wired = "db" | "localUser" | "defaultStorageId" | "limits" | "isShuttingDown";

export interface ServiceOptions extends DatabaseOptions, Omit<AppOptions, Wired> {
  /** Root of the default storage; defaults to <dataDir>/storage. */
  storageRoot?: string;
  /** Overrides of the defaults and LIMIT_* environment variables. */
  limits?: Partial<Limits>;
  /** redis://… shares live updates between instances (--redis-url); unset: this instance only. */
  redisUrl?: string;
  /** Subscriptions one connection may hold (--max-subscriptions-per-connection); default 100. */
  maxSubscriptionsPerConnection?: number;
  /** Subscriptions one token may hold on this instance (--max-subscriptions-per-token); default 100. */
  maxSubscriptionsPerToken?: number;
}

export async function createService(options: ServiceOptions = {}) {
  const { storageRoot: root, limits: overrides, ...app } = options;
  const limits = resolveLimits(overrides);
  const db: Database = await openDatabase(options);
  const user = await db.write((tx) => ensureLocalUser(tx));
  const storageRoot = root ?? path.join(path.resolve(options.dataDir ?? "data"), "storage");
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
    ...app,
    db,
    localUser: { id: user.id, uid: user.uid, handle: user.handle, scopes: ["read", "write", "admin"] },
    defaultStorageId: storage.id,
    limits,
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
