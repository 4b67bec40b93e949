// Registering artifacts: idempotent by content hash, versioned by key within a storage,
// with the producing run as the artifact's run (docs/design.md, "Runs and what they read and write", "Versions").
import type { Database, Tx } from "../db/database.ts";
import { requireAdmin, type Caller } from "./permissions.ts";
import { AppError, invalid, notFound } from "./errors.ts";
import { checkStorageRoot, normaliseStorageRoot, storageType } from "./instance.ts";
import { base62, UID_LENGTH } from "./uid.ts";
import { nextVersionUid, recomputeLatest, uidWhere } from "./versions.ts";

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

export interface Actor {
  userId: number;
  defaultStorageId: number;
}

const HASH = /^[A-Za-z0-9_\-+/=.:]{1,128}$/;

export async function findRun(tx: Tx, uid: string, field: string) {
  const run = await tx.run.findFirst({ where: uidWhere("run", uid, field) });
  if (!run) throw notFound("run", uid, field);
  return run;
}

export async function findArtifacts(tx: Tx, uids: readonly string[], field: string) {
  const wheres = uids.map((uid, i) => uidWhere("artifact", uid, `${field}[${i}]`));
  if (wheres.length === 0) return [];
  const found = await tx.artifact.findMany({ where: { OR: wheres } });
  return uids.map((uid, i) => {
    const artifact = found.find((a) => a.uid === uid || (a.stem === uid && a.isLatest));
    if (!artifact) throw notFound("artifact", uid, `${field}[${i}]`);
    return artifact;
  });
}

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

function suffixOf(key: string | null | undefined): string {
  if (!key) return "";
  const base = key.split("/").at(-1) ?? "";
  const dot = base.indexOf(".", 1);
  return dot > 0 ? base.slice(dot) : "";
}

async function getOrCreateStorage(tx: Tx, root: string, userId: number) {
  const normalised = normaliseStorageRoot(root);
  const existing = await tx.storage.findUnique({ where: { root: normalised } });
  if (existing) return existing;
  return tx.storage.create({
    data: { root: normalised, type: storageType(normalised), uid: base62(UID_LENGTH.storage), createdById: userId },
  });
}

function validate(input: RegisterArtifactInput) {
  if (!HASH.test(input.hash)) throw invalid("hash", "expected 1–128 characters of a content hash (lamindb writes 22 base64url characters)");
  if (input.size != null && BigInt(input.size) < 0n) throw invalid("size", "must not be negative");
  if (input.nObjects != null && input.nObjects < 0) throw invalid("nObjects", "must not be negative");
  if (input.nObservations != null && BigInt(input.nObservations) < 0n) throw invalid("nObservations", "must not be negative");
  if (input.key != null) checkKey(input.key, "key");
  if (input.storageRoot != null) checkStorageRoot(input.storageRoot, "storageRoot");
  if (input.version != null && input.version.trim() === "") throw invalid("version", "must not be empty");
}

/**
 * Registers content. The same hash returns the existing artifact (restored from the trash
 * if it was there), and a run that registers it again is recorded as re-creating it — never
 * as its input. The same key in the same storage with new content becomes the next version.
 */
export async function registerArtifact(db: Database, tx: Tx, input: RegisterArtifactInput, actor: Actor) {
  validate(input);
  const run = input.runUid ? await findRun(tx, input.runUid, "runUid") : null;
  await db.lock(tx, `artifact:hash:${input.hash}`);
  const existing = await tx.artifact.findUnique({ where: { hash: input.hash } });
  if (existing) {
    let artifact = existing;
    if (existing.trashedAt) {
      artifact = await tx.artifact.update({ where: { id: existing.id }, data: { trashedAt: null } });
      await recomputeLatest(tx, "artifact", existing.stem);
    }
    if (run && run.id !== existing.runId) {
      await tx.artifactRecreatingRun.upsert({
        where: { artifactId_runId: { artifactId: existing.id, runId: run.id } },
        update: {},
        create: { artifactId: existing.id, runId: run.id },
      });
    }
    return artifact;
  }

  let revised: { stem: string; key: string | null; storageId: number } | null = null;
  if (input.revisesUid) {
    revised = await tx.artifact.findFirst({ where: uidWhere("artifact", input.revisesUid, "revisesUid") });
    if (!revised) throw notFound("artifact", input.revisesUid, "revisesUid");
  }
  const storageId = input.storageRoot ? (await getOrCreateStorage(tx, input.storageRoot, actor.userId)).id : (revised?.storageId ?? actor.defaultStorageId);
  const key = input.key ?? revised?.key ?? null;
  let stem = revised?.stem ?? null;
  if (!stem && key) {
    await db.lock(tx, `artifact:key:${storageId}:${key}`);
    const family = await tx.artifact.findFirst({ where: { storageId, key }, orderBy: [{ isLatest: "desc" }, { id: "desc" }] });
    stem = family?.stem ?? null;
  }
  if (stem) await db.lock(tx, `artifact:stem:${stem}`);
  const { uid } = await nextVersionUid(tx, "artifact", stem, input.version);
  if (stem) await tx.artifact.updateMany({ where: { stem, isLatest: true }, data: { isLatest: false } });
  return tx.artifact.create({
    data: {
      uid,
      stem: uid.slice(0, 16),
      key,
      description: input.description ?? null,
      storageId,
      suffix: input.suffix ?? suffixOf(key),
      type: input.type ?? null,
      otype: input.otype ?? null,
      size: input.size != null ? BigInt(input.size) : null,
      hash: input.hash,
      hashType: input.hashType ?? null,
      nObjects: input.nObjects ?? null,
      nObservations: input.nObservations != null ? BigInt(input.nObservations) : null,
      version: input.version ?? null,
      isLatest: true,
      runId: run?.id ?? null,
      createdById: actor.userId,
    },
  });
}

export async function deleteArtifact(tx: Tx, uid: string, permanent: boolean, caller: Caller) {
  if (permanent) requireAdmin(caller, "a permanent delete");
  const artifact = await tx.artifact.findFirst({ where: uidWhere("artifact", uid) });
  if (!artifact) throw notFound("artifact", uid, "uid");
  if (permanent) {
    const [collections, metaOf] = await Promise.all([
      tx.collectionArtifact.findMany({ where: { artifactId: artifact.id }, select: { collection: { select: { uid: true } } }, take: 10 }),
      tx.collection.findMany({ where: { metaArtifactId: artifact.id }, select: { uid: true }, take: 10 }),
    ]);
    const holders = [...collections.map((c) => c.collection.uid), ...metaOf.map((c) => c.uid)];
    if (holders.length) {
      throw new AppError("CONFLICT", `artifact ${artifact.uid} belongs to collection(s) ${holders.join(", ")}; delete them first`, {
        field: "uid",
        collectionUids: holders,
      });
    }
    // Input links, re-creating runs and param links cascade; report/environment pointers are nulled.
    await tx.artifact.delete({ where: { id: artifact.id } });
  } else {
    await tx.artifact.update({ where: { id: artifact.id }, data: { trashedAt: new Date() } });
  }
  await recomputeLatest(tx, "artifact", artifact.stem);
  return artifact;
}
