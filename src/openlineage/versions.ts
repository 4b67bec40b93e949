// Dataset versions and input links of a batch: one version per (family, producing run), the
// input of a run linked to the version current when it read it (the newest version whose run
// started at or before the read), an origin version when none was, and the latest flag —
// all derived from stored facts, so the registry does not depend on the order events arrive in.
import type { Database, Tx } from "../db/database.ts";
import { insertRows, JsonValue } from "./sql.ts";
import { FIRST_SUFFIX, incrementBase62 } from "../domain/uid.ts";
import { lastSuffixes } from "../domain/versions.ts";
import type { Family } from "./families.ts";
import { asJson, HASH_TYPE, isOriginHash, originHash, outputHash } from "./mapping.ts";
import type { DatasetRef, Facets } from "./parse.ts";
import type { RunState } from "./runs.ts";

export interface Written {
  family: Family;
  dataset: DatasetRef;
  run: RunState;
  at: Date;
}

export interface NewVersion {
  family: Family;
  hash: string;
  runId: number | null;
  facets: Facets;
  size: bigint | null;
  nObservations: bigint | null;
  nObjects: number | null;
}

/** Creates versions with the next suffixes of their families (new families start at 0000). */
export async function createVersions(db: Database, tx: Tx, versions: NewVersion[], userId: number): Promise<void> {
  if (!versions.length) return;
  const last = await lastSuffixes(tx, db.provider, [...new Set(versions.map((v) => v.family.stem))]);
  const now = new Date();
  await insertRows(
    db,
    tx,
    "Artifact",
    versions.map((version) => {
      const previous = last.get(version.family.stem);
      const suffix = previous ? incrementBase62(previous) : FIRST_SUFFIX;
      last.set(version.family.stem, suffix);
      return {
        uid: version.family.stem + suffix,
        stem: version.family.stem,
        key: version.family.key,
        storageId: version.family.storageId,
        suffix: "",
        type: "dataset",
        hash: version.hash,
        hashType: HASH_TYPE,
        runId: version.runId,
        facets: new JsonValue(version.facets),
        size: version.size,
        nObservations: version.nObservations,
        nObjects: version.nObjects,
        isLatest: false,
        createdAt: now,
        updatedAt: now,
        createdById: userId,
      };
    }),
  );
}

/** One version per (family, run): new ones in one statement, facets and statistics merged into known ones. */
export async function writeOutputs(db: Database, tx: Tx, outputs: Written[], userId: number): Promise<void> {
  const byHash = new Map<string, NewVersion>();
  for (const output of outputs) {
    const hash = outputHash(output.family.stem, output.run.reference);
    const version = byHash.get(hash) ?? { family: output.family, hash, runId: output.run.id, facets: {}, size: null, nObservations: null, nObjects: null };
    version.facets = { ...version.facets, ...output.dataset.facets };
    version.size = output.dataset.size ?? version.size;
    version.nObservations = output.dataset.rowCount ?? version.nObservations;
    version.nObjects = output.dataset.fileCount ?? version.nObjects;
    byHash.set(hash, version);
  }
  const known = await tx.artifact.findMany({ where: { hash: { in: [...byHash.keys()] } }, select: { id: true, hash: true, facets: true } });
  for (const row of known) {
    const version = byHash.get(row.hash!)!;
    byHash.delete(row.hash!);
    await tx.artifact.update({
      where: { id: row.id },
      data: {
        facets: asJson({ ...((row.facets ?? {}) as Facets), ...version.facets }),
        ...(version.size != null ? { size: version.size } : {}),
        ...(version.nObservations != null ? { nObservations: version.nObservations } : {}),
        ...(version.nObjects != null ? { nObjects: version.nObjects } : {}),
      },
    });
  }
  await createVersions(db, tx, [...byHash.values()], userId);
}

/** Records what each run read and the earliest time it read it. */
export async function writeInputs(db: Database, tx: Tx, inputs: Written[]): Promise<void> {
  const earliest = new Map<string, { runId: number; stem: string; readAt: Date }>();
  for (const input of inputs) {
    const key = `${input.run.id}:${input.family.stem}`;
    const seen = earliest.get(key);
    if (!seen || input.at < seen.readAt) earliest.set(key, { runId: input.run.id!, stem: input.family.stem, readAt: input.at });
  }
  if (!earliest.size) return;
  const rows = await tx.openLineageInput.findMany({
    where: { runId: { in: [...new Set(inputs.map((input) => input.run.id!))] }, stem: { in: [...new Set(inputs.map((input) => input.family.stem))] } },
  });
  const stored = new Map(rows.map((row) => [`${row.runId}:${row.stem}`, row]));
  const fresh = [...earliest.entries()].filter(([key]) => !stored.has(key)).map(([, row]) => row);
  await insertRows(db, tx, "OpenLineageInput", fresh);
  for (const [key, row] of earliest) {
    const current = stored.get(key);
    if (current && row.readAt < current.readAt) {
      await tx.openLineageInput.update({ where: { runId_stem: { runId: row.runId, stem: row.stem } }, data: { readAt: row.readAt } });
    }
  }
}

type Version = {
  id: number;
  stem: string;
  key: string | null;
  storageId: number;
  hash: string | null;
  runId: number | null;
  isLatest: boolean;
  run: { startedAt: Date } | null;
};
const versionSelect = {
  id: true,
  stem: true,
  key: true,
  storageId: true,
  hash: true,
  runId: true,
  isLatest: true,
  run: { select: { startedAt: true } },
} as const;
const familyVersions = (tx: Tx, stems: string[]): Promise<Version[]> =>
  tx.artifact.findMany({ where: { stem: { in: stems }, trashedAt: null }, select: versionSelect });

/**
 * The version a reader read: the newest version of its family made by another run that started
 * at or before the read (ties: the later record), else the family's origin version. Versions are
 * grouped by family first, so each reader looks only at its own family's.
 */
function picker(versions: Version[]) {
  const byStem = new Map<string, Version[]>();
  for (const v of versions) {
    const family = byStem.get(v.stem);
    if (family) family.push(v);
    else byStem.set(v.stem, [v]);
  }
  return (reader: { runId: number; stem: string; readAt: Date }): Version | undefined => {
    const family = byStem.get(reader.stem) ?? [];
    let best: Version | undefined;
    for (const v of family) {
      if (!v.run || v.runId === reader.runId || v.run.startedAt > reader.readAt) continue;
      if (!best || v.run.startedAt > best.run!.startedAt || (v.run.startedAt.getTime() === best.run!.startedAt.getTime() && v.id > best.id)) best = v;
    }
    return best ?? family.find((v) => isOriginHash(v.hash));
  };
}

/**
 * Derives again the input links of every reader the batch may have changed: the batch's own
 * runs, and readers of the families its runs write (their versions' start times may have moved).
 */
export async function deriveLinks(
  db: Database,
  tx: Tx,
  runIds: number[],
  inputFamilies: Map<string, Family>,
  originFacets: Map<string, Facets>,
  userId: number,
) {
  if (!runIds.length && !inputFamilies.size) return;
  const produced = await tx.artifact.findMany({
    where: { runId: { in: runIds }, hashType: HASH_TYPE },
    select: { stem: true, run: { select: { startedAt: true } } },
  });
  const since = new Map<string, Date>();
  for (const row of produced) {
    const at = row.run!.startedAt;
    if (!since.has(row.stem) || at < since.get(row.stem)!) since.set(row.stem, at);
  }
  const stems = [...new Set([...since.keys(), ...[...inputFamilies.values()].map((family) => family.stem)])];
  if (!stems.length) return;
  const readers = await tx.openLineageInput.findMany({
    where: { OR: [{ runId: { in: runIds }, stem: { in: stems } }, ...[...since].map(([stem, at]) => ({ stem, readAt: { gte: at } }))] },
  });
  let versions = await familyVersions(tx, stems);
  let pick = picker(versions);
  const needOrigin = [...new Set(readers.filter((reader) => !pick(reader)).map((reader) => reader.stem))];
  if (needOrigin.length) {
    const families = new Map([...inputFamilies.values()].map((family) => [family.stem, family]));
    for (const v of versions) if (!families.has(v.stem)) families.set(v.stem, { stem: v.stem, key: v.key ?? "", storageId: v.storageId, isNew: false });
    const family = (stem: string) => families.get(stem)!;
    await createVersions(
      db,
      tx,
      needOrigin.map((stem) => ({
        family: family(stem),
        hash: originHash(stem),
        runId: null,
        facets: originFacets.get(stem) ?? {},
        size: null,
        nObservations: null,
        nObjects: null,
      })),
      userId,
    );
    versions = await familyVersions(tx, stems);
    pick = picker(versions);
  }
  const wanted = new Map(
    readers.map((reader) => {
      const artifactId = pick(reader)!.id;
      return [`${reader.runId}:${artifactId}`, { runId: reader.runId, artifactId }];
    }),
  );
  const managed = new Set(readers.map((reader) => `${reader.runId}:${reader.stem}`));
  const links = await tx.runInputArtifact.findMany({
    where: { runId: { in: [...new Set(readers.map((reader) => reader.runId))] }, artifact: { stem: { in: stems } } },
    select: { runId: true, artifactId: true, artifact: { select: { stem: true } } },
  });
  const stale = links.filter((link) => managed.has(`${link.runId}:${link.artifact.stem}`) && !wanted.has(`${link.runId}:${link.artifactId}`));
  for (const link of links) wanted.delete(`${link.runId}:${link.artifactId}`);
  if (stale.length) await tx.runInputArtifact.deleteMany({ where: { OR: stale.map(({ runId, artifactId }) => ({ runId, artifactId })) } });
  await insertRows(db, tx, "RunInputArtifact", [...wanted.values()]);
  await settleFamilies(tx, stems, versions);
}

/** Flags the latest version of each family (after versions were created outside deriveLinks). */
export async function settle(tx: Tx, stems: string[]): Promise<void> {
  if (stems.length) await settleFamilies(tx, stems, await familyVersions(tx, stems));
}

/** Drops origin versions nobody reads once a run's version exists, and flags each family's latest version. */
async function settleFamilies(tx: Tx, stems: string[], versions: Version[]): Promise<void> {
  const producedStems = new Set(versions.filter((v) => v.runId != null).map((v) => v.stem));
  const origins = versions.filter((v) => isOriginHash(v.hash) && producedStems.has(v.stem)).map((v) => v.id);
  if (origins.length) {
    await tx.artifact.deleteMany({
      where: {
        id: { in: origins },
        inputOfRuns: { none: {} },
        collections: { none: {} },
        metaOfCollections: { none: {} },
        reportOfRuns: { none: {} },
        environmentOfRuns: { none: {} },
        recreatingRuns: { none: {} },
      },
    });
    versions = await familyVersions(tx, stems);
  }
  const latest = new Map<string, Version>();
  const time = (v: Version) => v.run?.startedAt.getTime() ?? -Infinity;
  for (const v of versions) {
    const best = latest.get(v.stem);
    if (!best || time(v) > time(best) || (time(v) === time(best) && v.id > best.id)) latest.set(v.stem, v);
  }
  const ids = new Set([...latest.values()].map((v) => v.id));
  // Only rows whose flag is wrong are written (the versions were read in this transaction).
  const lose = versions.filter((v) => v.isLatest && !ids.has(v.id)).map((v) => v.id);
  const gain = versions.filter((v) => !v.isLatest && ids.has(v.id)).map((v) => v.id);
  if (lose.length) await tx.artifact.updateMany({ where: { id: { in: lose } }, data: { isLatest: false } });
  if (gain.length) await tx.artifact.updateMany({ where: { id: { in: gain } }, data: { isLatest: true } });
}
