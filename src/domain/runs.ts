// The run lifecycle: track (get-or-create the transform, start a run, record params and
// inputs), inputs added later, finishing, and deletion (docs/design.md).
import type { Database, Tx } from "../db/database.ts";
import type { Run } from "../generated/sqlite/client.ts";
import { Binds } from "../openlineage/sql.ts";
import { requireAdmin, requireOwnerOrAdmin } from "./permissions.ts";
import { conflict, invalid } from "./errors.ts";
import { findArtifact, findRun, uidWhere } from "./lookups.ts";
import { findInputs, linkRunInputs, type InputUids } from "./run-inputs.ts";
import { addParamValues } from "./params.ts";
import { getOrCreateTransform, type TransformInput } from "./transforms.ts";
import { base62, UID_LENGTH } from "./uid.ts";
import { recomputeLatest } from "./versions.ts";
import { findTrackedRun } from "./run-retry.ts";
import { announce, type WriteContext } from "./write-context.ts";

export const RUN_STATUSES = ["SCHEDULED", "STARTED", "RESTARTED", "COMPLETED", "ERRORED", "ABORTED"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINAL_STATUSES: readonly RunStatus[] = ["COMPLETED", "ERRORED", "ABORTED"];

export interface TrackInput {
  /** A uid the client chose (20 base62 characters): sending the same track again returns that run. */
  uid?: string | null;
  transform: TransformInput;
  reference?: string | null;
  referenceType?: string | null;
  params?: unknown;
  defineMissingParams?: boolean | null;
  inputArtifactUids?: readonly string[] | null;
  inputCollectionUids?: readonly string[] | null;
  initiatedByRunUid?: string | null;
}

/** Get-or-create the transform, start a run, record its params and inputs. */
export async function track(w: WriteContext, input: TrackInput) {
  const { tx } = w;
  if (input.uid != null) {
    const tracked = await findTrackedRun(w, input.uid, input.transform);
    if (tracked) return tracked;
  }
  const transform = await getOrCreateTransform(w, input.transform);
  const initiatedBy = input.initiatedByRunUid ? await findRun(tx, input.initiatedByRunUid, "initiatedByRunUid") : null;
  const inputs = await findInputs(
    tx,
    { artifactUids: input.inputArtifactUids, collectionUids: input.inputCollectionUids },
    { artifacts: "inputArtifactUids", collections: "inputCollectionUids" },
  );
  const run = await tx.run.create({
    data: {
      uid: input.uid ?? base62(UID_LENGTH.run),
      transformId: transform.id,
      status: "STARTED",
      startedAt: new Date(),
      reference: input.reference ?? null,
      referenceType: input.referenceType ?? null,
      initiatedById: initiatedBy?.id ?? null,
      createdById: w.actor.id,
    },
  });
  if (input.params != null) {
    await addParamValues(w, { runId: run.id, isNew: true }, input.params, { defineMissing: input.defineMissingParams ?? false, field: "params" });
  }
  await linkRunInputs(tx, run.id, inputs, { isNewRun: true });
  w.changed({ model: "Run", kind: "STARTED", uid: run.uid, status: run.status });
  return run;
}

export interface AddRunInputsInput extends InputUids {
  runUid: string;
}

/** Records artifacts and collections as inputs of a run; its own outputs are skipped. */
export async function addRunInputs({ tx, changed }: WriteContext, input: AddRunInputsInput) {
  if (!input.artifactUids?.length && !input.collectionUids?.length) throw invalid("artifactUids", "give at least one artifact or collection");
  const run = await findRun(tx, input.runUid, "runUid");
  await linkRunInputs(tx, run.id, await findInputs(tx, input, { artifacts: "artifactUids", collections: "collectionUids" }));
  changed({ model: "Run", kind: "UPDATED", uid: run.uid, status: run.status });
  return run;
}

export interface FinishRunInput {
  uid: string;
  status?: RunStatus | null;
  reportUid?: string | null;
  environmentUid?: string | null;
}

function checkFinalStatus(status: RunStatus): void {
  if (!FINAL_STATUSES.includes(status)) {
    throw invalid("status", `a run finishes as ${FINAL_STATUSES.join(", ")}, not ${status}`);
  }
}

/**
 * finishRun's common case, an unfinished run finished with neither report nor environment, as
 * one statement written on its own (Database.writeStatement: on PostgreSQL one round trip
 * instead of three), raw because a Prisma call costs more than the statement (bench/README.md,
 * "Writes"). Null when it does not apply or changed nothing (no such run, a retry, a run
 * finished already): finishRun, in a transaction, then tells those apart.
 */
export async function finishRunAtOnce(db: Database, input: FinishRunInput): Promise<Run | null> {
  if (input.reportUid || input.environmentUid) return null;
  const status = input.status ?? "COMPLETED";
  checkFinalStatus(status);
  const binds = new Binds(db.provider);
  const { uid } = uidWhere("run", input.uid, "uid");
  const [finished] = await db.writeStatement<Run>(
    `UPDATE "Run" SET "status" = ${binds.add(status)}, "finishedAt" = ${binds.add(new Date())} WHERE "uid" = ${binds.add(uid)} AND "finishedAt" IS NULL AND "status" NOT IN (${FINAL_STATUSES.map((final) => binds.add(final)).join(", ")}) RETURNING *`,
    binds.values,
  );
  if (finished) announce(db, [{ model: "Run", kind: "FINISHED", uid: finished.uid, status: finished.status }]);
  return finished ?? null;
}

/** Finishes a run: every case, in the caller's transaction (finishRunAtOnce is the common one's shortcut). */
export async function finishRun({ tx, changed }: WriteContext, input: FinishRunInput) {
  const status = input.status ?? "COMPLETED";
  checkFinalStatus(status);
  const run = await findRun(tx, input.uid, "uid");
  // Finishing again in the state the run has is a retry: it answers the run unchanged.
  if (run.finishedAt && run.status === status) return run;
  if (run.finishedAt || FINAL_STATUSES.includes(run.status as RunStatus)) {
    throw conflict(`run ${run.uid} already finished (${run.status} at ${run.finishedAt?.toISOString()})`, { field: "uid" });
  }
  const report = input.reportUid ? await findArtifact(tx, input.reportUid, "report") : null;
  const environment = input.environmentUid ? await findArtifact(tx, input.environmentUid, "environment") : null;
  const data = {
    status,
    finishedAt: new Date(),
    ...(report ? { reportId: report.id } : {}),
    ...(environment ? { environmentId: environment.id } : {}),
  };
  // Guard against a concurrent finish: only an unfinished row is updated.
  const { count } = await tx.run.updateMany({ where: { id: run.id, finishedAt: null }, data });
  if (count === 0) {
    const finished = await tx.run.findUniqueOrThrow({ where: { id: run.id } });
    if (finished.status === status) return finished; // a concurrent retry finished it first
    throw conflict(`run ${run.uid} already finished`, { field: "uid" });
  }
  changed({ model: "Run", kind: "FINISHED", uid: run.uid, status });
  return { ...run, ...data };
}

/** A run is removed for good only once no output points to it (its own report and environment aside). */
async function refuseWhileOutputs(tx: Tx, run: { id: number; uid: string }, ownFiles: number[]): Promise<void> {
  const [artifacts, collections] = await Promise.all([
    tx.artifact.findMany({ where: { runId: run.id, id: { notIn: ownFiles } }, select: { uid: true } }),
    tx.collection.findMany({ where: { runId: run.id }, select: { uid: true } }),
  ]);
  const outputs = [...artifacts, ...collections].map((o) => o.uid);
  if (outputs.length === 0) return;
  const more = outputs.length > 20 ? ` and ${outputs.length - 20} more` : "";
  throw conflict(`run ${run.uid} still has outputs: ${outputs.slice(0, 20).join(", ")}${more}; delete them first`, { field: "uid", outputUids: outputs });
}

/** Removes a deleted run's report or environment artifact when nothing else uses it. */
async function removeIfUnused(tx: Tx, artifactId: number): Promise<void> {
  const stillUsed = await tx.run.count({ where: { OR: [{ reportId: artifactId }, { environmentId: artifactId }] } });
  const otherwiseUsed =
    (await tx.runInputArtifact.count({ where: { artifactId } })) +
    (await tx.collectionArtifact.count({ where: { artifactId } })) +
    (await tx.collection.count({ where: { metaArtifactId: artifactId } }));
  const artifact = await tx.artifact.findUnique({ where: { id: artifactId }, select: { runId: true, stem: true } });
  if (artifact && stillUsed === 0 && otherwiseUsed === 0 && artifact.runId == null) {
    await tx.artifact.delete({ where: { id: artifactId } });
    await recomputeLatest(tx, "artifact", artifact.stem);
  }
}

/**
 * Soft delete moves the run to the trash. Permanent delete refuses, naming them, while
 * outputs point to the run; otherwise it removes the run's links and param links, and its
 * report and environment artifacts when no other run uses them.
 */
export async function deleteRun({ tx, actor }: WriteContext, uid: string, permanent: boolean) {
  if (permanent) requireAdmin(actor, "a permanent delete");
  const run = await findRun(tx, uid, "uid");
  if (!permanent) {
    await tx.run.update({ where: { id: run.id }, data: { trashedAt: new Date() } });
    return run;
  }
  // The run's own report and environment may name it as their run; they are not outputs.
  const ownFiles = [run.reportId, run.environmentId].filter((id): id is number => id != null);
  await refuseWhileOutputs(tx, run, ownFiles);
  if (ownFiles.length) await tx.artifact.updateMany({ where: { id: { in: ownFiles }, runId: run.id }, data: { runId: null } });
  await tx.run.updateMany({ where: { initiatedById: run.id }, data: { initiatedById: null } });
  await tx.run.delete({ where: { id: run.id } });
  for (const artifactId of ownFiles) await removeIfUnused(tx, artifactId);
  return run;
}

export async function restoreRun({ tx, actor }: WriteContext, uid: string) {
  const run = await findRun(tx, uid, "uid");
  requireOwnerOrAdmin(actor, run, "restoring");
  return tx.run.update({ where: { id: run.id }, data: { trashedAt: null } });
}
