// Collections: ordered sets of artifacts, idempotent by the hash of their members,
// versioned by key; members become inputs of the run that builds the collection.
import { createHash } from "node:crypto";
import { invalid } from "./errors.ts";
import { checkKey } from "./artifacts.ts";
import { findArtifact, findArtifacts, findCollection, findRun } from "./lookups.ts";
import { linkRunInputs } from "./run-inputs.ts";
import { STEM_LENGTH } from "./uid.ts";
import { deleteVersioned, nextVersionUid, untrash } from "./versions.ts";
import type { WriteContext } from "./write-context.ts";

export { findCollections } from "./lookups.ts";

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

/** The members' content, in order: what makes two collections the same. */
function membersHash(artifacts: { hash: string | null; uid: string }[]): string {
  return createHash("sha256")
    .update(artifacts.map((a) => a.hash ?? a.uid).join("\n"))
    .digest("base64url")
    .slice(0, 22);
}

/** The members, in order, each once. */
async function membersOf({ tx }: WriteContext, artifactUids: readonly string[]) {
  if (artifactUids.length === 0) throw invalid("artifactUids", "a collection needs at least one artifact");
  if (new Set(artifactUids).size !== artifactUids.length) throw invalid("artifactUids", "lists an artifact twice");
  const artifacts = await findArtifacts(tx, artifactUids, "artifactUids");
  if (new Set(artifacts.map((a) => a.id)).size !== artifacts.length) throw invalid("artifactUids", "lists an artifact twice");
  return artifacts;
}

/** The family a new collection joins: the revised collection's, or the one of the same key. */
async function familyStem(w: WriteContext, input: CreateCollectionInput): Promise<string | null> {
  if (input.revisesUid) return (await findCollection(w.tx, input.revisesUid, "revisesUid")).stem;
  await w.lock(`collection:key:${input.key}`);
  const family = await w.tx.collection.findFirst({ where: { key: input.key }, orderBy: [{ isLatest: "desc" }, { id: "desc" }] });
  return family?.stem ?? null;
}

/**
 * Creates a collection of artifacts, in order. The same members return the existing collection
 * (restored from the trash if needed); the same key with other members is the next version.
 * The members become inputs of the run that builds it.
 */
export async function createCollection(w: WriteContext, input: CreateCollectionInput) {
  const { tx } = w;
  checkKey(input.key, "key");
  const artifacts = await membersOf(w, input.artifactUids);
  const run = input.runUid ? await findRun(tx, input.runUid, "runUid") : null;
  const meta = input.metaArtifactUid ? await findArtifact(tx, input.metaArtifactUid, "metaArtifactUid") : null;
  const hash = membersHash(artifacts);

  await w.lock(`collection:hash:${hash}`);
  const existing = await tx.collection.findUnique({ where: { hash } });
  if (existing) return untrash(tx, "collection", existing);

  const stem = await familyStem(w, input);
  if (stem) await w.lock(`collection:stem:${stem}`);
  const { uid } = await nextVersionUid(tx, "collection", stem, input.version);
  if (stem) await tx.collection.updateMany({ where: { stem, isLatest: true }, data: { isLatest: false } });
  const collection = await tx.collection.create({
    data: {
      uid,
      stem: uid.slice(0, STEM_LENGTH.collection),
      key: input.key,
      description: input.description ?? null,
      version: input.version ?? null,
      hash,
      reference: input.reference ?? null,
      referenceType: input.referenceType ?? null,
      metaArtifactId: meta?.id ?? null,
      runId: run?.id ?? null,
      isLatest: true,
      createdById: w.actor.id,
      artifacts: { createMany: { data: artifacts.map((a, position) => ({ artifactId: a.id, position })) } },
    },
  });
  if (run) await linkRunInputs(tx, run.id, { artifactIds: artifacts.map((a) => a.id) });
  return collection;
}

/** Member and input links cascade on a permanent delete; the member artifacts stay. */
export function deleteCollection(w: WriteContext, uid: string, permanent: boolean) {
  return deleteVersioned(w, "collection", uid, permanent);
}
