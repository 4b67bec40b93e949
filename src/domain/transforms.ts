// Get-or-create of transforms by uid, key or name, with versions (docs/design.md, "Versions").
import { createHash } from "node:crypto";
import type { Tx } from "../db/database.ts";
import type { Transform } from "../generated/sqlite/client.ts";
import { Binds, selectRows } from "../openlineage/sql.ts";
import { conflict, invalid } from "./errors.ts";
import { findTransform } from "./lookups.ts";
import { deleteVersioned, nextVersionUid, untrash } from "./versions.ts";
import type { WriteContext } from "./write-context.ts";

export const TRANSFORM_TYPES = ["pipeline", "notebook", "script", "function", "upload", "glue"] as const;

export interface TransformInput {
  uid?: string | null;
  name?: string | null;
  key?: string | null;
  version?: string | null;
  type?: string | null;
  description?: string | null;
  sourceCode?: string | null;
  /** hashSourceCode of the source, for a caller that does not send the source itself */
  hash?: string | null;
  reference?: string | null;
  referenceType?: string | null;
}

export function hashSourceCode(sourceCode: string): string {
  return createHash("sha256").update(sourceCode).digest("base64url").slice(0, 22);
}

/** The source hash a transform input names: of its source code, else the hash it gives. */
export function sourceHashOf(input: TransformInput): string | null {
  return input.sourceCode != null ? hashSourceCode(input.sourceCode) : (input.hash ?? null);
}

/**
 * Finds the transform a run belongs to, creating it (or a new version of its family) when
 * needed: the same name+version or key+version returns the existing record; new source code
 * for an unversioned family makes a new version that keeps the family's uid stem. Tracking a
 * trashed transform restores it.
 */
export async function getOrCreateTransform(w: WriteContext, input: TransformInput, field = "transform") {
  const { tx } = w;
  if (input.uid) return untrash(tx, "transform", await findTransform(tx, input.uid, `${field}.uid`));
  const name = input.name?.trim() || input.key?.split("/").at(-1) || null;
  if (!name) throw invalid(field, "give the transform's uid, or its name (and optionally key and version)");
  if (input.type && !(TRANSFORM_TYPES as readonly string[]).includes(input.type)) {
    throw invalid(`${field}.type`, `${JSON.stringify(input.type)} is not a transform type; use one of ${TRANSFORM_TYPES.join(", ")}`);
  }
  const key = input.key ?? null;
  const familyWhere = key ? { key } : { name, key: null };
  const hash = sourceHashOf(input);
  const isNamed = (t: { version: string | null; hash: string | null }) =>
    input.version != null ? t.version === input.version : hash == null || hash === t.hash;
  // The common case, the family's latest version named again, is one raw read (a Prisma call
  // costs more than the statement) without the family's lock: the lock only keeps two writers
  // from creating the same version (docs/architecture.md, "Writes").
  const binds = new Binds(w.sql.provider);
  const family = key ? `"key" = ${binds.add(key)}` : `"name" = ${binds.add(name)} AND "key" IS NULL`;
  const [current] = await selectRows<Transform>(
    w.sql,
    tx,
    `SELECT * FROM "Transform" WHERE ${family} AND "isLatest" = ${binds.add(true)} AND "trashedAt" IS NULL LIMIT 1`,
    binds.values,
  );
  if (current && isNamed(current)) return current;
  await w.lock(key ? `transform:key:${key}` : `transform:name:${name}`);
  const latest =
    (await tx.transform.findFirst({ where: { ...familyWhere, isLatest: true, trashedAt: null } })) ??
    (await tx.transform.findFirst({ where: familyWhere, orderBy: { id: "desc" } }));

  if (latest) {
    if (input.version != null) {
      const tagged = latest.version === input.version ? latest : await tx.transform.findFirst({ where: { stem: latest.stem, version: input.version } });
      if (tagged) return untrash(tx, "transform", tagged);
    } else if (isNamed(latest)) {
      return untrash(tx, "transform", latest);
    }
  }
  const { uid, stem } = await nextVersionUid(tx, "transform", latest?.stem ?? null, input.version);
  if (latest) await tx.transform.updateMany({ where: { stem, isLatest: true }, data: { isLatest: false } });
  return tx.transform.create({
    data: {
      uid,
      stem,
      name,
      key,
      version: input.version ?? null,
      type: input.type ?? "pipeline",
      description: input.description ?? null,
      sourceCode: input.sourceCode ?? null,
      hash,
      reference: input.reference ?? null,
      referenceType: input.referenceType ?? null,
      isLatest: true,
      createdById: w.actor.id,
    },
  });
}

/** A transform is removed for good only once it has no runs. */
async function refuseWhileRuns(tx: Tx, transform: { id: number; uid: string }): Promise<void> {
  const runs = await tx.run.findMany({ where: { transformId: transform.id }, select: { uid: true }, take: 10 });
  if (runs.length === 0) return;
  const uids = runs.map((r) => r.uid);
  throw conflict(`transform ${transform.uid} still has runs (${uids.join(", ")}${runs.length === 10 ? ", …" : ""}); delete them first`, {
    field: "uid",
    runUids: uids,
  });
}

export function deleteTransform(w: WriteContext, uid: string, permanent: boolean) {
  return deleteVersioned(w, "transform", uid, permanent, refuseWhileRuns);
}

/** Links predecessors to a transform (which transforms feed it), refusing self-links. */
export async function addTransformPredecessors({ tx }: WriteContext, uid: string, predecessorUids: readonly string[]) {
  const transform = await findTransform(tx, uid);
  const predecessors = [];
  for (const [i, predecessorUid] of predecessorUids.entries()) {
    const field = `predecessorUids[${i}]`;
    const predecessor = await findTransform(tx, predecessorUid, field);
    if (predecessor.id === transform.id) throw invalid(field, "a transform cannot be its own predecessor");
    predecessors.push(predecessor);
  }
  const existing = await tx.transformPredecessor.findMany({ where: { successorId: transform.id }, select: { predecessorId: true } });
  const known = new Set(existing.map((link) => link.predecessorId));
  const data = [...new Set(predecessors.map((p) => p.id))]
    .filter((id) => !known.has(id))
    .map((predecessorId) => ({ successorId: transform.id, predecessorId }));
  if (data.length) await tx.transformPredecessor.createMany({ data });
  return transform;
}
