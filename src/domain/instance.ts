// The records every instance has from its first start: the local user that acts while
// authentication is off, and the default storage that uploads land in.
import path from "node:path";
import type { Tx } from "../db/database.ts";
import { invalid } from "./errors.ts";
import { base62, UID_LENGTH } from "./uid.ts";

export const LOCAL_USER_HANDLE = "local";

export async function ensureLocalUser(prisma: Tx) {
  return prisma.user.upsert({
    where: { handle: LOCAL_USER_HANDLE },
    update: {},
    create: { handle: LOCAL_USER_HANDLE, name: "Local user", uid: base62(UID_LENGTH.user) },
  });
}

export function storageType(root: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(root)?.[1]?.toLowerCase();
  if (!scheme || scheme === "file") return "local";
  if (scheme === "https") return "http";
  return scheme;
}

const URI = /^[a-z][a-z0-9+.-]*:\/\/[^/]/i;

/**
 * A storage root given through the API must be absolute: a URI with a host or bucket
 * (s3://bucket/prefix, gs://…, https://…) or an absolute local path. A relative path would
 * be resolved against the server's working directory, which a client cannot know.
 */
export function checkStorageRoot(root: string, field: string): void {
  const trimmed = root.trim();
  if (URI.test(trimmed) || trimmed.startsWith("file:///")) return;
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) throw invalid(field, `${JSON.stringify(root)} is not a storage URI: expected scheme://bucket-or-host/prefix`);
  if (!path.isAbsolute(trimmed)) {
    throw invalid(field, `${JSON.stringify(root)} is relative: give an absolute path (/data/lake) or a URI (s3://bucket/prefix, gs://…, https://…)`);
  }
}

export function normaliseStorageRoot(root: string): string {
  const trimmed = root.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return trimmed.replace(/\/+$/, "");
  return path.resolve(trimmed);
}

export async function ensureDefaultStorage(prisma: Tx, root: string, userId: number) {
  const normalised = normaliseStorageRoot(root);
  return prisma.storage.upsert({
    where: { root: normalised },
    update: {},
    create: {
      root: normalised,
      type: storageType(normalised),
      uid: base62(UID_LENGTH.storage),
      description: "default storage of this instance",
      createdById: userId,
    },
  });
}
