// Collections: ordered sets of artifacts, idempotent by the hash of their members,
// versioned by key; members become inputs of the run that builds the collection.
import { createHash } from "node:crypto";
import type { Database, Tx } from "../db/database.ts";
import { invalid, notFound } from "./errors.ts";
import { requireAdmin, type Caller } from "./permissions.ts";
import { checkKey, findArtifacts, findRun } from "./artifacts.ts";
import { linkRunInputs } from "./run-inputs.ts";
import { nextVersionUid, recomputeLatest, uidWhere } from "./versions.ts";

export interface CreateCollectionInput {
  key: string;
  description?: string | null;
  artifactUids: readonly string[];
  metaArtifactUid?: string | null;
  runUid?: string | null;
  revisesUid?: string | null;
  version?: string | null;
  reference?: string | null;
  referenceType?: string | null;
}

export async function findCollections(tx: Tx, uids: readonly string[], field: string) {
  const wheres = uids.map((uid, i) => uidWhere("collection", uid, `${field}[${i}]`));
  if (wheres.length === 0) return [];
  const found = await tx.collection.findMany({ where: { OR: wheres } });
  return uids.map((uid, i) => {
    const collection = found.find((c) => c.uid === uid || (c.stem === uid && c.isLatest));
    if (!collection) throw notFound("collection", uid, `${field}[${i}]`);
    return collection;
  });
}

export async function createCollection(db: Database, tx: Tx, input: CreateCollectionInput, userId: number) {
  checkKey(input.key, "key");
  if (input.artifactUids.length === 0) throw invalid("artifactUids", "a collection needs at least one artifact");
  if (new Set(input.artifactUids).size !== input.artifactUids.length) throw invalid("artifactUids", "lists an artifact twice");
  const artifacts = await findArtifacts(tx, input.artifactUids, "artifactUids");
  if (new Set(artifacts.map((a) => a.id)).size !== artifacts.length) throw invalid("artifactUids", "lists an artifact twice");
  const run = input.runUid ? await findRun(tx, input.runUid, "runUid") : null;
  const meta = input.metaArtifactUid ? (await findArtifacts(tx, [input.metaArtifactUid], "metaArtifactUid"))[0] : null;
  const hash = createHash("sha256")
    .update(artifacts.map((a) => a.hash ?? a.uid).join("\n"))
    .digest("base64url")
    .slice(0, 22);

  await db.lock(tx, `collection:hash:${hash}`);
  const existing = await tx.collection.findUnique({ where: { hash } });
  if (existing) {
    if (!existing.trashedAt) return existing;
    const restored = await tx.collection.update({ where: { id: existing.id }, data: { trashedAt: null } });
    await recomputeLatest(tx, "collection", existing.stem);
    return restored;
  }

  let stem: string | null = null;
  if (input.revisesUid) {
    const revised = await tx.collection.findFirst({ where: uidWhere("collection", input.revisesUid, "revisesUid") });
    if (!revised) throw notFound("collection", input.revisesUid, "revisesUid");
    stem = revised.stem;
  } else {
    await db.lock(tx, `collection:key:${input.key}`);
    stem = (await tx.collection.findFirst({ where: { key: input.key }, orderBy: [{ isLatest: "desc" }, { id: "desc" }] }))?.stem ?? null;
  }
  if (stem) await db.lock(tx, `collection:stem:${stem}`);
  const { uid } = await nextVersionUid(tx, "collection", stem, input.version);
  if (stem) await tx.collection.updateMany({ where: { stem, isLatest: true }, data: { isLatest: false } });
  const collection = await tx.collection.create({
    data: {
      uid,
      stem: uid.slice(0, 16),
      key: input.key,
      description: input.description ?? null,
      version: input.version ?? null,
      hash,
      reference: input.reference ?? null,
      referenceType: input.referenceType ?? null,
      metaArtifactId: meta?.id ?? null,
      runId: run?.id ?? null,
      isLatest: true,
      createdById: userId,
      artifacts: { createMany: { data: artifacts.map((a, position) => ({ artifactId: a.id, position })) } },
    },
  });
  if (run)
    await linkRunInputs(
      tx,
      run.id,
      artifacts.map((a) => a.id),
      [],
    );
  return collection;
}

export async function deleteCollection(tx: Tx, uid: string, permanent: boolean, caller: Caller) {
  if (permanent) requireAdmin(caller, "a permanent delete");
  const collection = await tx.collection.findFirst({ where: uidWhere("collection", uid) });
  if (!collection) throw notFound("collection", uid, "uid");
  if (permanent) {
    // Member and input links cascade; the member artifacts stay.
    await tx.collection.delete({ where: { id: collection.id } });
  } else {
    await tx.collection.update({ where: { id: collection.id }, data: { trashedAt: new Date() } });
  }
  await recomputeLatest(tx, "collection", collection.stem);
  return collection;
}
