// Where a request reads when the database has read replicas (README: read replicas). A
// mutation runs all its reads on the primary, and so does a query that asks for it with
// `x-lineage-consistency: primary`. After a caller's mutation, that caller's queries read from
// the primary for a short window (read-your-writes on this instance); other queries read from
// a fit replica, falling back to the primary when none is. Subscriptions read the primary.
import { OperationTypeNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context.ts";
import { invalid } from "../domain/errors.ts";
import { toGraphQLError } from "./errors.ts";
import { operationOf } from "./operation.ts";

export const CONSISTENCY_HEADER = "x-lineage-consistency";
const CONSISTENCY_VALUES: ReadonlySet<string> = new Set(["primary", "replica"]);

/** Callers remembered past their window are forgotten once the map is this large. */
const MAX_REMEMBERED = 10_000;

export function useReadRouting(options: { windowMs: number; now?: () => number }): Plugin<Context> {
  const now = options.now ?? Date.now;
  const lastWrite = new Map<number, number>();
  const remember = (userId: number) => {
    lastWrite.delete(userId); // re-inserted last: the map stays in order of writes
    lastWrite.set(userId, now());
    if (lastWrite.size <= MAX_REMEMBERED) return;
    for (const [id, at] of lastWrite) {
      if (at > now() - options.windowMs) break;
      lastWrite.delete(id);
    }
  };
  return {
    onContextBuilding({ context }) {
      // Checked before anything runs: a misspelt value must not silently read stale data.
      const value = context.request.headers.get(CONSISTENCY_HEADER);
      if (value === null || CONSISTENCY_VALUES.has(value.trim().toLowerCase())) return;
      throw toGraphQLError(invalid(CONSISTENCY_HEADER, `the ${CONSISTENCY_HEADER} header must be "primary" or "replica", got ${JSON.stringify(value)}`));
    },
    onExecute({ args, extendContext }) {
      const context = args.contextValue;
      const mutation = operationOf(args)?.operation === OperationTypeNode.MUTATION;
      const asked = context.request.headers.get(CONSISTENCY_HEADER)?.trim().toLowerCase() === "primary";
      const wroteLately = (lastWrite.get(context.user.id) ?? Number.NEGATIVE_INFINITY) > now() - options.windowMs;
      if (mutation || asked || wroteLately) extendContext({ db: context.db.onPrimary() });
      if (!mutation || options.windowMs === 0) return;
      return { onExecuteDone: () => remember(context.user.id) };
    },
    // An event is announced once its write committed on the primary, and its record is read
    // at once: a replica may not have it yet, so a subscription reads from the primary.
    onSubscribe({ args, extendContext }) {
      extendContext({ db: args.contextValue.db.onPrimary() });
    },
  };
}
