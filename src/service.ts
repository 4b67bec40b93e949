// Wires a running instance together: database (migrated), local user, default storage and
// the GraphQL application with its security settings. Used by the server and the tests alike.
import path from "node:path";
import { resolveLimits, type Limits } from "./config.ts";
import { openDatabase, type Database, type DatabaseOptions } from "./db/database.ts";
import { ensureDefaultStorage, ensureLocalUser } from "./domain/instance.ts";
import { createApp, type AppOptions } from "./yoga.ts";

/** What createService fills in itself: the database, the local user and storage, the shutdown flag. */
type Wired = "db" | "localUser" | "defaultStorageId" | "limits" | "isShuttingDown";

export interface ServiceOptions extends DatabaseOptions, Omit<AppOptions, Wired> {
  /** Root of the default storage; defaults to <dataDir>/storage. */
  storageRoot?: string;
  /** Overrides of the defaults and LIMIT_* environment variables. */
  limits?: Partial<Limits>;
}

export async function createService(options: ServiceOptions = {}) {
  const { storageRoot: root, limits: overrides, ...app } = options;
  const limits = resolveLimits(overrides);
  const db: Database = await openDatabase(options);
  const user = await db.write((tx) => ensureLocalUser(tx));
  const storageRoot = root ?? path.join(path.resolve(options.dataDir ?? "data"), "storage");
  const storage = await db.write((tx) => ensureDefaultStorage(tx, storageRoot, user.id));
  let shuttingDown = false;
  const yoga = createApp({
    ...app,
    db,
    localUser: { id: user.id, uid: user.uid, handle: user.handle, scopes: ["read", "write", "admin"] },
    defaultStorageId: storage.id,
    limits,
    isShuttingDown: () => shuttingDown,
  });
  return {
    db,
    yoga,
    user,
    storage,
    limits,
    /** From now on /ready answers 503, so a load balancer stops sending new requests. */
    beginShutdown: () => {
      shuttingDown = true;
    },
    close: () => db.close(),
  };
}

export type Service = Awaited<ReturnType<typeof createService>>;
