// What one request carries: the database, the acting user with their scopes, the instance's
// default storage, the configured limits (resolvers cap their own arguments with them), the
// records its mutations wrote and the request id that ties log lines together.
import type { Limits } from "./config.ts";
import type { Database } from "./db/database.ts";
import type { Actor } from "./domain/write-context.ts";
import type { LiveHub } from "./live/hub.ts";
import type { Logger } from "./log.ts";

export type { Actor, Scope } from "./domain/write-context.ts";

export interface Context {
  db: Database;
  user: Actor;
  defaultStorageId: number;
  limits: Limits;
  /** Records this request's mutations wrote, as "Model:id": what a caller without read sees of an answer. */
  written: Set<string>;
  requestId: string;
  /** The request's logger: every line carries requestId. */
  log: Logger;
  /** The instance's live updates: what subscriptions listen to. */
  live: LiveHub;
}
