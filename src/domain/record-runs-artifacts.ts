// Outputs and inputs of a recordRuns call, set-based. Outputs are registered as
// registerArtifact does (src/domain/artifacts.ts): known content is the existing artifact
// (its run is recorded as re-creating it), a known key in the same storage gets the next
// version. Inputs name artifacts by uid or by hash, outputs of the same call included.
import type { Database } from "../db/database.ts";
import { insertRows, lockKeys } from "../openlineage/sql.ts";
import { describedColumns, getOrCreateStorage } from "./artifacts.ts";
import { notFound } from "./errors.ts";
import { normaliseStorageRoot } from "./instance.ts";
import { uidWhere } from "./lookups.ts";
import type { Fresh, RecordRunItem, RecordRunOutput } from "./record-runs-input.ts";
import { base62, FIRST_SUFFIX, incrementBase62, STEM_LENGTH } from "./uid.ts";
import { lastSuffixes, untrash } from "./versions.ts";
import type { WriteContext } from "./write-context.ts";

type Written = { id: number; runId: number | null };
type Placed = { run: Fresh; output: RecordRunOutput; storageId: number };

/** The storages the outputs name by root, created when new: normalised root → id. */
export async function resolveStorages(w: WriteContext, items: readonly RecordRunItem[]): Promise<Map<string, number>> {
  const roots = new Set(items.flatMap((item) => (item.outputs ?? []).flatMap((o) => (o.storageRoot ? [normaliseStorageRoot(o.storageRoot)] : []))));
  const ids = new Map<string, number>();
  for (const root of roots) ids.set(root, (await getOrCreateStorage(w, root)).id);
  return ids;
}

/** The stem of each (storage, key) family that exists: the latest version's, else the newest record's. */
async function familyStems(w: WriteContext, placed: Placed[]): Promise<Map<string, string>> {
  const pair = (storageId: number, key: string | null) => `${storageId}:${key}`;
  const keyed = placed.filter((p) => p.output.key != null);
  const stems = new Map<string, string>();
  if (!keyed.length) return stems;
  const where = { storageId: { in: [...new Set(keyed.map((p) => p.storageId))] }, key: { in: [...new Set(keyed.map((p) => p.output.key!))] } };
  const select = { stem: true, storageId: true, key: true } as const;
  const latest = await w.tx.artifact.findMany({ where: { ...where, isLatest: true }, select, orderBy: { id: "asc" } });
  for (const row of latest) stems.set(pair(row.storageId, row.key), row.stem);
  const missing = keyed.filter((p) => !stems.has(pair(p.storageId, p.output.key!)));
  if (missing.length) {
    const others = await w.tx.artifact.findMany({ where: { ...where, key: { in: missing.map((p) => p.output.key!) } }, select, orderBy: { id: "desc" } });
    for (const row of others) if (!stems.has(pair(row.storageId, row.key))) stems.set(pair(row.storageId, row.key), row.stem);
  }
  return stems;
}

/** Creates the artifacts of new content, each the next version of its family; returns hash → artifact. */
async function createArtifacts(w: WriteContext, db: Pick<Database, "provider" | "writerStatement">, fresh: Placed[]): Promise<Map<string, Written>> {
  const stems = await familyStems(w, fresh);
  const known = [...new Set(stems.values())];
  await lockKeys(
    db,
    w.tx,
    known.map((stem) => `artifact:stem:${stem}`),
  );
  const last = await lastSuffixes(w.tx, db.provider, known);
  if (known.length) await w.tx.artifact.updateMany({ where: { stem: { in: known }, isLatest: true }, data: { isLatest: false } });
  const now = new Date();
  const rows = fresh.map(({ run, output, storageId }) => {
    const family = output.key != null ? `${storageId}:${output.key}` : null;
    const stem = (family && stems.get(family)) ?? base62(STEM_LENGTH.artifact);
    if (family) stems.set(family, stem);
    const previous = last.get(stem);
    const suffix = previous ? incrementBase62(previous) : FIRST_SUFFIX;
    last.set(stem, suffix);
    return {
      uid: stem + suffix,
      stem,
      key: output.key ?? null,
      storageId,
      ...describedColumns(output, output.key),
      isLatest: false,
      runId: run.runId,
      createdAt: now,
      updatedAt: now,
      createdById: w.actor.id,
    };
  });
  // The last new version of each family is its latest.
  const newest = new Map(rows.map((row) => [row.stem, row]));
  for (const row of newest.values()) row.isLatest = true;
  const created = await insertRows<{ id: number | bigint; hash: string; runId: number | bigint }>(db, w.tx, "Artifact", rows, ["id", "hash", "runId"]);
  return new Map(created.map((row) => [row.hash, { id: Number(row.id), runId: Number(row.runId) }]));
}

/**
 * Registers every output: hash → artifact for the whole call, and the artifacts each run
 * created. A run registering content that exists (or that another item of the call wrote)
 * is recorded as re-creating it.
 */
export async function writeOutputs(
  w: WriteContext,
  db: Pick<Database, "provider" | "writerStatement">,
  runs: Fresh[],
  storages: { storageIds: Map<string, number>; defaultStorageId: number },
): Promise<{ byHash: Map<string, Written>; createdBy: Map<number, number[]> }> {
  const placed: Placed[] = runs.flatMap((run) =>
    (run.item.outputs ?? []).map((output) => ({
      run,
      output,
      storageId: output.storageRoot ? storages.storageIds.get(normaliseStorageRoot(output.storageRoot))! : storages.defaultStorageId,
    })),
  );
  const byHash = new Map<string, Written>();
  const createdBy = new Map<number, number[]>();
  if (!placed.length) return { byHash, createdBy };
  const existing = await w.tx.artifact.findMany({ where: { hash: { in: [...new Set(placed.map((p) => p.output.hash))] } } });
  for (const artifact of existing) {
    byHash.set(artifact.hash!, { id: artifact.id, runId: artifact.runId });
    await untrash(w.tx, "artifact", artifact);
  }
  const firsts = new Map<string, Placed>();
  for (const p of placed) if (!byHash.has(p.output.hash) && !firsts.has(p.output.hash)) firsts.set(p.output.hash, p);
  for (const [hash, artifact] of await createArtifacts(w, db, [...firsts.values()])) {
    byHash.set(hash, artifact);
    createdBy.set(artifact.runId!, [...(createdBy.get(artifact.runId!) ?? []), artifact.id]);
  }
  const recreating = new Map<string, { artifactId: number; runId: number }>();
  for (const { run, output } of placed) {
    const artifact = byHash.get(output.hash)!;
    if (artifact.runId !== run.runId) recreating.set(`${artifact.id}:${run.runId}`, { artifactId: artifact.id, runId: run.runId });
  }
  await insertRows(db, w.tx, "ArtifactRecreatingRun", [...recreating.values()]);
  return { byHash, createdBy };
}

/** Links each run to the artifacts it read (by uid, stem or hash), its own outputs skipped. */
export async function writeInputs(
  w: WriteContext,
  db: Pick<Database, "provider" | "writerStatement">,
  runs: Fresh[],
  outputs: Map<string, Written>,
): Promise<void> {
  const named = runs.flatMap((run) => (run.item.inputs ?? []).map((input, j) => ({ run, input, field: `input[${run.index}].inputs[${j}]` })));
  if (!named.length) return;
  const uids = named.flatMap(({ input, field }) => (input.uid != null ? [uidWhere("artifact", input.uid, `${field}.uid`)] : []));
  const hashes = [...new Set(named.flatMap(({ input }) => (input.hash != null && !outputs.has(input.hash) ? [input.hash] : [])))];
  const or = [...uids, ...(hashes.length ? [{ hash: { in: hashes } }] : [])];
  const rows = or.length ? await w.tx.artifact.findMany({ where: { OR: or }, select: { id: true, uid: true, stem: true, isLatest: true, hash: true } }) : [];
  const links = new Map<string, { runId: number; artifactId: number }>();
  for (const { run, input, field } of named) {
    const id =
      input.uid != null
        ? rows.find((r) => r.uid === input.uid || (r.stem === input.uid && r.isLatest))?.id
        : (outputs.get(input.hash!)?.id ?? rows.find((r) => r.hash === input.hash)?.id);
    if (id == null) throw notFound("artifact", (input.uid ?? input.hash)!, input.uid != null ? `${field}.uid` : `${field}.hash`);
    const own = (run.item.outputs ?? []).some((output) => outputs.get(output.hash)?.id === id);
    if (!own) links.set(`${run.runId}:${id}`, { runId: run.runId, artifactId: id });
  }
  await insertRows(db, w.tx, "RunInputArtifact", [...links.values()]);
}
