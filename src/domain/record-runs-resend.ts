// recordRuns sent again: an item whose uid (or, without one, whose reference and transform)
// names a run already recorded answers that run and writes nothing; the same name with other
// content is a CONFLICT on the field that differs (README: "Which writes are safe to retry").
import { conflict } from "./errors.ts";
import type { RecordRunItem } from "./record-runs-input.ts";
import { namesTransform } from "./run-retry.ts";
import type { WriteContext } from "./write-context.ts";

/** A run of the call's answer: `created` is false for an item sent again. */
export interface RecordedRun {
  id: number;
  created: boolean;
  /** artifacts the call created as the run's outputs */
  artifactIds: number[];
}

const runSelect = {
  id: true,
  uid: true,
  status: true,
  startedAt: true,
  finishedAt: true,
  reference: true,
  referenceType: true,
  createdById: true,
  transform: { select: { uid: true, stem: true, name: true, key: true, version: true, hash: true } },
} as const;

type Stored = {
  uid: string;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  reference: string | null;
  referenceType: string | null;
  transform: Parameters<typeof namesTransform>[1];
};

const time = (date: Date | null | undefined) => date?.getTime() ?? null;

/** The first field in which an item differs from the run stored under its name, or null. */
function difference(item: RecordRunItem, run: Stored, byUid: boolean): string | null {
  if (byUid && !namesTransform(item.transform, run.transform)) return "transform";
  if ((item.status ?? "COMPLETED") !== run.status) return "status";
  if (time(item.startedAt) !== time(run.startedAt)) return "startedAt";
  if (time(item.finishedAt) !== time(run.finishedAt)) return "finishedAt";
  if (byUid && ((item.reference ?? null) !== run.reference || (item.referenceType ?? null) !== run.referenceType)) return "reference";
  return null;
}

function refused(i: number, run: Stored, field: string, by: string) {
  return conflict(
    `input[${i}]: run ${run.uid} was recorded under this ${by} with another ${field}; an item sent again must be the same (a new run needs a new ${by})`,
    { field: `input[${i}].${field}`, runUid: run.uid },
  );
}

/** For each item, the run it names when it was recorded before (one statement). */
export async function findResent(w: WriteContext, items: readonly RecordRunItem[]): Promise<(RecordedRun | undefined)[]> {
  const uids = items.flatMap((item) => (item.uid != null ? [item.uid] : []));
  const references = items.flatMap((item) => (item.uid == null && item.reference != null ? [item.reference] : []));
  if (!uids.length && !references.length) return [];
  const or = [...(uids.length ? [{ uid: { in: uids } }] : []), ...(references.length ? [{ reference: { in: references }, createdById: w.actor.id }] : [])];
  const rows = await w.tx.run.findMany({ where: { OR: or }, select: runSelect });
  const answer = (run: { id: number }): RecordedRun => ({ id: run.id, created: false, artifactIds: [] });
  return items.map((item, i) => {
    if (item.uid != null) {
      const run = rows.find((row) => row.uid === item.uid);
      if (!run) return undefined;
      if (run.createdById !== w.actor.id) {
        throw conflict(`input[${i}]: run uid ${item.uid} is already taken by another user's run; draw a new uid`, { field: `input[${i}].uid` });
      }
      const field = difference(item, run, true);
      if (field) throw refused(i, run, field, "uid");
      return answer(run);
    }
    if (item.reference == null) return undefined;
    const named = rows.filter(
      (row) =>
        row.reference === item.reference &&
        row.referenceType === (item.referenceType ?? null) &&
        row.createdById === w.actor.id &&
        namesTransform(item.transform, row.transform),
    );
    if (!named.length) return undefined;
    const same = named.find((row) => difference(item, row, false) == null);
    if (same) return answer(same);
    throw refused(i, named[0], difference(item, named[0], false)!, "reference");
  });
}
