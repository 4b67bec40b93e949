// Files and folders as artifacts: a path is hashed the lamindb way and registered (known
// content resolves to its existing artifact); anything else that looks like a uid is one.
import { existsSync } from "node:fs";
import path from "node:path";
import type { ArtifactFieldsFragment, RegisterArtifactInput } from "./generated/graphql.ts";
import { LineageError } from "./errors.ts";
import { hashPath, type HashOptions } from "./hash.ts";

/** What registering a path needs from the client (kept narrow to avoid an import cycle). */
export interface ArtifactRegistrar {
  registerArtifact(input: RegisterArtifactInput): Promise<ArtifactFieldsFragment>;
}

const ARTIFACT_UID = /^[0-9A-Za-z]{16}([0-9A-Za-z]{4})?$/;

/**
 * The key a path is registered under: its path relative to the working directory when it
 * lies inside it (results/counts.csv), else its base name.
 */
export function keyForPath(target: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, path.resolve(cwd, target));
  const inside = relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
  const key = inside ? relative : path.basename(path.resolve(cwd, target));
  return key.split(path.sep).join("/");
}

export interface RegisterPathOptions extends HashOptions {
  key?: string;
  description?: string;
  type?: string;
  runUid?: string;
  /** the storage the file lies in (an absolute local path or a URI); default: the service's */
  storageRoot?: string;
}

/** Hashes a file or folder and registers it (as the run's output when runUid is given). */
export async function registerPath(client: ArtifactRegistrar, target: string, options: RegisterPathOptions = {}): Promise<ArtifactFieldsFragment> {
  const digest = await hashPath(target, options);
  return client.registerArtifact({
    key: options.key ?? keyForPath(target),
    hash: digest.hash,
    hashType: digest.hashType,
    size: digest.size,
    nObjects: "nObjects" in digest ? digest.nObjects : undefined,
    description: options.description,
    type: options.type,
    runUid: options.runUid,
    storageRoot: options.storageRoot,
  });
}

/** A path (hashed and registered) or an artifact uid, as the uid of its artifact. */
export async function resolveInput(client: ArtifactRegistrar, input: string, field: string, options: HashOptions = {}): Promise<string> {
  if (existsSync(input)) return (await registerPath(client, input, options)).uid;
  if (ARTIFACT_UID.test(input)) return input;
  throw new LineageError(`${field}: ${JSON.stringify(input)} is neither an existing file or folder nor an artifact uid`, {
    code: "VALIDATION_FAILED",
    field,
  });
}
