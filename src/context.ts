// What one request carries: the database, the acting user and the instance's default storage.
import type { Database } from "./db/database.ts";

export interface Actor {
  id: number;
  uid: string;
  handle: string;
}

export interface Context {
  db: Database;
  user: Actor;
  defaultStorageId: number;
}
