// What one request carries: the database, the acting user with their scopes, and the
// instance's default storage.
import type { Database } from "./db/database.ts";

export type Scope = "read" | "write" | "admin";

export interface Actor {
  id: number;
  uid: string;
  handle: string;
  scopes: readonly Scope[];
}

export interface Context {
  db: Database;
  user: Actor;
  defaultStorageId: number;
}
