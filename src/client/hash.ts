// Content hashes as lamindb computes them (lamindb_setup.core.hashing), so a file on disk
// and its registry record meet on the same `hash` and `hashType`: MD5 of the whole file up
// to the chunk size, SHA-1 over the first and last chunk above it, and a folder's hash over
// its members' sorted hashes. Files are streamed: memory stays constant whatever their size.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { progressReporter, type Progress } from "./progress.ts";

/** lamindb's chunk size: files up to it hash as MD5, larger ones by their first and last chunk. */
export const CHUNK_SIZE = 50 * 1024 * 1024;
/** Hashes are the first 22 characters of the unpadded URL-safe base64 of the digest. */
export const HASH_LENGTH = 22;

export type FileHashType = "md5" | "sha1-fl";

export interface FileHash {
  hash: string;
  hashType: FileHashType;
  size: number;
}

export interface DirHash {
  hash: string;
  hashType: "md5-d";
  size: number;
  /** how many files the folder holds (recursively) */
  nObjects: number;
}

export interface HashOptions {
  /** lamindb's default (50 MiB) unless given */
  chunkSize?: number;
  /** a progress bar on stderr: "auto" (default) shows it on a TTY when more than ~100 MB are read */
  progress?: "auto" | boolean;
}

const toHash = (digest: Buffer) => digest.toString("base64url").slice(0, HASH_LENGTH);

async function digestRange(file: string, algorithm: "md5" | "sha1", start: number, end: number, progress: Progress): Promise<Buffer> {
  const hash = createHash(algorithm);
  // An empty range would read the whole file: createReadStream's `end` is inclusive.
  if (end > start) {
    for await (const chunk of createReadStream(file, { start, end: end - 1, highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      progress.advance(chunk.length);
    }
  }
  return hash.digest();
}

/** Bytes hashFile reads of a file of this size. */
const bytesRead = (size: number, chunkSize: number) => (size <= chunkSize ? size : 2 * chunkSize);

async function hashFileWith(file: string, size: number, chunkSize: number, progress: Progress): Promise<FileHash> {
  if (size <= chunkSize) return { hash: toHash(await digestRange(file, "md5", 0, size, progress)), hashType: "md5", size };
  const first = await digestRange(file, "sha1", 0, chunkSize, progress);
  const last = await digestRange(file, "sha1", size - chunkSize, size, progress);
  const digest = createHash("sha1")
    .update(Buffer.concat([first, last]))
    .digest();
  return { hash: toHash(digest), hashType: "sha1-fl", size };
}

/** The lamindb hash of one file. */
export async function hashFile(file: string, options: HashOptions = {}): Promise<FileHash> {
  const chunkSize = options.chunkSize ?? CHUNK_SIZE;
  const info = await stat(file);
  if (!info.isFile()) throw new Error(`${file} is not a file`);
  const progress = progressReporter(path.basename(file), bytesRead(info.size, chunkSize), options.progress ?? "auto");
  try {
    return await hashFileWith(file, info.size, chunkSize, progress);
  } finally {
    progress.done();
  }
}

/** Every file below a folder, following symbolic links to files but not to folders. */
async function listFiles(dir: string): Promise<{ file: string; size: number }[]> {
  const files: { file: string; size: number }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(full)));
    else if (entry.isFile()) files.push({ file: full, size: (await lstat(full)).size });
    else if (entry.isSymbolicLink()) {
      const target = await stat(full).catch(() => null);
      if (target?.isFile()) files.push({ file: full, size: target.size });
    }
  }
  return files;
}

const DIR_CONCURRENCY = 4;

/** The lamindb hash of a folder: MD5 over the MD5s of its files' sorted hashes ("md5-d"). */
export async function hashDir(dir: string, options: HashOptions = {}): Promise<DirHash> {
  const chunkSize = options.chunkSize ?? CHUNK_SIZE;
  const files = await listFiles(dir);
  if (files.length === 0) throw new Error(`${dir} holds no files: an empty folder has no content hash`);
  const total = files.reduce((sum, f) => sum + bytesRead(f.size, chunkSize), 0);
  const progress = progressReporter(path.basename(path.resolve(dir)), total, options.progress ?? "auto");
  const hashes: string[] = [];
  // A few files at a time, as lamindb hashes a folder's files on a thread pool.
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const { file, size } = files[next++];
      hashes.push((await hashFileWith(file, size, chunkSize, progress)).hash);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(DIR_CONCURRENCY, files.length) }, worker));
  } finally {
    progress.done();
  }
  // Sorted, so the order of the walk cannot change the hash (hashes are ASCII: code-unit order is Python's).
  const digests = hashes.sort().map((hash) => createHash("md5").update(hash, "utf8").digest());
  const hash = toHash(createHash("md5").update(Buffer.concat(digests)).digest());
  return { hash, hashType: "md5-d", size: files.reduce((sum, f) => sum + f.size, 0), nObjects: files.length };
}

/** hashFile or hashDir, whichever the path is. */
export async function hashPath(target: string, options: HashOptions = {}): Promise<FileHash | DirHash> {
  return (await stat(target)).isDirectory() ? hashDir(target, options) : hashFile(target, options);
}
