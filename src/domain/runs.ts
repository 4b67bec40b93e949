// The run lifecycle: track (get-or-create the transform, start a run, record params and
// inputs), inputs added later, finishing, and deletion (docs/design.md).
import type { Database, Tx } from "../db/database.ts";
import { requireAdmin, requireOwnerOrAdmin, type Caller } from "./permissions.ts";
import { AppError, conflict, invalid } from "./errors.ts";
import { findArtifacts, findRun } from "./artifacts.ts";
import { findCollections } from "./collections.ts";
import { linkRunInputs } from "./run-inputs.ts";
import { addParamValues } from "./params.ts";
import { getOrCreateTransform, type TransformInput } from "./transforms.ts";
import { base62, UID_LENGTH } from "./uid.ts";
import { recomputeLatest } from "./versions.ts";
import { findTrackedRun } from "./run-retry.ts";

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

export async function track(db: Database, tx: Tx, input: TrackInput, userId: number) {
  if (input.uid != null) {
    const tracked = await findTrackedRun(db, tx, input.uid, input.transform, userId);
    if (tracked) return tracked;
  }
  const transform = await getOrCreateTransform(db, tx, input.transform, userId);
  const initiatedBy = input.initiatedByRunUid ? await findRun(tx, input.initiatedByRunUid, "initiatedByRunUid") : null;
  const artifacts = await findArtifacts(tx, input.inputArtifactUids ?? [], "inputArtifactUids");
  const collections = await findCollections(tx, input.inputCollectionUids ?? [], "inputCollectionUids");
  const run = await tx.run.create({
    data: {
      uid: input.uid ?? base62(UID_LENGTH.run),
      transformId: transform.id,
      status: "STARTED",
      startedAt: new Date(),
      reference: input.reference ?? null,
      referenceType: input.referenceType ?? null,
      initiatedById: initiatedBy?.id ?? null,
      createdById: userId,
    },
  });
  if (input.params != null) {
    await addParamValues(tx, { runId: run.id }, input.params, {
      defineMissing: input.defineMissingParams ?? false,
      userId,
      field: "params",
    });
  }
  await linkRunInputs(
    tx,
    run.id,
    artifacts.map((a) => a.id),
    collections.map((c) => c.id),
  );
  return run;
}

export async function addRunInputs(tx: Tx, input: { runUid: string; artifactUids?: readonly string[] | null; collectionUids?: readonly string[] | null }) {
  const run = await findRun(tx, input.runUid, "runUid");
  const artifacts = await findArtifacts(tx, input.artifactUids ?? [], "artifactUids");
  const collections = await findCollections(tx, input.collectionUids ?? [], "collectionUids");
  await linkRunInputs(
    tx,
    run.id,
    artifacts.map((a) => a.id),
    collections.map((c) => c.id),
  );
  return run;
}

export async function finishRun(tx: Tx, input: { uid: string; status?: RunStatus | null; reportUid?: string | null; environmentUid?: string | null }) {
  const status = input.status ?? "COMPLETED";
  if (!FINAL_STATUSES.includes(status)) {
    throw invalid("status", `a run finishes as ${FINAL_STATUSES.join(", ")}, not ${status}`);
  }
  const run = await findRun(tx, input.uid, "uid");
  // Finishing again in the state the run has is a retry: it answers the run unchanged.
  if (run.finishedAt && run.status === status) return run;
  if (run.finishedAt || FINAL_STATUSES.includes(run.status as RunStatus)) {
    throw conflict(`run ${run.uid} already finished (${run.status} at ${run.finishedAt?.toISOString()})`, { field: "uid" });
  }
  const [report] = input.reportUid ? await findArtifacts(tx, [input.reportUid], "report") : [null];
  const [environment] = input.environmentUid ? await findArtifacts(tx, [input.environmentUid], "environment") : [null];
  // Guard against a concurrent finish: only an unfinished row is updated.
  const { count } = await tx.run.updateMany({
    where: { id: run.id, finishedAt: null },
    data: {
      status,
      finishedAt: new Date(),
      ...(report ? { reportId: report.id } : {}),
      ...(environment ? { environmentId: environment.id } : {}),
    },
  });
  if (count === 0) {
    const finished = await tx.run.findUniqueOrThrow({ where: { id: run.id } });
    if (finished.status === status) return finished; // a concurrent retry finished it first
    throw conflict(`run ${run.uid} already finished`, { field: "uid" });
  }
  return tx.run.findUniqueOrThrow({ where: { id: run.id } });
}

/**
 * Soft delete moves the run to the trash. Permanent delete refuses, naming them, while
 * outputs point to the run; otherwise it removes the run's links and param links, and its
 * report and environment artifacts when no other run uses them.
 */
export async function deleteRun(tx: Tx, uid: string, permanent: boolean, caller: Caller) {
  if (permanent) requireAdmin(caller, "a permanent delete");
  const run = await findRun(tx, uid, "uid");
  if (!permanent) {
    await tx.run.update({ where: { id: run.id }, data: { trashedAt: new Date() } });
    return run;
  }
  const candidates = [run.reportId, run.environmentId].filter((id): id is number => id != null);
  // The run's own report and environment may name it as their run; they are not outputs.
  const [artifacts, collections] = await Promise.all([
    tx.artifact.findMany({ where: { runId: run.id, id: { notIn: candidates } }, select: { uid: true } }),
    tx.collection.findMany({ where: { runId: run.id }, select: { uid: true } }),
  ]);
  if (artifacts.length || collections.length) {
    const outputs = [...artifacts, ...collections].map((o) => o.uid);
    throw new AppError(
      "CONFLICT",
      `run ${run.uid} still has outputs: ${outputs.slice(0, 20).join(", ")}${outputs.length > 20 ? ` and ${outputs.length - 20} more` : ""}; delete them first`,
      { field: "uid", outputUids: outputs },
    );
  }
  if (candidates.length) await tx.artifact.updateMany({ where: { id: { in: candidates }, runId: run.id }, data: { runId: null } });
  await tx.run.updateMany({ where: { initiatedById: run.id }, data: { initiatedById: null } });
  await tx.run.delete({ where: { id: run.id } });
  for (const artifactId of candidates) {
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
  return run;
}

export async function restoreRun(tx: Tx, uid: string, caller: Caller) {
  const run = await findRun(tx, uid, "uid");
  requireOwnerOrAdmin(caller, run, "restoring");
  return tx.run.update({ where: { id: run.id }, data: { trashedAt: null } });
}
