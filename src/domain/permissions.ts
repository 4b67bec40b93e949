// Rules on who may do what beyond a token's scope on the operation: permanent deletes and
// restoring another user's records need the admin scope.
import { forbidden } from "./errors.ts";
import type { Actor } from "./write-context.ts";

export function requireAdmin(actor: Pick<Actor, "scopes">, action: string): void {
  if (!actor.scopes.includes("admin")) throw forbidden(`${action} needs the admin scope`);
}

export function requireOwnerOrAdmin(actor: Pick<Actor, "id" | "scopes">, record: { createdById: number }, action: string): void {
  if (record.createdById !== actor.id && !actor.scopes.includes("admin")) {
    throw forbidden(`${action} of a record created by another user needs the admin scope`);
  }
}
