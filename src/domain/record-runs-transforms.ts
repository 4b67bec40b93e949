// The transforms of a recordRuns call: by uid, or by key (or name) with version and source
// hash as `track` finds or creates them (src/domain/transforms.ts), looked up for the whole
// call at once; only a new version costs statements of its own.
import { Binds, selectRows } from "../openlineage/sql.ts";
import { invalid, notFound } from "./errors.ts";
import { uidWhere } from "./lookups.ts";
import type { RecordRunItem } from "./record-runs-input.ts";
import { getOrCreateTransform, hashSourceCode, sourceHashOf, TRANSFORM_TYPES, type TransformInput } from "./transforms.ts";
import { untrash } from "./versions.ts";
import type { WriteContext } from "./write-context.ts";

type Pending = { item: RecordRunItem; index: number }[];

const nameOf = (t: TransformInput) => t.name?.trim() || t.key?.split("/").at(-1) || null;

/** The lock key track takes for the transform's family. */
export function transformLockKey(t: TransformInput): string {
  return t.key ? `transform:key:${t.key}` : `transform:name:${nameOf(t)}`;
}

function check(t: TransformInput, field: string): void {
  if (t.uid) return;
  if (!nameOf(t)) throw invalid(field, "give the transform's uid, or its key or name (and optionally version and source)");
  if (t.type && !(TRANSFORM_TYPES as readonly string[]).includes(t.type)) {
    throw invalid(`${field}.type`, `${JSON.stringify(t.type)} is not a transform type; use one of ${TRANSFORM_TYPES.join(", ")}`);
  }
  if (t.sourceCode != null && t.hash != null && hashSourceCode(t.sourceCode) !== t.hash) {
    throw invalid(`${field}.hash`, "is not the hash of the sourceCode given; send one of them");
  }
}

/** Transforms named by uid (a stem: the latest version), restored from the trash as track does. */
async function byUid(w: WriteContext, pending: Pending, ids: Record<number, number>): Promise<void> {
  const named = pending.filter(({ item }) => item.transform.uid);
  if (!named.length) return;
  const wheres = named.map(({ item, index }) => uidWhere("transform", item.transform.uid!, `input[${index}].transform.uid`));
  const rows = await w.tx.transform.findMany({ where: { OR: wheres } });
  const restored = new Set<number>();
  for (const { item, index } of named) {
    const uid = item.transform.uid!;
    const row = rows.find((r) => r.uid === uid || (r.stem === uid && r.isLatest));
    if (!row) throw notFound("transform", uid, `input[${index}].transform.uid`);
    if (row.trashedAt && !restored.has(row.id)) await untrash(w.tx, "transform", row);
    restored.add(row.id);
    ids[index] = row.id;
  }
}

/** The transform id of each pending item, by its index in the call. */
export async function resolveTransforms(w: WriteContext, pending: Pending): Promise<Record<number, number>> {
  for (const { item, index } of pending) check(item.transform, `input[${index}].transform`);
  const ids: Record<number, number> = {};
  await byUid(w, pending, ids);
  const named = pending.filter(({ item }) => !item.transform.uid);
  if (!named.length) return ids;
  const keys = [...new Set(named.flatMap(({ item }) => (item.transform.key ? [item.transform.key] : [])))];
  const names = [...new Set(named.flatMap(({ item }) => (item.transform.key ? [] : [nameOf(item.transform)!])))];
  const binds = new Binds(w.sql.provider);
  const latest = (
    await selectRows<{ id: number; key: string | null; name: string; version: string | null; hash: string | null }>(
      w.sql,
      w.tx,
      // by key, and by name where there is no key: one SELECT each, each through its index. Each
      // family's binds are added as its text is written: SQLite's "?" are bound in text order.
      [() => `"key" IN ${binds.list(keys, "text")}`, () => `"key" IS NULL AND "name" IN ${binds.list(names, "text")}`]
        .map(
          (family) =>
            `SELECT "id", "key", "name", "version", "hash" FROM "Transform" WHERE ${family()} AND "isLatest" = ${binds.add(true)} AND "trashedAt" IS NULL`,
        )
        .join(" UNION ALL "),
      binds.values,
    )
  ).map((row) => ({ ...row, id: Number(row.id) }));
  const familyOf = (t: TransformInput) => latest.find((row) => (t.key ? row.key === t.key : row.key === null && row.name === nameOf(t)));
  const bySpec = new Map<string, number>();
  for (const { item, index } of named) {
    const t = item.transform;
    const spec = JSON.stringify([t.key ?? null, nameOf(t), t.version ?? null, sourceHashOf(t)]);
    let id = bySpec.get(spec);
    if (id == null) {
      // getOrCreateTransform's rule without its look-ups: the latest version when it is the one named.
      const family = familyOf(t);
      const hash = sourceHashOf(t);
      const isLatest = family && (t.version != null ? family.version === t.version : hash == null || hash === family.hash);
      id = isLatest ? family.id : (await getOrCreateTransform(w, t, `input[${index}].transform`)).id;
      bySpec.set(spec, id);
    }
    ids[index] = id;
  }
  return ids;
}
