// recordRuns: many runs in one call, each carrying its whole run (transform, params, inputs,
// outputs, status and times), written set-based in one transaction: the number of statements
// does not grow with the number of items (README: "Recording many runs at once"). One bad item
// fails the call and writes nothing; an item sent again (same uid, or same reference) answers
// its run and writes nothing.
import type { Database } from "../db/database.ts";
import { insertRows, lockKeys } from "../openlineage/sql.ts";
import { validateArtifactInput } from "./artifacts.ts";
import { invalid } from "./errors.ts";
import { normaliseStorageRoot } from "./instance.ts";
import { validateParamName } from "./params.ts";
import { checkRunUid } from "./run-retry.ts";
import { FINAL_STATUSES, RUN_STATUSES } from "./runs.ts";
import { findResent, type RecordedRun } from "./record-runs-resend.ts";
import { resolveTransforms, transformLockKey } from "./record-runs-transforms.ts";
import { writeInputs, writeOutputs, resolveStorages } from "./record-runs-artifacts.ts";
import { writeParams } from "./record-runs-params.ts";
import type { Fresh, RecordRunItem } from "./record-runs-input.ts";
import { base62, UID_LENGTH } from "./uid.ts";
import type { WriteContext } from "./write-context.ts";

export type { RecordedRun } from "./record-runs-resend.ts";
export type { Fresh, RecordRunItem, RecordRunOutput } from "./record-runs-input.ts";

/** Most items one call takes: larger batches are split by the client. */
export const MAX_RECORD_RUNS = 1_000;

const at = (i: number) => `input[${i}]`;

/** Checks one item on its own, before anything is looked up. */
function checkItem(item: RecordRunItem, i: number): void {
  if (item.uid != null) checkRunUid(item.uid, `${at(i)}.uid`);
  const status = item.status ?? "COMPLETED";
  if (!RUN_STATUSES.includes(status)) throw invalid(`${at(i)}.status`, `${JSON.stringify(status)} is not a run status`);
  const final = FINAL_STATUSES.includes(status);
  if (final && item.finishedAt == null) throw invalid(`${at(i)}.finishedAt`, `a ${status} run needs the time it finished`);
  if (!final && item.finishedAt != null) throw invalid(`${at(i)}.finishedAt`, `a ${status} run has not finished; leave finishedAt out`);
  if (item.finishedAt != null && item.finishedAt < item.startedAt) throw invalid(`${at(i)}.finishedAt`, "is before startedAt");
  const names = new Set<string>();
  (item.params ?? []).forEach((param, j) => {
    validateParamName(param.name, `${at(i)}.params[${j}].name`);
    if (names.has(param.name)) throw invalid(`${at(i)}.params[${j}].name`, `param ${JSON.stringify(param.name)} is given twice`);
    names.add(param.name);
  });
  (item.inputs ?? []).forEach((input, j) => {
    if ((input.uid == null) === (input.hash == null)) throw invalid(`${at(i)}.inputs[${j}]`, "give exactly one of uid and hash");
  });
  (item.outputs ?? []).forEach((output, j) => validateArtifactInput(output, `${at(i)}.outputs[${j}].`));
}

/** What names an item's run across resends: its uid, else its reference with its transform. */
function identityOf(item: RecordRunItem): string | null {
  if (item.uid != null) return `uid:${item.uid}`;
  if (item.reference == null) return null;
  const t = item.transform;
  return `reference:${JSON.stringify([item.reference, item.referenceType ?? null, t.uid, t.key, t.name, t.version, t.sourceCode ?? t.hash])}`;
}

function checkItems(items: readonly RecordRunItem[]): void {
  if (items.length > MAX_RECORD_RUNS) throw invalid("input", `at most ${MAX_RECORD_RUNS} runs per call; send the rest in another call`);
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    checkItem(item, i);
    const identity = identityOf(item);
    if (identity == null) return;
    const first = seen.get(identity);
    const field = item.uid != null ? `${at(i)}.uid` : `${at(i)}.reference`;
    if (first != null) throw invalid(field, `names the same run as ${at(first)}; each item records one run`);
    seen.set(identity, i);
  });
}

/** The locks of the call's logical keys (PostgreSQL): the ones track and registerArtifact take. */
function lockKeysOf(items: readonly RecordRunItem[], storageIds: Map<string, number>, defaultStorageId: number): string[] {
  return items.flatMap((item) => [
    ...(item.uid != null ? [`run:uid:${item.uid}`] : item.reference != null ? [`run:reference:${item.reference}`] : []),
    ...(item.transform.uid ? [] : [transformLockKey(item.transform)]),
    ...(item.outputs ?? []).flatMap((output) => [
      `artifact:hash:${output.hash}`,
      ...(output.key != null
        ? [`artifact:key:${output.storageRoot ? storageIds.get(normaliseStorageRoot(output.storageRoot)) : defaultStorageId}:${output.key}`]
        : []),
    ]),
  ]);
}

/**
 * Records the items' runs in the caller's transaction and answers them in input order. Every
 * check runs before the first write of its kind; any error rolls the whole call back.
 */
export async function recordRuns(
  w: WriteContext,
  db: Pick<Database, "provider" | "writerStatement">,
  items: readonly RecordRunItem[],
  options: { defaultStorageId: number },
) {
  checkItems(items);
  if (!items.length) return [];
  const storageIds = await resolveStorages(w, items);
  await lockKeys(db, w.tx, lockKeysOf(items, storageIds, options.defaultStorageId));
  const answered: (RecordedRun | undefined)[] = await findResent(w, items);
  const pending = items.map((item, index) => ({ item, index })).filter(({ index }) => !answered[index]);
  if (!pending.length) return answered as RecordedRun[];

  const transforms = await resolveTransforms(w, pending);
  const now = new Date();
  const rows = pending.map(({ item, index }) => ({
    uid: item.uid ?? base62(UID_LENGTH.run),
    transformId: transforms[index],
    status: item.status ?? "COMPLETED",
    startedAt: item.startedAt,
    finishedAt: item.finishedAt ?? null,
    reference: item.reference ?? null,
    referenceType: item.referenceType ?? null,
    createdAt: now,
    createdById: w.actor.id,
  }));
  const created = await insertRows<{ id: number | bigint; uid: string }>(db, w.tx, "Run", rows, ["id", "uid"]);
  const idOf = new Map(created.map((row) => [row.uid, Number(row.id)]));
  const fresh: Fresh[] = pending.map(({ item, index }, k) => ({ index, item, runId: idOf.get(rows[k].uid)!, transformId: transforms[index] }));
  const outputs = await writeOutputs(w, db, fresh, { storageIds, defaultStorageId: options.defaultStorageId });
  await writeInputs(w, db, fresh, outputs.byHash);
  await writeParams(w, db, fresh);
  for (const run of fresh) answered[run.index] = { id: run.runId, created: true, artifactIds: outputs.createdBy.get(run.runId) ?? [] };
  return answered as RecordedRun[];
}
