// Run inputs: the artifacts and collections a run read, linked by tracking, by later additions
// and by the collections a run builds (shared by runs.ts and collections.ts).
import type { Tx } from "../db/database.ts";
import { findArtifacts, findCollections } from "./lookups.ts";

/** Inputs named by uid, as the fields of a call name them. */
export interface InputUids {
  artifactUids?: readonly string[] | null;
  collectionUids?: readonly string[] | null;
}

/** Finds the inputs a call names (NOT_FOUND naming the first missing one), before anything is written. */
export async function findInputs(tx: Tx, uids: InputUids, fields: { artifacts: string; collections: string }) {
  const artifacts = await findArtifacts(tx, uids.artifactUids ?? [], fields.artifacts);
  const collections = await findCollections(tx, uids.collectionUids ?? [], fields.collections);
  return { artifactIds: artifacts.map((a) => a.id), collectionIds: collections.map((c) => c.id) };
}

/**
 * Links inputs to a run. An artifact or collection the run itself produced is skipped: a run
 * never records its own output as its input (the cycle lamindb guards against). Links that
 * exist already are kept as they are.
 */
export async function linkRunInputs(
  tx: Tx,
  runId: number,
  { artifactIds = [], collectionIds = [] }: { artifactIds?: readonly number[]; collectionIds?: readonly number[] },
  { isNewRun = false } = {},
) {
  if (isNewRun) {
    // A run created in this transaction has neither outputs nor links yet.
    if (artifactIds.length) await tx.runInputArtifact.createMany({ data: [...new Set(artifactIds)].map((artifactId) => ({ runId, artifactId })) });
    if (collectionIds.length) await tx.runInputCollection.createMany({ data: [...new Set(collectionIds)].map((collectionId) => ({ runId, collectionId })) });
    return;
  }
  await linkNew(
    artifactIds,
    async (ids) => (await tx.artifact.findMany({ where: { id: { in: ids }, runId }, select: { id: true } })).map((a) => a.id),
    async (ids) => (await tx.runInputArtifact.findMany({ where: { runId, artifactId: { in: ids } }, select: { artifactId: true } })).map((l) => l.artifactId),
    (ids) => tx.runInputArtifact.createMany({ data: ids.map((artifactId) => ({ runId, artifactId })) }),
  );
  await linkNew(
    collectionIds,
    async (ids) => (await tx.collection.findMany({ where: { id: { in: ids }, runId }, select: { id: true } })).map((c) => c.id),
    async (ids) =>
      (await tx.runInputCollection.findMany({ where: { runId, collectionId: { in: ids } }, select: { collectionId: true } })).map((l) => l.collectionId),
    (ids) => tx.runInputCollection.createMany({ data: ids.map((collectionId) => ({ runId, collectionId })) }),
  );
}

/** Creates the links of the distinct ids that are neither the run's own outputs nor linked already. */
async function linkNew(
  ids: readonly number[],
  ownOutputs: (ids: number[]) => Promise<number[]>,
  linked: (ids: number[]) => Promise<number[]>,
  create: (ids: number[]) => Promise<unknown>,
): Promise<void> {
  if (ids.length === 0) return;
  const skip = new Set([...(await ownOutputs([...ids])), ...(await linked([...ids]))]);
  const fresh = [...new Set(ids)].filter((id) => !skip.has(id));
  if (fresh.length) await create(fresh);
}
