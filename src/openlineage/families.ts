// Dataset identifiers → artifact families. Every identifier seen (a dataset's own, its
// symlinks, the name it had before a RENAME) is an alias of one family stem; a family is new
// when none of its identifiers is known. Resolved for a whole batch in a few statements.
import type { Database, Tx } from "../db/database.ts";
import { base62, STEM_LENGTH, UID_LENGTH } from "../domain/uid.ts";
import { storageTypeOf } from "./mapping.ts";
import { Binds, selectRows } from "./sql.ts";
import type { DatasetRef, Identifier } from "./parse.ts";

export interface Family {
  stem: string;
  /** The family's key and storage (a new family: the dataset's name and namespace). */
  key: string;
  storageId: number;
  isNew: boolean;
}

interface AliasRow {
  namespace: string;
  name: string;
  stem: string;
  /** The family's latest version's, when it has one. */
  key: string | null;
  storageId: number | bigint | null;
}

const idKey = (id: Identifier) => `${id.namespace}\u0000${id.name}`;

/** Every identifier a dataset is known by, its own first. */
export const identifiersOf = (dataset: DatasetRef): Identifier[] => [dataset, ...(dataset.previous ? [dataset.previous] : []), ...dataset.aliases];

/** Lock keys of the datasets of a batch: two transactions never create the same family twice. */
export const datasetLockKeys = (datasets: DatasetRef[]) =>
  datasets.flatMap((dataset) => identifiersOf(dataset).map((id) => `ol:dataset:${JSON.stringify([id.namespace, id.name])}`));

export async function storagesFor(tx: Tx, namespaces: string[], userId: number): Promise<Map<string, number>> {
  const unique = [...new Set(namespaces)];
  if (!unique.length) return new Map();
  const found = await tx.storage.findMany({ where: { root: { in: unique } }, select: { id: true, root: true } });
  const ids = new Map(found.map((storage) => [storage.root, storage.id]));
  const missing = unique.filter((root) => !ids.has(root));
  if (missing.length) {
    const created = await tx.storage.createManyAndReturn({
      data: missing.map((root) => ({ root, type: storageTypeOf(root), uid: base62(UID_LENGTH.storage), createdById: userId })),
      select: { id: true, root: true },
    });
    for (const storage of created) ids.set(storage.root, storage.id);
  }
  return ids;
}

/**
 * The stem of every identifier of the batch: the family an identifier (or one of its dataset's
 * symlinks) already names, else a new one; records the aliases not stored yet, and which
 * families a RENAME moves.
 */
async function placeAliases(tx: Tx, datasets: DatasetRef[], rows: AliasRow[]) {
  const aliases = new Map(rows.map((row) => [idKey(row), row.stem]));
  const stemOf = new Map<string, string>();
  const newStems = new Set<string>();
  const renamed = new Map<string, Identifier>();
  for (const dataset of datasets) {
    const own = idKey(dataset);
    if (stemOf.has(own)) continue;
    const known = identifiersOf(dataset)
      .map((id) => aliases.get(idKey(id)))
      .find(Boolean);
    const stem = known ?? base62(STEM_LENGTH.artifact);
    if (!known) newStems.add(stem);
    if (dataset.previous && aliases.has(idKey(dataset.previous))) renamed.set(stem, dataset);
    for (const id of identifiersOf(dataset)) {
      if (!aliases.has(idKey(id))) aliases.set(idKey(id), stem);
      stemOf.set(idKey(id), aliases.get(idKey(id))!);
    }
    stemOf.set(own, stem);
  }
  const stored = new Set(rows.map(idKey));
  const newAliases = [...aliases.entries()].filter(([key]) => !stored.has(key));
  if (newAliases.length) {
    await tx.artifactAlias.createMany({
      data: newAliases.map(([key, stem]) => {
        const [namespace, name] = key.split("\u0000");
        return { namespace, name, stem };
      }),
    });
  }
  return { stemOf, newStems, renamed };
}

/**
 * The family of each dataset of the batch, by its own identifier. New aliases are recorded; a
 * RENAME moves the family's key (and storage) to the new name and keeps the old one as alias.
 */
export async function resolveFamilies(db: Database, tx: Tx, datasets: DatasetRef[], userId: number): Promise<Map<string, Family>> {
  const families = new Map<string, Family>();
  if (!datasets.length) return families;
  const all = datasets.flatMap(identifiersOf);
  // Every known identifier with its family's latest version (key and storage), in one statement.
  const b = new Binds(db.provider);
  const rows = await selectRows<AliasRow>(
    db,
    tx,
    `SELECT al.namespace, al.name, al.stem, a.key, a."storageId" FROM "ArtifactAlias" al LEFT JOIN "Artifact" a ON a.stem = al.stem AND a."isLatest" = TRUE
     WHERE al.namespace IN ${b.list([...new Set(all.map((id) => id.namespace))], "text")} AND al.name IN ${b.list([...new Set(all.map((id) => id.name))], "text")}`,
    b.values,
  );
  const { stemOf, newStems, renamed } = await placeAliases(tx, datasets, rows);
  const existing = rows.filter((row) => row.storageId != null).map((row) => ({ stem: row.stem, key: row.key, storageId: Number(row.storageId) }));
  const latestOf = new Set(existing.map((row) => row.stem));
  // Storages are needed for new families, moved ones and families without a version yet.
  const storages = await storagesFor(
    tx,
    datasets.filter((dataset) => !latestOf.has(stemOf.get(idKey(dataset))!) || renamed.has(stemOf.get(idKey(dataset))!)).map((dataset) => dataset.namespace),
    userId,
  );
  for (const [stem, target] of renamed) {
    await tx.artifact.updateMany({ where: { stem }, data: { key: target.name, storageId: storages.get(target.namespace)! } });
  }
  const current = new Map(existing.map((row) => [row.stem, row]));
  for (const dataset of datasets) {
    const stem = stemOf.get(idKey(dataset))!;
    const moved = renamed.get(stem);
    const row = current.get(stem);
    const isNew = newStems.has(stem);
    families.set(idKey(dataset), {
      stem,
      key: moved?.name ?? (isNew || !row ? dataset.name : (row.key ?? dataset.name)),
      storageId: moved || isNew || !row ? storages.get((moved ?? dataset).namespace)! : row.storageId,
      isNew,
    });
  }
  return families;
}

export const familyOf = (families: Map<string, Family>, dataset: Identifier) => families.get(idKey(dataset))!;
