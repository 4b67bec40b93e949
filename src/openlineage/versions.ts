// Dataset versions of a batch: one version per (family, producing run), with the next suffix of
// its family, and the reads of each run (its earliest read of each family), from which the
// input links are derived (src/openlineage/links.ts).
import type { Database, Tx } from "../db/database.ts";
import { Binds, insertRows, JsonValue, selectRows, updateRow } from "./sql.ts";
import { FIRST_SUFFIX, incrementBase62 } from "../domain/uid.ts";
import { lastSuffixes } from "../domain/versions.ts";
import type { Change } from "../domain/write-context.ts";
import type { Family } from "./families.ts";
import { HASH_TYPE, outputHash } from "./mapping.ts";
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

/**
 * Creates versions with the next suffixes of their families (new families start at 0000);
 * each is queued in `changes`, announced once the transaction commits.
 */
export async function createVersions(db: Database, tx: Tx, versions: NewVersion[], userId: number, changes: Change[] = []): Promise<void> {
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
      changes.push({ model: "Artifact", kind: previous ? "VERSIONED" : "CREATED", uid: version.family.stem + suffix });
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
export async function writeOutputs(db: Database, tx: Tx, outputs: Written[], userId: number, changes?: Change[]): Promise<void> {
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
  const b = new Binds(db.provider);
  const known = await selectRows<{ id: number | bigint; hash: string; facets: unknown }>(
    db,
    tx,
    `SELECT id, hash, facets FROM "Artifact" WHERE hash IN ${b.list([...byHash.keys()], "text")}`,
    b.values,
  );
  for (const row of known) {
    const version = byHash.get(row.hash)!;
    byHash.delete(row.hash);
    const statistics = { size: version.size, nObservations: version.nObservations, nObjects: version.nObjects };
    await updateRow(
      db,
      tx,
      "Artifact",
      {
        facets: new JsonValue({ ...((row.facets ?? {}) as Facets), ...version.facets }),
        ...Object.fromEntries(Object.entries(statistics).filter(([, value]) => value != null)),
        updatedAt: new Date(),
      },
      { id: Number(row.id) },
    );
  }
  await createVersions(db, tx, [...byHash.values()], userId, changes);
}

/** Records what each run read and the earliest time it read it, in one statement. */
export async function writeInputs(db: Database, tx: Tx, inputs: Written[]): Promise<void> {
  const earliest = new Map<string, { runId: number; stem: string; readAt: Date }>();
  for (const input of inputs) {
    const key = `${input.run.id}:${input.family.stem}`;
    const seen = earliest.get(key);
    if (!seen || input.at < seen.readAt) earliest.set(key, { runId: input.run.id!, stem: input.family.stem, readAt: input.at });
  }
  await insertRows(db, tx, "OpenLineageInput", [...earliest.values()], [], {
    onConflict: `ON CONFLICT ("runId", "stem") DO UPDATE SET "readAt" = excluded."readAt" WHERE excluded."readAt" < "OpenLineageInput"."readAt"`,
  });
}
