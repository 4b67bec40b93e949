// Version families of transforms, artifacts and collections: the next uid of a family,
// and the rule that exactly one record per family is the latest.
import type { Provider, Tx } from "../db/database.ts";
import { conflict, notFound } from "./errors.ts";
import { uidWhere } from "./lookups.ts";
import { requireAdmin, requireOwnerOrAdmin } from "./permissions.ts";
import { base62, compareBase62, FIRST_SUFFIX, incrementBase62, STEM_LENGTH, type VersionedRegistry } from "./uid.ts";
import type { WriteContext } from "./write-context.ts";

export { uidWhere } from "./lookups.ts";

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
    throw conflict(`version ${JSON.stringify(version)} already exists in this ${registry} family`, {
      field: "version",
    });
  }
  const suffixes = members.map((member) => member.uid.slice(STEM_LENGTH[registry])).sort(compareBase62);
  const last = suffixes.at(-1);
  return { stem, uid: stem + (last ? incrementBase62(last) : FIRST_SUFFIX) };
}

/**
 * The highest uid suffix of each family, for many artifact families in one statement (new
 * families are absent). Suffixes have a fixed length and base62 digits are in byte order, so
 * the byte-wise maximum (COLLATE "C" on PostgreSQL) is the newest; the database reduces each
 * family to one row, however many versions it has.
 */
export async function lastSuffixes(tx: Tx, provider: Provider, stems: readonly string[]): Promise<Map<string, string>> {
  if (!stems.length) return new Map();
  const rows =
    provider === "postgresql"
      ? await tx.$queryRawUnsafe<{ uid: string }[]>('SELECT MAX("uid" COLLATE "C") AS "uid" FROM "Artifact" WHERE "stem" = ANY($1::text[]) GROUP BY "stem"', [
          ...stems,
        ])
      : // A uid is its stem and a suffix of base62 digits, all below "{": each family's uids are
        // one range of the uid index, whose last entry SQLite reads without visiting the family.
        await tx.$queryRawUnsafe<{ uid: string | null }[]>(
          `SELECT (SELECT "uid" FROM "Artifact" WHERE "uid" >= s.value AND "uid" < s.value || '{' ORDER BY "uid" DESC LIMIT 1) AS "uid" FROM json_each(?) AS s`,
          JSON.stringify(stems),
        );
  return new Map(rows.flatMap(({ uid }) => (uid == null ? [] : [[uid.slice(0, STEM_LENGTH.artifact), uid.slice(STEM_LENGTH.artifact)]])));
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

// The calls trashing, deleting and restoring need, shared by the three versioned delegates.
interface TrashableDelegate {
  findFirst(args: { where: ReturnType<typeof uidWhere> }): Promise<{ id: number; uid: string; stem: string; createdById: number } | null>;
  update(args: { where: { id: number }; data: { trashedAt: Date | null } }): Promise<{ id: number; uid: string }>;
  delete(args: { where: { id: number } }): Promise<unknown>;
}

function trashable(tx: Tx, registry: VersionedRegistry): TrashableDelegate {
  return tx[registry];
}

/**
 * Moves a transform, artifact or collection to the trash, or (admin only) removes it for
 * good once `refuse` has found nothing that still needs it; its family's latest is recomputed.
 */
export async function deleteVersioned(
  { tx, actor }: WriteContext,
  registry: VersionedRegistry,
  uid: string,
  permanent: boolean,
  refuse: (tx: Tx, record: { id: number; uid: string }) => Promise<void> = () => Promise.resolve(),
): Promise<{ id: number; uid: string; stem: string }> {
  if (permanent) requireAdmin(actor, "a permanent delete");
  const records = trashable(tx, registry);
  const record = await records.findFirst({ where: uidWhere(registry, uid) });
  if (!record) throw notFound(registry, uid, "uid");
  if (permanent) {
    await refuse(tx, record);
    await records.delete({ where: { id: record.id } });
  } else {
    await records.update({ where: { id: record.id }, data: { trashedAt: new Date() } });
  }
  await recomputeLatest(tx, registry, record.stem);
  return record;
}

/** Takes a transform, artifact or collection out of the trash; its family's latest is recomputed. */
export async function restoreVersioned({ tx, actor }: WriteContext, registry: VersionedRegistry, uid: string): Promise<{ id: number; uid: string }> {
  const records = trashable(tx, registry);
  const record = await records.findFirst({ where: uidWhere(registry, uid) });
  if (!record) throw notFound(registry, uid, "uid");
  requireOwnerOrAdmin(actor, record, "restoring");
  const restored = await records.update({ where: { id: record.id }, data: { trashedAt: null } });
  await recomputeLatest(tx, registry, record.stem);
  return restored;
}

/** Takes a record found by content or family out of the trash, if it is there; its family's latest is recomputed. */
export async function untrash<R extends { id: number; stem: string; trashedAt: Date | null }>(tx: Tx, registry: VersionedRegistry, record: R): Promise<R> {
  if (!record.trashedAt) return record;
  await trashable(tx, registry).update({ where: { id: record.id }, data: { trashedAt: null } });
  await recomputeLatest(tx, registry, record.stem);
  return { ...record, trashedAt: null };
}
