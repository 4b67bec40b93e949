// Rules on who may do what beyond a token's scope on the operation: permanent deletes and
// restoring another user's records need the admin scope.
import { AppError } from "./errors.ts";

export interface Caller {
  id: number;
  scopes: readonly string[];
}

export function requireAdmin(caller: Caller, action: string): void {
  if (!caller.scopes.includes("admin")) {
    throw new AppError("FORBIDDEN", `${action} needs the admin scope`);
  }
}

export function requireOwnerOrAdmin(caller: Caller, record: { createdById: number }, action: string): void {
  if (record.createdById !== caller.id && !caller.scopes.includes("admin")) {
    throw new AppError("FORBIDDEN", `${action} of a record created by another user needs the admin scope`);
  }
}
