// The runs of a batch of OpenLineage events: each run's state folded from its events in a way
// that does not depend on their order (earliest event starts it, earliest terminal event ends
// it, newest facet value wins), parents as placeholders, and the rows written set-based. Over
// 250 lines: the fold and the writes it feeds share the RunState type and change together.
import type { Database, Tx } from "../db/database.ts";
import { conflict } from "../domain/errors.ts";
import type { RunStatus } from "../domain/runs.ts";
import { getOrCreateTransform, hashSourceCode } from "../domain/transforms.ts";
import type { Change, WriteContext } from "../domain/write-context.ts";
import { base62, UID_LENGTH } from "../domain/uid.ts";
import { Binds, insertRows, JsonValue, selectRows, updateRow } from "./sql.ts";
import { asJson, isTerminal, mergeFacets, REFERENCE_TYPE, statusOf, transformOf } from "./mapping.ts";
import type { Facets, JobRef, RunEventData } from "./parse.ts";

export interface RunState {
  reference: string;
  id: number | null;
  uid: string;
  jobKey: string;
  transformId: number;
  transformUid: string;
  status: RunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  firstEventAt: Date | null;
  terminalEventAt: Date | null;
  facets: Facets;
  facetTimes: Record<string, string>;
  parentReference: string | null;
  initiatedById: number | null;
  changed: boolean;
}

type Transform = { id: number; uid: string; facets: unknown; hash: string | null };

/** Transforms of the batch, by job key and source code, with the job facets to merge into each. */
export class TransformCache {
  private byJob = new Map<string, Transform>();
  private latest = new Map<string, Transform>();
  readonly facets = new Map<number, { transform: Transform; facets: Facets }>();
  private readonly tx: Tx;
  constructor(
    private readonly w: WriteContext,
    private readonly db: Pick<Database, "provider" | "writerStatement">,
  ) {
    this.tx = w.tx;
  }

  /** The latest transform of every job of the batch, in one statement (the batch holds their locks). */
  async preload(jobs: JobRef[]): Promise<void> {
    const keys = [...new Set(jobs.map((job) => job.key))];
    if (!keys.length) return;
    const b = new Binds(this.db.provider);
    const rows = await selectRows<Transform & { key: string; id: number | bigint }>(
      this.db,
      this.tx,
      `SELECT id, uid, facets, hash, key FROM "Transform" WHERE key IN ${b.list(keys, "text")} AND "isLatest" = TRUE AND "trashedAt" IS NULL`,
      b.values,
    );
    for (const row of rows) this.latest.set(row.key, { ...row, id: Number(row.id) });
  }

  async get(job: JobRef, withFacets = true): Promise<Transform> {
    const input = transformOf(job);
    const cacheKey = `${input.key}\u0000${input.sourceCode ?? ""}`;
    let transform = this.byJob.get(cacheKey);
    if (!transform) {
      // getOrCreateTransform's rule without its look-up: no source, or the same source, is the latest version.
      const latest = this.latest.get(input.key);
      if (latest && (input.sourceCode == null || latest.hash === hashSourceCode(input.sourceCode))) transform = latest;
      else transform = await getOrCreateTransform(this.w, input, "job");
      this.byJob.set(cacheKey, transform);
    }
    if (withFacets && Object.keys(job.facets).length) {
      const entry = this.facets.get(transform.id) ?? { transform, facets: {} };
      entry.facets = { ...entry.facets, ...job.facets };
      this.facets.set(transform.id, entry);
    }
    return transform;
  }

  /** One update per transform whose job facets arrived. */
  async writeFacets(): Promise<void> {
    for (const { transform, facets } of this.facets.values()) {
      const current = (transform.facets ?? {}) as Facets;
      const merged = { ...current, ...facets };
      if (JSON.stringify(merged) === JSON.stringify(current)) continue;
      await this.tx.transform.update({ where: { id: transform.id }, data: { facets: asJson(merged) } });
    }
  }
}

type Id = number | bigint;
type RunRow = { reference: string; jobKey: string; firstEventAt: Date | null; terminalEventAt: Date | null; facetTimes: unknown } & {
  id: Id;
  uid: string;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  facets: unknown;
  initiatedById: Id | null;
  transformId: Id;
  transformUid: string;
};

/** The runs the events name (their own and their parents), as stored, keyed by run.runId; one statement. */
export async function loadRuns(db: Database, tx: Tx, references: string[]): Promise<Map<string, RunState>> {
  if (!references.length) return new Map();
  const b = new Binds(db.provider);
  const rows = await selectRows<RunRow>(
    db,
    tx,
    `SELECT o.reference, o."jobKey", o."firstEventAt", o."terminalEventAt", o."facetTimes", r.id, r.uid, r.status, r."startedAt", r."finishedAt",
       r.facets, r."initiatedById", r."transformId", t.uid AS "transformUid"
     FROM "OpenLineageRun" o JOIN "Run" r ON r.id = o."runId" JOIN "Transform" t ON t.id = r."transformId"
     WHERE o.reference IN ${b.list(references, "text")}`,
    b.values,
  );
  return new Map(
    rows.map((row) => [
      row.reference,
      {
        reference: row.reference,
        id: Number(row.id),
        uid: row.uid,
        jobKey: row.jobKey,
        transformId: Number(row.transformId),
        transformUid: row.transformUid,
        status: row.status as RunStatus,
        startedAt: row.startedAt,
        finishedAt: row.finishedAt,
        firstEventAt: row.firstEventAt,
        terminalEventAt: row.terminalEventAt,
        facets: (row.facets ?? {}) as Facets,
        facetTimes: (row.facetTimes ?? {}) as Record<string, string>,
        parentReference: null,
        initiatedById: row.initiatedById == null ? null : Number(row.initiatedById),
        changed: false,
      },
    ]),
  );
}

function newRun(reference: string, jobKey: string, transform: Transform, at: Date): RunState {
  return {
    reference,
    id: null,
    uid: base62(UID_LENGTH.run),
    jobKey,
    transformId: transform.id,
    transformUid: transform.uid,
    status: "STARTED",
    startedAt: at,
    finishedAt: null,
    firstEventAt: null,
    terminalEventAt: null,
    facets: {},
    facetTimes: {},
    parentReference: null,
    initiatedById: null,
    changed: true,
  };
}

/** Folds one run event into the states (creating its run, and its parent as a placeholder). */
export async function applyRunEvent(states: Map<string, RunState>, event: RunEventData, transforms: TransformCache): Promise<RunState> {
  const transform = await transforms.get(event.job);
  let state = states.get(event.runId);
  if (!state) states.set(event.runId, (state = newRun(event.runId, event.job.key, transform, event.eventTime)));
  if (state.jobKey !== event.job.key) {
    throw conflict(`run.runId ${JSON.stringify(event.runId)} is a run of job ${JSON.stringify(state.jobKey)}, not of ${JSON.stringify(event.job.key)}`, {
      field: "job.name",
    });
  }
  const at = event.eventTime;
  if (!state.firstEventAt || at < state.firstEventAt) state.firstEventAt = at;
  state.startedAt = state.firstEventAt;
  const status = statusOf(event.eventType);
  if (isTerminal(status) && (!state.terminalEventAt || at < state.terminalEventAt)) {
    state.status = status;
    state.terminalEventAt = at;
    state.finishedAt = at;
  } else if (!state.terminalEventAt) {
    state.status = "STARTED";
  }
  const merged = mergeFacets(state.facets, state.facetTimes, event.runFacets, at);
  state.facets = merged.facets;
  state.facetTimes = merged.times;
  state.changed = true;
  if (event.parent) {
    let parent = states.get(event.parent.runId);
    if (!parent) {
      const parentTransform = await transforms.get(event.parent.job, false);
      states.set(event.parent.runId, (parent = newRun(event.parent.runId, event.parent.job.key, parentTransform, at)));
    } else if (!parent.firstEventAt && at < parent.startedAt) {
      // A placeholder starts with the earliest event of its children, until its own arrive.
      parent.startedAt = at;
      parent.changed = true;
    }
    state.parentReference = event.parent.runId;
  }
  return state;
}

/** Writes the runs: new ones in one statement each for runs and their bookkeeping, changed ones row by row. */
export async function writeRuns(db: Database, tx: Tx, states: Map<string, RunState>, userId: number): Promise<void> {
  const fresh = [...states.values()].filter((state) => state.id == null);
  if (fresh.length) {
    const now = new Date();
    const created = await insertRows<{ id: number | bigint; uid: string }>(
      db,
      tx,
      "Run",
      fresh.map((state) => ({
        uid: state.uid,
        transformId: state.transformId,
        status: state.status,
        startedAt: state.startedAt,
        finishedAt: state.finishedAt,
        reference: state.reference,
        referenceType: REFERENCE_TYPE,
        facets: new JsonValue(state.facets),
        createdAt: now,
        createdById: userId,
      })),
      ["id", "uid"],
    );
    const ids = new Map(created.map((row) => [row.uid, Number(row.id)]));
    for (const state of fresh) state.id = ids.get(state.uid)!;
    await insertRows(
      db,
      tx,
      "OpenLineageRun",
      fresh.map((state) => ({
        reference: state.reference,
        runId: state.id,
        jobKey: state.jobKey,
        firstEventAt: state.firstEventAt,
        terminalEventAt: state.terminalEventAt,
        facetTimes: new JsonValue(state.facetTimes),
      })),
    );
  }
  for (const state of states.values()) {
    const parentId = state.parentReference ? (states.get(state.parentReference)?.id ?? null) : state.initiatedById;
    const isFresh = fresh.includes(state);
    if (isFresh && parentId == null) continue;
    if (!isFresh && !state.changed && parentId === state.initiatedById) continue;
    const run = { status: state.status, startedAt: state.startedAt, finishedAt: state.finishedAt, facets: new JsonValue(state.facets) };
    await updateRow(db, tx, "Run", isFresh ? { initiatedById: parentId } : { ...run, initiatedById: parentId }, { id: state.id });
    if (!isFresh) {
      const bookkeeping = { firstEventAt: state.firstEventAt, terminalEventAt: state.terminalEventAt, facetTimes: new JsonValue(state.facetTimes) };
      await updateRow(db, tx, "OpenLineageRun", bookkeeping, { reference: state.reference });
    }
    state.initiatedById = parentId;
  }
}

/**
 * What the batch did to each run it changed, for its subscribers: a new run started (and may
 * have finished in the same batch), a known one finished or was updated.
 */
export function runChanges(states: Iterable<RunState>, statusBefore: Map<string, RunStatus>): Change[] {
  const changes: Change[] = [];
  for (const state of states) {
    if (!state.changed) continue;
    const before = statusBefore.get(state.uid);
    if (before === undefined) changes.push({ model: "Run", kind: "STARTED", uid: state.uid, status: state.status });
    const finished = isTerminal(state.status) && (before === undefined || !isTerminal(before));
    if (finished) changes.push({ model: "Run", kind: "FINISHED", uid: state.uid, status: state.status });
    else if (before !== undefined) changes.push({ model: "Run", kind: "UPDATED", uid: state.uid, status: state.status });
  }
  return changes;
}
