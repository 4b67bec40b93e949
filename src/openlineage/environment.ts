// A run's environment from its `processing_engine` and `environmentVariables` facets: one
// artifact per distinct environment (the same engine and variables give the same record, as
// lamindb's environment files are shared by hash), set as the run's `environment`. The facets
// stay on the run too. See docs/openlineage.md, "Environment".
import { createHash } from "node:crypto";
import type { Database, Tx } from "../db/database.ts";
import { base62, FIRST_SUFFIX, STEM_LENGTH } from "../domain/uid.ts";
import { storagesFor } from "./families.ts";
import { asJson, HASH_TYPE } from "./mapping.ts";
import type { Facets } from "./parse.ts";
import type { RunState } from "./runs.ts";

/** The storage that holds environment records: they describe, not point to, files. */
export const ENVIRONMENT_ROOT = "openlineage://environments";
export const ENVIRONMENT_FACETS = ["processing_engine", "environmentVariables"] as const;

/** Keys sorted at every level, so equal environments serialise to equal text. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** The environment part of a run's facets, or null when it has none. */
export function environmentOf(facets: Facets): Facets | null {
  const present = ENVIRONMENT_FACETS.filter((name) => facets[name] !== undefined);
  if (!present.length) return null;
  return canonical(Object.fromEntries(present.map((name) => [name, facets[name]]))) as Facets;
}

/** Creates (or finds, by hash) the environment record of every changed run that has one, and links it. */
export async function writeEnvironments(db: Database, tx: Tx, states: Iterable<RunState>, userId: number): Promise<void> {
  const wanted = [...states].flatMap((state) => {
    const environment = state.changed && state.id != null ? environmentOf(state.facets) : null;
    if (!environment) return [];
    const text = JSON.stringify(environment);
    const digest = createHash("sha256").update(text).digest("base64url");
    return [{ state, environment, text, hash: `~ol:environment:${digest}`, key: `environments/${digest.slice(0, 22)}.json` }];
  });
  if (!wanted.length) return;
  const hashes = [...new Set(wanted.map((item) => item.hash))].sort();
  // Taken after the batch's own locks, always in this order: two batches cannot wait on each other.
  await db.lock(tx, ...hashes.map((hash) => `artifact:hash:${hash}`));
  const found = await tx.artifact.findMany({ where: { hash: { in: hashes } }, select: { id: true, hash: true } });
  const ids = new Map(found.map((artifact) => [artifact.hash!, artifact.id]));
  const storageId = (await storagesFor(tx, [ENVIRONMENT_ROOT], userId)).get(ENVIRONMENT_ROOT)!;
  for (const item of wanted) {
    if (ids.has(item.hash)) continue;
    const stem = base62(STEM_LENGTH.artifact);
    const created = await tx.artifact.create({
      data: {
        uid: stem + FIRST_SUFFIX,
        stem,
        key: item.key,
        storageId,
        suffix: ".json",
        type: "environment",
        description: "OpenLineage processing_engine and environmentVariables facets",
        hash: item.hash,
        hashType: HASH_TYPE,
        size: BigInt(Buffer.byteLength(item.text)),
        facets: asJson(item.environment),
        isLatest: true,
        createdById: userId,
      },
      select: { id: true },
    });
    ids.set(item.hash, created.id);
  }
  for (const item of wanted) {
    const environmentId = ids.get(item.hash)!;
    await tx.run.updateMany({
      where: { id: item.state.id!, OR: [{ environmentId: null }, { environmentId: { not: environmentId } }] },
      data: { environmentId },
    });
  }
}
