// OpenLineage ingestion: a list of events in, one result per event out. Valid events are
// written together in one transaction, table by table; when that transaction fails for a
// reason an event carries, each event is written alone, so one bad event fails only itself.
import { GraphQLError } from "graphql";
import type { Database, Tx } from "../db/database.ts";
import { DomainError } from "../domain/errors.ts";
import { isTransientDatabaseError } from "../plugins/errors.ts";
import { writeGrouped } from "./group-commit.ts";
import { datasetLockKeys, familyOf, resolveFamilies } from "./families.ts";
import { asJson, mergeFacets, originHash } from "./mapping.ts";
import { parseEvent, type DatasetRef, type Facets, type OpenLineageEvent, type RunEventData } from "./parse.ts";
import { writeRunParams } from "./params.ts";
import { writeEnvironments } from "./environment.ts";
import { applyRunEvent, loadRuns, runChanges, TransformCache, writeRuns, type RunState } from "./runs.ts";
import { createVersions, writeInputs, writeOutputs, type Written } from "./versions.ts";
import { deriveLinks, flagLatest } from "./links.ts";
import { writeAnnounced, writeContext, type Actor, type Change } from "../domain/write-context.ts";
import { lockKeys } from "./sql.ts";

export interface EventResult {
  index: number;
  status: "success" | "failed";
  /** Why the event was refused or failed; null on success. */
  reason: string | null;
  /** The path in the event at fault, when one is (run.runId, job.name, …). */
  field: string | null;
  /** Whether sending the same event again may succeed (the database was busy or unreachable). */
  retriable: boolean;
  code: string | null;
  runUid: string | null;
  transformUid: string | null;
}

interface Placed {
  runUid: string | null;
  transformUid: string | null;
}

/** Parses, validates and writes events; never throws for a bad event, only reports it. */
export async function ingestOpenLineage(db: Database, events: readonly unknown[], actor: Actor): Promise<EventResult[]> {
  const results: EventResult[] = [];
  const valid: { index: number; event: OpenLineageEvent }[] = [];
  events.forEach((raw, index) => {
    try {
      valid.push({ index, event: parseEvent(raw) });
    } catch (error) {
      results[index] = failure(index, error);
    }
  });
  if (valid.length) {
    try {
      const placed = await writeGrouped(
        db,
        valid.map((item) => item.event),
        actor,
        writeEvents,
      );
      valid.forEach((item, i) => (results[item.index] = success(item.index, placed[i])));
    } catch (error) {
      // A group may hold other requests' events: every event is tried again alone.
      if (isTransientDatabaseError(error)) {
        for (const item of valid) results[item.index] = failure(item.index, error);
      } else {
        for (const item of valid) {
          try {
            const [placed] = await writeAnnounced(db, (tx, changes) => writeEvents(db, tx, [item.event], actor, changes));
            results[item.index] = success(item.index, placed);
          } catch (single) {
            results[item.index] = failure(item.index, single);
          }
        }
      }
    }
  }
  return results;
}

const success = (index: number, placed: Placed): EventResult => ({
  index,
  status: "success",
  reason: null,
  field: null,
  retriable: false,
  code: null,
  ...placed,
});

function failure(index: number, error: unknown): EventResult {
  const base = { index, status: "failed" as const, runUid: null, transformUid: null };
  if (error instanceof DomainError) {
    return { ...base, reason: error.message, field: error.field ?? null, retriable: error.code === "RETRYABLE", code: error.code };
  }
  if (error instanceof GraphQLError && typeof error.extensions?.code === "string") {
    const field = typeof error.extensions.field === "string" ? error.extensions.field : null;
    return { ...base, reason: error.message, field, retriable: error.extensions.code === "RETRYABLE", code: error.extensions.code };
  }
  if (isTransientDatabaseError(error)) {
    return { ...base, reason: "the database is unavailable or busy right now; send the event again shortly", field: null, retriable: true, code: "RETRYABLE" };
  }
  // Not the event's fault that a person could act on: reported without internals.
  return { ...base, reason: "the event could not be written (internal error)", field: null, retriable: false, code: "INTERNAL" };
}

const runLockKeys = (event: RunEventData) => [`ol:run:${event.runId}`, ...(event.parent ? [`ol:run:${event.parent.runId}`] : [])];

/** Writes a batch of valid events in the caller's transaction; what they changed is queued in `changes`. */
export async function writeEvents(db: Database, tx: Tx, events: OpenLineageEvent[], actor: Actor, changes: Change[] = []): Promise<Placed[]> {
  const userId = actor.id;
  const w = writeContext(db, tx, actor, tx, changes);
  const runEvents = events.filter((event): event is RunEventData => event.kind === "run");
  const datasets: DatasetRef[] = events.flatMap((event) =>
    event.kind === "run" ? [...event.inputs, ...event.outputs] : event.kind === "dataset" ? [event.dataset] : [],
  );
  const jobs = events.flatMap((event) => (event.kind === "dataset" ? [] : [event.job, ...(event.kind === "run" && event.parent ? [event.parent.job] : [])]));
  await lockKeys(db, tx, [...runEvents.flatMap(runLockKeys), ...datasetLockKeys(datasets), ...jobs.map((job) => `transform:key:${job.key}`)]);

  const transforms = new TransformCache(w, db);
  await transforms.preload(jobs);
  const states = await loadRuns(db, tx, [...new Set(runEvents.flatMap((event) => [event.runId, ...(event.parent ? [event.parent.runId] : [])]))]);
  const statusBefore = new Map([...states.values()].map((state) => [state.uid, state.status]));
  const placed: Placed[] = [];
  const runOf = new Map<OpenLineageEvent, RunState>();
  for (const event of events) {
    if (event.kind === "run") {
      const state = await applyRunEvent(states, event, transforms);
      runOf.set(event, state);
      placed.push({ runUid: state.uid, transformUid: state.transformUid });
    } else if (event.kind === "job") {
      const transform = await transforms.get({ ...event.job, facets: { ...event.job.facets, declaredInputs: event.inputs, declaredOutputs: event.outputs } });
      placed.push({ runUid: null, transformUid: transform.uid });
    } else {
      placed.push({ runUid: null, transformUid: null });
    }
  }
  await transforms.writeFacets();
  await writeRuns(db, tx, states, userId);
  await writeEnvironments(db, tx, states.values(), userId);
  await writeRunParams(
    w,
    [...states.values()].filter((state) => state.changed),
  );

  const families = await resolveFamilies(db, tx, datasets, userId);
  const outputs: Written[] = [];
  const inputs: Written[] = [];
  for (const event of runEvents) {
    const run = runOf.get(event)!;
    for (const dataset of event.outputs) outputs.push({ family: familyOf(families, dataset), dataset, run, at: event.eventTime });
    for (const dataset of event.inputs) inputs.push({ family: familyOf(families, dataset), dataset, run, at: event.eventTime });
  }
  await writeOutputs(db, tx, outputs, userId, changes);
  await writeInputs(db, tx, inputs);
  const originFacets = new Map<string, Facets>(inputs.map((input) => [input.family.stem, input.dataset.facets]));
  const inputFamilies = new Map(inputs.map((input) => [input.family.stem, input.family]));
  const changedRuns = [...states.values()].filter((state) => state.changed).map((state) => state.id!);
  const looked = await deriveLinks(db, tx, changedRuns, inputFamilies, originFacets, userId, changes);
  const batchRuns = [...states.values()].flatMap((state) => (state.id == null ? [] : [state.id]));
  await flagLatest(db, tx, [...new Set([...looked, ...outputs.map((output) => output.family.stem)])], batchRuns);
  await writeDatasetEvents(db, tx, events, families, userId, changes);
  changes.push(...runChanges(states.values(), statusBefore));
  return placed;
}

/** A DatasetEvent's facets go to the family's latest version (an origin version for a new family). */
async function writeDatasetEvents(
  db: Database,
  tx: Tx,
  events: OpenLineageEvent[],
  families: Map<string, ReturnType<typeof familyOf>>,
  userId: number,
  changes: Change[],
) {
  const datasets = events.flatMap((event) => (event.kind === "dataset" ? [event.dataset] : []));
  if (!datasets.length) return;
  const fresh = new Map(datasets.map((dataset) => [familyOf(families, dataset).stem, familyOf(families, dataset)]));
  const stems = [...fresh.keys()];
  const known = new Set((await tx.artifact.findMany({ where: { stem: { in: stems } }, select: { stem: true }, distinct: ["stem"] })).map((row) => row.stem));
  const missing = stems.filter((stem) => !known.has(stem));
  await createVersions(
    db,
    tx,
    missing.map((stem) => ({ family: fresh.get(stem)!, hash: originHash(stem), runId: null, facets: {}, size: null, nObservations: null, nObjects: null })),
    userId,
    changes,
  );
  await flagLatest(db, tx, missing);
  for (const dataset of datasets) {
    const latest = await tx.artifact.findFirst({ where: { stem: familyOf(families, dataset).stem, isLatest: true }, select: { id: true, facets: true } });
    if (!latest) continue;
    const { facets } = mergeFacets((latest.facets ?? {}) as Facets, {}, dataset.facets, new Date());
    await tx.artifact.update({ where: { id: latest.id }, data: { facets: asJson(facets) } });
  }
}
