// Retry-safe run writes: a run uid the client chose lets `track` sent again (after a lost
// answer) return the run the first attempt created instead of starting a second one
// (docs/design.md, "Runs"; README: "Which writes are safe to retry").
import { conflict, invalid } from "./errors.ts";
import { sourceHashOf, type TransformInput } from "./transforms.ts";
import { BASE62, UID_LENGTH } from "./uid.ts";
import type { WriteContext } from "./write-context.ts";

const RUN_UID = new RegExp(`^[${BASE62}]{${UID_LENGTH.run}}$`);

/** Checks a client-chosen run uid: 20 base62 characters, as lamindb's clients draw them. */
export function checkRunUid(uid: string, field = "uid"): void {
  if (!RUN_UID.test(uid)) throw invalid(field, `a run uid is ${UID_LENGTH.run} base62 characters (0-9, A-Z, a-z), not ${JSON.stringify(uid)}`);
}

interface StoredTransform {
  uid: string;
  stem: string;
  name: string;
  key: string | null;
  version: string | null;
  hash: string | null;
}

/** Whether the transform named in a track input is the stored one (without creating anything). */
export function namesTransform(input: TransformInput, stored: StoredTransform): boolean {
  if (input.uid) return input.uid === stored.uid || input.uid === stored.stem;
  const name = input.name?.trim() || input.key?.split("/").at(-1) || null;
  const sameFamily = input.key ? input.key === stored.key : stored.key === null && name === stored.name;
  const sameVersion = input.version == null || input.version === stored.version;
  const hash = sourceHashOf(input);
  const sameSource = hash == null || hash === stored.hash;
  return sameFamily && sameVersion && sameSource;
}

/**
 * The run a repeated `track` already created under this uid, or null when the uid is new. The
 * same uid for another transform, or another user's run, is a CONFLICT: a uid names one run.
 */
export async function findTrackedRun(w: WriteContext, uid: string, transform: TransformInput) {
  const { tx, actor } = w;
  checkRunUid(uid);
  await w.lock(`run:uid:${uid}`);
  const existing = await tx.run.findUnique({ where: { uid }, include: { transform: true } });
  if (!existing) return null;
  if (existing.createdById !== actor.id || !namesTransform(transform, existing.transform)) {
    throw conflict(`run uid ${uid} is already taken by another run; draw a new uid for a new run`, { field: "uid" });
  }
  const { transform: _transform, ...run } = existing;
  return run;
}
