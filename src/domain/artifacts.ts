// Registering artifacts: idempotent by content hash, versioned by key within a storage,
// with the producing run as the artifact's run (docs/design.md, "Runs and what they read and write", "Versions").
import type { Tx } from "../db/database.ts";
import { conflict, invalid } from "./errors.ts";
import { checkStorageRoot, normaliseStorageRoot, storageType } from "./instance.ts";
import { findArtifact, findRun } from "./lookups.ts";
import { base62, STEM_LENGTH, UID_LENGTH } from "./uid.ts";
import { deleteVersioned, nextVersionUid, untrash } from "./versions.ts";
import type { WriteContext } from "./write-context.ts";

export { findArtifacts, findRun } from "./lookups.ts";

export interface RegisterArtifactInput {
  key?: string | null;
  description?: string | null;
  storageRoot?: string | null;
  suffix?: string | null;
  size?: bigint | number | null;
  hash: string;
  hashType?: string | null;
  type?: string | null;
  otype?: string | null;
  nObjects?: number | null;
  nObservations?: bigint | number | null;
  runUid?: string | null;
  revisesUid?: string | null;
  version?: string | null;
}

const HASH = /^[A-Za-z0-9_\-+/=.:]{1,128}$/;

/**
 * A key is a relative path inside its storage that cannot climb out of it: segments separated
 * by single slashes, none of them empty, "." or "..", no leading slash and no backslash (a
 * separator on Windows).
 */
export function checkKey(key: string, field: string): void {
  const segments = key.split("/");
  const problem =
    key.trim() === ""
      ? "is empty"
      : key.includes("\\")
        ? "contains a backslash"
        : key.startsWith("/")
          ? "starts with /"
          : segments.includes("")
            ? "has an empty segment (// or a trailing /)"
            : segments.some((segment) => segment === "." || segment === "..")
              ? "has a . or .. segment"
              : null;
  if (problem) {
    throw invalid(
      field,
      `${JSON.stringify(key)} ${problem}: a key is a relative path inside its storage, like results/counts.parquet ` +
        "(segments joined by single slashes, no . or ..)",
    );
  }
}

/** What a client describes of an artifact it registers, beside its key, storage, run and version. */
export type ArtifactDescription = Pick<
  RegisterArtifactInput,
  "description" | "suffix" | "size" | "hash" | "hashType" | "type" | "otype" | "nObjects" | "nObservations"
>;

/** The columns of a new artifact taken from its description (registerArtifact and recordRuns alike). */
export function describedColumns(input: ArtifactDescription, key: string | null | undefined) {
  return {
    description: input.description ?? null,
    suffix: input.suffix ?? suffixOf(key),
    type: input.type ?? null,
    otype: input.otype ?? null,
    size: input.size != null ? BigInt(input.size) : null,
    hash: input.hash,
    hashType: input.hashType ?? null,
    nObjects: input.nObjects ?? null,
    nObservations: input.nObservations != null ? BigInt(input.nObservations) : null,
  };
}

export function suffixOf(key: string | null | undefined): string {
  if (!key) return "";
  const base = key.split("/").at(-1) ?? "";
  const dot = base.indexOf(".", 1);
  return dot > 0 ? base.slice(dot) : "";
}

export async function getOrCreateStorage({ tx, actor }: WriteContext, root: string) {
  const normalised = normaliseStorageRoot(root);
  const existing = await tx.storage.findUnique({ where: { root: normalised } });
  if (existing) return existing;
  return tx.storage.create({
    data: { root: normalised, type: storageType(normalised), uid: base62(UID_LENGTH.storage), createdById: actor.id },
  });
}

/** Checks what a registration sends before anything is looked up; `prefix` names where the fields sit (`input[2].outputs[0].`). */
export function validateArtifactInput(input: Omit<RegisterArtifactInput, "runUid" | "revisesUid">, prefix = "") {
  if (!HASH.test(input.hash)) throw invalid(`${prefix}hash`, "expected 1–128 characters of a content hash (lamindb writes 22 base64url characters)");
  if (input.size != null && BigInt(input.size) < 0n) throw invalid(`${prefix}size`, "must not be negative");
  if (input.nObjects != null && input.nObjects < 0) throw invalid(`${prefix}nObjects`, "must not be negative");
  if (input.nObservations != null && BigInt(input.nObservations) < 0n) throw invalid(`${prefix}nObservations`, "must not be negative");
  if (input.key != null) checkKey(input.key, `${prefix}key`);
  if (input.storageRoot != null) checkStorageRoot(input.storageRoot, `${prefix}storageRoot`);
  if (input.version != null && input.version.trim() === "") throw invalid(`${prefix}version`, "must not be empty");
}

/** Known content: the existing artifact, restored from the trash if needed; a run registering it again re-created it. */
async function registeredAgain(tx: Tx, existing: { id: number; stem: string; runId: number | null; trashedAt: Date | null }, run: { id: number } | null) {
  const artifact = await untrash(tx, "artifact", existing);
  if (run && run.id !== existing.runId) {
    await tx.artifactRecreatingRun.upsert({
      where: { artifactId_runId: { artifactId: existing.id, runId: run.id } },
      update: {},
      create: { artifactId: existing.id, runId: run.id },
    });
  }
  return artifact;
}

/** The family new content joins: the revised artifact's, or the one of the same key in the same storage. */
async function familyOf(w: WriteContext, input: RegisterArtifactInput, defaultStorageId: number) {
  const revised = input.revisesUid ? await findArtifact(w.tx, input.revisesUid, "revisesUid") : null;
  const storageId = input.storageRoot ? (await getOrCreateStorage(w, input.storageRoot)).id : (revised?.storageId ?? defaultStorageId);
  const key = input.key ?? revised?.key ?? null;
  let stem = revised?.stem ?? null;
  if (!stem && key) {
    await w.lock(`artifact:key:${storageId}:${key}`);
    const family = await w.tx.artifact.findFirst({ where: { storageId, key }, orderBy: [{ isLatest: "desc" }, { id: "desc" }] });
    stem = family?.stem ?? null;
  }
  return { storageId, key, stem };
}

/**
 * Registers content. The same hash returns the existing artifact (restored from the trash
 * if it was there), and a run that registers it again is recorded as re-creating it — never
 * as its input. The same key in the same storage with new content becomes the next version.
 * Without a storage root the artifact lands in `defaultStorageId`.
 */
export async function registerArtifact(w: WriteContext, input: RegisterArtifactInput, options: { defaultStorageId: number }) {
  validateArtifactInput(input);
  const { tx } = w;
  const run = input.runUid ? await findRun(tx, input.runUid, "runUid") : null;
  await w.lock(`artifact:hash:${input.hash}`);
  const existing = await tx.artifact.findUnique({ where: { hash: input.hash } });
  if (existing) {
    if (existing.trashedAt) w.changed({ model: "Artifact", kind: "RESTORED", uid: existing.uid });
    return registeredAgain(tx, existing, run);
  }

  const { storageId, key, stem } = await familyOf(w, input, options.defaultStorageId);
  if (stem) await w.lock(`artifact:stem:${stem}`);
  const { uid } = await nextVersionUid(tx, "artifact", stem, input.version);
  if (stem) await tx.artifact.updateMany({ where: { stem, isLatest: true }, data: { isLatest: false } });
  w.changed({ model: "Artifact", kind: stem ? "VERSIONED" : "CREATED", uid });
  if (run) w.changed({ model: "Run", kind: "UPDATED", uid: run.uid, status: run.status });
  return tx.artifact.create({
    data: {
      uid,
      stem: uid.slice(0, STEM_LENGTH.artifact),
      key,
      storageId,
      ...describedColumns(input, key),
      version: input.version ?? null,
      isLatest: true,
      runId: run?.id ?? null,
      createdById: w.actor.id,
    },
  });
}

/** An artifact is removed for good only once no collection holds it (as a member or its meta artifact). */
async function refuseWhileHeld(tx: Tx, artifact: { id: number; uid: string }): Promise<void> {
  const [collections, metaOf] = await Promise.all([
    tx.collectionArtifact.findMany({ where: { artifactId: artifact.id }, select: { collection: { select: { uid: true } } }, take: 10 }),
    tx.collection.findMany({ where: { metaArtifactId: artifact.id }, select: { uid: true }, take: 10 }),
  ]);
  const holders = [...collections.map((c) => c.collection.uid), ...metaOf.map((c) => c.uid)];
  if (holders.length) {
    throw conflict(`artifact ${artifact.uid} belongs to collection(s) ${holders.join(", ")}; delete them first`, { field: "uid", collectionUids: holders });
  }
}

/** Input links, re-creating runs and param links cascade on a permanent delete; report/environment pointers are nulled. */
export function deleteArtifact(w: WriteContext, uid: string, permanent: boolean) {
  return deleteVersioned(w, "artifact", uid, permanent, refuseWhileHeld);
}
