// Outputs and inputs of a recordRuns call, set-based. Outputs are registered as
// registerArtifact does (src/domain/artifacts.ts): known content is the existing artifact
// (its run is recorded as re-creating it), a known key in the same storage gets the next
// version. Inputs name artifacts by uid or by hash, outputs of the same call included.
import type { Database } from "../db/database.ts";
import { Binds, insertRows, lockKeys, runStatement, selectRows } from "../openlineage/sql.ts";
import { describedColumns, getOrCreateStorage } from "./artifacts.ts";
import { notFound } from "./errors.ts";
import { normaliseStorageRoot } from "./instance.ts";
import { uidWhere } from "./lookups.ts";
import type { Fresh, RecordRunItem, RecordRunOutput } from "./record-runs-input.ts";
import { base62, FIRST_SUFFIX, incrementBase62, STEM_LENGTH } from "./uid.ts";
import { lastSuffixes, untrash } from "./versions.ts";
import type { WriteContext } from "./write-context.ts";

type Written = { id: number; runId: number | null };
type Statements = Pick<Database, "provider" | "writerStatement">;
type Placed = { run: Fresh; output: RecordRunOutput; storageId: number };

/** The storages the outputs name by root, created when new: normalised root → id. */
export async function resolveStorages(w: WriteContext, items: readonly RecordRunItem[]): Promise<Map<string, number>> {
  const roots = new Set(items.flatMap((item) => (item.outputs ?? []).flatMap((o) => (o.storageRoot ? [normaliseStorageRoot(o.storageRoot)] : []))));
  const ids = new Map<string, number>();
  for (const root of roots) ids.set(root, (await getOrCreateStorage(w, root)).id);
  return ids;
}

type Family = { stem: string; storageId: number; key: string | null };

/** The stem of each (storage, key) family that exists: the latest version's, else the newest record's. */
async function familyStems(w: WriteContext, db: Statements, placed: Placed[]): Promise<Map<string, string>> {
  const pair = (storageId: number, key: string | null) => `${storageId}:${key}`;
  const keyed = placed.filter((p) => p.output.key != null);
  const stems = new Map<string, string>();
  if (!keyed.length) return stems;
  const families = (keys: string[], latest: boolean) => {
    const binds = new Binds(db.provider);
    const storages = binds.list([...new Set(keyed.map((p) => p.storageId))], "int");
    const where = `"storageId" IN ${storages} AND "key" IN ${binds.list([...new Set(keys)], "text")}`;
    const sql = latest
      ? `SELECT "stem", "storageId", "key" FROM "Artifact" WHERE ${where} AND "isLatest" = ${binds.add(true)} ORDER BY "id"`
      : `SELECT "stem", "storageId", "key" FROM "Artifact" WHERE ${where} ORDER BY "id" DESC`;
    return selectRows<Family>(db, w.tx, sql, binds.values);
  };
  for (const row of await families(
    keyed.map((p) => p.output.key!),
    true,
  ))
    stems.set(pair(Number(row.storageId), row.key), row.stem);
  const missing = keyed.filter((p) => !stems.has(pair(p.storageId, p.output.key!)));
  if (missing.length) {
    for (const row of await families(
      missing.map((p) => p.output.key!),
      false,
    )) {
      if (!stems.has(pair(Number(row.storageId), row.key))) stems.set(pair(Number(row.storageId), row.key), row.stem);
    }
  }
  return stems;
}

/** Creates the artifacts of new content, each the next version of its family; returns hash → artifact. */
async function createArtifacts(w: WriteContext, db: Statements, fresh: Placed[]): Promise<Map<string, Written>> {
  const stems = await familyStems(w, db, fresh);
  const known = [...new Set(stems.values())];
  await lockKeys(
    db,
    w.tx,
    known.map((stem) => `artifact:stem:${stem}`),
  );
  const last = await lastSuffixes(w.tx, db.provider, known);
  const now = new Date();
  if (known.length) {
    const binds = new Binds(db.provider);
    const sql = `UPDATE "Artifact" SET "isLatest" = ${binds.add(false)}, "updatedAt" = ${binds.add(now)} WHERE "stem" IN ${binds.list(known, "text")} AND "isLatest" = ${binds.add(true)}`;
    await runStatement(db, w.tx, sql, binds.values);
  }
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
  db: Statements,
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
  const binds = new Binds(db.provider);
  const existing = await selectRows<{ id: number; stem: string; hash: string; runId: number | null; trashedAt: Date | null }>(
    db,
    w.tx,
    `SELECT "id", "stem", "hash", "runId", "trashedAt" FROM "Artifact" WHERE "hash" IN ${binds.list([...new Set(placed.map((p) => p.output.hash))], "text")}`,
    binds.values,
  );
  for (const artifact of existing) {
    const id = Number(artifact.id);
    byHash.set(artifact.hash, { id, runId: artifact.runId == null ? null : Number(artifact.runId) });
    await untrash(w.tx, "artifact", { ...artifact, id });
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
export async function writeInputs(w: WriteContext, db: Statements, runs: Fresh[], outputs: Map<string, Written>): Promise<void> {
  const named = runs.flatMap((run) => (run.item.inputs ?? []).map((input, j) => ({ run, input, field: `input[${run.index}].inputs[${j}]` })));
  if (!named.length) return;
  const wheres = named.flatMap(({ input, field }) => (input.uid != null ? [uidWhere("artifact", input.uid, `${field}.uid`)] : []));
  const uids = [...new Set(wheres.flatMap((where) => (where.uid != null ? [where.uid] : [])))];
  const stems = [...new Set(wheres.flatMap((where) => (where.stem != null ? [where.stem] : [])))];
  const hashes = [...new Set(named.flatMap(({ input }) => (input.hash != null && !outputs.has(input.hash) ? [input.hash] : [])))];
  const binds = new Binds(db.provider);
  // One SELECT per way of naming, each through its index (an OR of IN lists can make PostgreSQL scan).
  const select = `SELECT "id", "uid", "stem", "isLatest", "hash" FROM "Artifact" WHERE`;
  const parts = [
    ...(uids.length ? [`${select} "uid" IN ${binds.list(uids, "text")}`] : []),
    ...(stems.length ? [`${select} "stem" IN ${binds.list(stems, "text")} AND "isLatest" = ${binds.add(true)}`] : []),
    ...(hashes.length ? [`${select} "hash" IN ${binds.list(hashes, "text")}`] : []),
  ];
  type Found = { id: number; uid: string; stem: string; isLatest: boolean; hash: string | null };
  const rows = (parts.length ? await selectRows<Found>(db, w.tx, parts.join(" UNION ALL "), binds.values) : []).map((row) => ({ ...row, id: Number(row.id) }));
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
