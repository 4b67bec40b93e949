// Who acts, and the one context every domain write takes: the transaction, the lock that
// serialises writes on the same logical keys, and the acting user (docs/architecture.md,
// "Writes").
import type { Database, Tx } from "../db/database.ts";

export type Scope = "read" | "write" | "admin";

/** The user a request (or a CLI command, or an ingested event) acts as, with the scopes it holds. */
export interface Actor {
  id: number;
  uid: string;
  handle: string;
  scopes: readonly Scope[];
}

export interface WriteContext {
  /** the transaction's client: every read and write of the operation goes through it */
  tx: Tx;
  /** takes transaction-scoped locks on logical keys ("artifact:hash:…") until the transaction ends */
  lock(...keys: string[]): Promise<void>;
  actor: Actor;
}

/** The write context of a transaction that `db.write` opened. */
export function writeContext(db: Pick<Database, "lock">, tx: Tx, actor: Actor, client: Tx = tx): WriteContext {
  return { tx: client, lock: (...keys) => db.lock(tx, ...keys), actor };
}
