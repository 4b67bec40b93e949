// Run inputs: the artifacts and collections a run read, linked by tracking, by later additions
// and by the collections a run builds (shared by runs.ts and collections.ts).
import type { Tx } from "../db/database.ts";

/**
 * Links inputs to a run. An artifact or collection the run itself produced is skipped: a run
 * never records its own output as its input (the cycle lamindb guards against).
 */
export async function linkRunInputs(tx: Tx, runId: number, artifactIds: number[], collectionIds: number[]) {
  if (artifactIds.length) {
    const own = await tx.artifact.findMany({ where: { id: { in: artifactIds }, runId }, select: { id: true } });
    const ownIds = new Set(own.map((a) => a.id));
    const present = await tx.runInputArtifact.findMany({ where: { runId, artifactId: { in: artifactIds } }, select: { artifactId: true } });
    const presentIds = new Set(present.map((p) => p.artifactId));
    const data = [...new Set(artifactIds)].filter((id) => !ownIds.has(id) && !presentIds.has(id)).map((artifactId) => ({ runId, artifactId }));
    if (data.length) await tx.runInputArtifact.createMany({ data });
  }
  if (collectionIds.length) {
    const own = await tx.collection.findMany({ where: { id: { in: collectionIds }, runId }, select: { id: true } });
    const ownIds = new Set(own.map((c) => c.id));
    const present = await tx.runInputCollection.findMany({ where: { runId, collectionId: { in: collectionIds } }, select: { collectionId: true } });
    const presentIds = new Set(present.map((p) => p.collectionId));
    const data = [...new Set(collectionIds)].filter((id) => !ownIds.has(id) && !presentIds.has(id)).map((collectionId) => ({ runId, collectionId }));
    if (data.length) await tx.runInputCollection.createMany({ data });
  }
}
