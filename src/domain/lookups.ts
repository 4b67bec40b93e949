// Finding records by uid: the one place that knows that a full uid names one record and a
// stem names the latest version of its family (docs/design.md, "Versions").
import type { Tx } from "../db/database.ts";
import { invalid, notFound } from "./errors.ts";
import { STEM_LENGTH, UID_LENGTH, type VersionedRegistry } from "./uid.ts";

export type UidRegistry = VersionedRegistry | "run";

/**
 * The where clause that finds a record by uid: a full uid names one record, a stem-length
 * uid names the latest version of its family.
 */
export function uidWhere(registry: UidRegistry, uid: string, field = "uid") {
  const full = UID_LENGTH[registry];
  if (!/^[0-9A-Za-z]+$/.test(uid)) throw invalid(field, `${JSON.stringify(uid)} is not a ${registry} uid (base62 characters only)`);
  if (uid.length === full) return { uid };
  if (registry !== "run" && uid.length === STEM_LENGTH[registry]) return { stem: uid, isLatest: true };
  const lengths = registry === "run" ? `${full}` : `${full} (or ${STEM_LENGTH[registry]} for the latest version)`;
  throw invalid(field, `${JSON.stringify(uid)} is not a ${registry} uid: expected ${lengths} characters`);
}

/** A filter on a versioned record by uid: one version by its full uid, or every version of a family by its stem. */
export function familyWhere(registry: VersionedRegistry, uid: string, field: string) {
  return uid.length === STEM_LENGTH[registry] ? { stem: uid } : uidWhere(registry, uid, field);
}

/** The where clause of a lookup: by uid (or stem), outside the trash unless asked for. */
export function lookupWhere(registry: UidRegistry, uid: string, includeTrashed: boolean | null | undefined, field = "uid") {
  return { ...uidWhere(registry, uid, field), ...(includeTrashed ? {} : { trashedAt: null }) };
}

function found<T>(record: T | null, registry: UidRegistry, uid: string, field: string): T {
  if (!record) throw notFound(registry, uid, field);
  return record;
}

export async function findRun(tx: Tx, uid: string, field = "uid") {
  return found(await tx.run.findFirst({ where: uidWhere("run", uid, field) }), "run", uid, field);
}

export async function findTransform(tx: Tx, uid: string, field = "uid") {
  return found(await tx.transform.findFirst({ where: uidWhere("transform", uid, field) }), "transform", uid, field);
}

export async function findArtifact(tx: Tx, uid: string, field = "uid") {
  return found(await tx.artifact.findFirst({ where: uidWhere("artifact", uid, field) }), "artifact", uid, field);
}

export async function findCollection(tx: Tx, uid: string, field = "uid") {
  return found(await tx.collection.findFirst({ where: uidWhere("collection", uid, field) }), "collection", uid, field);
}

type Versioned = { uid: string; stem: string; isLatest: boolean };

/** Many records by uid in one statement, in the order asked for; the first uid not found is NOT_FOUND naming its index. */
async function findAll<R extends Versioned>(
  registry: VersionedRegistry,
  uids: readonly string[],
  field: string,
  fetch: (where: { OR: ReturnType<typeof uidWhere>[] }) => Promise<R[]>,
): Promise<R[]> {
  const wheres = uids.map((uid, i) => uidWhere(registry, uid, `${field}[${i}]`));
  if (wheres.length === 0) return [];
  const records = await fetch({ OR: wheres });
  return uids.map((uid, i) => found(records.find((r) => r.uid === uid || (r.stem === uid && r.isLatest)) ?? null, registry, uid, `${field}[${i}]`));
}

export function findArtifacts(tx: Tx, uids: readonly string[], field: string) {
  return findAll("artifact", uids, field, (where) => tx.artifact.findMany({ where }));
}

export function findCollections(tx: Tx, uids: readonly string[], field: string) {
  return findAll("collection", uids, field, (where) => tx.collection.findMany({ where }));
}
