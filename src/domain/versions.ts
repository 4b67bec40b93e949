// Version families of transforms, artifacts and collections: the next uid of a family,
// and the rule that exactly one record per family is the latest.
import type { Tx } from "../db/database.ts";
import { AppError, invalid, notFound } from "./errors.ts";
import { requireOwnerOrAdmin, type Caller } from "./permissions.ts";
import { base62, compareBase62, FIRST_SUFFIX, incrementBase62, STEM_LENGTH, UID_LENGTH, type VersionedRegistry } from "./uid.ts";

interface FamilyMember {
  id: number;
  uid: string;
  version: string | null;
  isLatest: boolean;
  trashedAt: Date | null;
}

// The three versioned delegates share these calls; Prisma types each delegate separately.
interface FamilyDelegate {
  findMany(args: { where: { stem: string }; select: Record<keyof FamilyMember, true> }): Promise<FamilyMember[]>;
  updateMany(args: { where: { id: { in: number[] } }; data: { isLatest: boolean } }): Promise<unknown>;
}

function delegate(tx: Tx, registry: VersionedRegistry): FamilyDelegate {
  return tx[registry];
}

const familySelect = { id: true, uid: true, version: true, isLatest: true, trashedAt: true } as const;

export async function familyMembers(tx: Tx, registry: VersionedRegistry, stem: string): Promise<FamilyMember[]> {
  return delegate(tx, registry).findMany({ where: { stem }, select: familySelect });
}

/** The uid a new member of the family with this stem (or of a new family) takes. */
export async function nextVersionUid(
  tx: Tx,
  registry: VersionedRegistry,
  stem: string | null,
  version: string | null | undefined,
): Promise<{ uid: string; stem: string }> {
  if (!stem) {
    const fresh = base62(STEM_LENGTH[registry]);
    return { stem: fresh, uid: fresh + FIRST_SUFFIX };
  }
  const members = await familyMembers(tx, registry, stem);
  if (version != null && members.some((member) => member.version === version)) {
    throw new AppError("CONFLICT", `version ${JSON.stringify(version)} already exists in this ${registry} family`, {
      field: "version",
    });
  }
  const suffixes = members.map((member) => member.uid.slice(STEM_LENGTH[registry])).sort(compareBase62);
  const last = suffixes.at(-1);
  return { stem, uid: stem + (last ? incrementBase62(last) : FIRST_SUFFIX) };
}

/**
 * Makes the newest record of the family that is not in the trash the latest one (the newest
 * overall when all are trashed), so that a stem lookup keeps answering after a delete.
 */
export async function recomputeLatest(tx: Tx, registry: VersionedRegistry, stem: string): Promise<void> {
  const members = await familyMembers(tx, registry, stem);
  if (members.length === 0) return;
  const byAge = [...members].sort((a, b) => compareBase62(a.uid, b.uid));
  const live = byAge.filter((member) => member.trashedAt == null);
  const latest = (live.length ? live : byAge).at(-1)!;
  const wrong = members.filter((member) => member.isLatest !== (member.id === latest.id));
  const toFalse = wrong.filter((member) => member.isLatest).map((member) => member.id);
  const toTrue = wrong.filter((member) => !member.isLatest).map((member) => member.id);
  if (toFalse.length) await delegate(tx, registry).updateMany({ where: { id: { in: toFalse } }, data: { isLatest: false } });
  if (toTrue.length) await delegate(tx, registry).updateMany({ where: { id: { in: toTrue } }, data: { isLatest: true } });
}

/**
 * The where clause that finds a record by uid: a full uid names one record, a stem-length
 * uid names the latest version of its family.
 */
export function uidWhere(registry: VersionedRegistry | "run", uid: string, field = "uid") {
  const full = UID_LENGTH[registry];
  if (!/^[0-9A-Za-z]+$/.test(uid)) throw invalid(field, `${JSON.stringify(uid)} is not a ${registry} uid (base62 characters only)`);
  if (uid.length === full) return { uid };
  if (registry !== "run" && uid.length === STEM_LENGTH[registry]) return { stem: uid, isLatest: true };
  const lengths = registry === "run" ? `${full}` : `${full} (or ${STEM_LENGTH[registry]} for the latest version)`;
  throw invalid(field, `${JSON.stringify(uid)} is not a ${registry} uid: expected ${lengths} characters`);
}

// The calls restoring needs, shared by the three versioned delegates.
interface RestorableDelegate {
  findFirst(args: { where: Record<string, unknown> }): Promise<{ id: number; stem: string; createdById: number } | null>;
  update(args: { where: { id: number }; data: { trashedAt: null } }): Promise<{ id: number }>;
}

/** Takes a transform, artifact or collection out of the trash; its family's latest is recomputed. */
export async function restoreVersioned(tx: Tx, registry: VersionedRegistry, uid: string, caller: Caller): Promise<{ id: number }> {
  const records = tx[registry] as unknown as RestorableDelegate;
  const record = await records.findFirst({ where: uidWhere(registry, uid) });
  if (!record) throw notFound(registry, uid, "uid");
  requireOwnerOrAdmin(caller, record, "restoring");
  const restored = await records.update({ where: { id: record.id }, data: { trashedAt: null } });
  await recomputeLatest(tx, registry, record.stem);
  return restored;
}
