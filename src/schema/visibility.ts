// Scopes on mutation results: without `read`, a mutation's answer shows only the records the
// request's mutations wrote; every record type checks its parent against that set.
import type { Context } from "../context.ts";
import type { Tx } from "../db/database.ts";
import { writeAnnounced, writeContext, type WriteContext } from "../domain/write-context.ts";

export type RecordModel = "Transform" | "Run" | "Artifact" | "Collection" | "Param" | "ParamValue" | "User" | "Storage";

// One scope map for every record not written, so that scope-auth evaluates it once per request.
const READ = { read: true } as const;

/**
 * Type-level scopes of a record type: any record with `read`, and without it a record the
 * request's mutations wrote. Checked once per object (runScopesOnType), so the refusal lands
 * on the field that reached the record, whatever the way there (a relation, a list, an
 * interface or union), and none of the record's fields run.
 */
export function readOrWritten(model: RecordModel) {
  // a query has written nothing: no key to build for each of a page's records
  return (record: { id: number }, ctx: Context) => (ctx.written.size > 0 && ctx.written.has(`${model}:${record.id}`) ? true : READ);
}

/** Marks a record a mutation changed or answers with: its caller may see it without read. */
export function markWritten(ctx: Context, model: RecordModel, id: number): void {
  ctx.written.add(`${model}:${id}`);
}

/**
 * Runs a mutation's transaction with a client that notes every record it creates (the
 * transform `track` may create, the storage of a new root in `registerArtifact`, …): once the
 * transaction commits, they join the request's written records. Records the transaction only
 * reads or links to stay out. A retried attempt starts a new list, so a row that was rolled
 * back is never shown.
 */
export async function writeRecording<T>(ctx: Context, fn: (w: WriteContext) => Promise<T>): Promise<T> {
  const { value, created } = await writeAnnounced(ctx.db, async (tx, changes) => {
    const created: string[] = [];
    return { value: await fn(writeContext(ctx.db, tx, ctx.user, recordingCreates(tx, created), changes, created)), created };
  });
  for (const key of created) ctx.written.add(key);
  return value;
}

/** writeRecording for a mutation that answers with one record: that record is written too. */
export async function writeRecord<T extends { id: number }>(ctx: Context, model: RecordModel, fn: (w: WriteContext) => Promise<T>): Promise<T> {
  const record = await writeRecording(ctx, fn);
  markWritten(ctx, model, record.id);
  return record;
}

const DELEGATES = new Map<string | symbol, RecordModel>([
  ["transform", "Transform"],
  ["run", "Run"],
  ["artifact", "Artifact"],
  ["collection", "Collection"],
  ["param", "Param"],
  ["paramValue", "ParamValue"],
  ["user", "User"],
  ["storage", "Storage"],
]);

const bound = (target: object, value: unknown): unknown => (typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value);

function recordingCreates(tx: Tx, created: string[]): Tx {
  return new Proxy(tx, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      const model = DELEGATES.get(prop);
      if (!model) return bound(target, value);
      return new Proxy(value as object, {
        get(delegate, method) {
          const call: unknown = Reflect.get(delegate, method, delegate);
          if (method !== "create" && method !== "createManyAndReturn") return bound(delegate, call);
          return async (args: unknown) => {
            const result = await (call as (args: unknown) => Promise<{ id?: unknown } | { id?: unknown }[] | null>).call(delegate, args);
            for (const row of Array.isArray(result) ? result : [result]) if (typeof row?.id === "number") created.push(`${model}:${row.id}`);
            return result;
          };
        },
      });
    },
  });
}
