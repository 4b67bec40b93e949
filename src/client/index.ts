// The lineage-registry client for TypeScript workflow tools (the package's "./client" entry).
export { LineageClient, newRunUid, type ClientOptions, type RunListItem } from "./client.ts";
export { TrackedRun, type TrackOptions, type FinishOptions } from "./run.ts";
export { LineageError, type TransportCode } from "./errors.ts";
export { Transport, DEFAULT_URL, type TransportOptions, type RetryOptions } from "./transport.ts";
export { hashFile, hashDir, hashPath, CHUNK_SIZE, HASH_LENGTH, type FileHash, type DirHash, type HashOptions } from "./hash.ts";
export { keyForPath, registerPath, resolveInput } from "./paths.ts";
export type * from "./generated/graphql.ts";
