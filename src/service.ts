// Wires a running instance together: database (migrated), local user, default storage and
// the GraphQL application. Used by the server and by the tests alike.
import path from "node:path";
import { openDatabase, type Database, type DatabaseOptions } from "./db/database.ts";
import { ensureDefaultStorage, ensureLocalUser } from "./domain/instance.ts";
import { createApp } from "./yoga.ts";

export interface ServiceOptions extends DatabaseOptions {
  /** Root of the default storage; defaults to <dataDir>/storage. */
  storageRoot?: string;
  graphiql?: boolean;
}

export async function createService(options: ServiceOptions = {}) {
  const db: Database = await openDatabase(options);
  const user = await ensureLocalUser(db.prisma);
  const storageRoot = options.storageRoot ?? path.join(path.resolve(options.dataDir ?? "data"), "storage");
  const storage = await ensureDefaultStorage(db.prisma, storageRoot, user.id);
  const yoga = createApp({
    db,
    localUser: { id: user.id, uid: user.uid, handle: user.handle, scopes: ["read", "write", "admin"] },
    defaultStorageId: storage.id,
    graphiql: options.graphiql,
  });
  return { db, yoga, user, storage, close: () => db.close() };
}

export type Service = Awaited<ReturnType<typeof createService>>;
