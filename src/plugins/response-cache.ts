// An optional cache of whole query answers (off unless a TTL is configured), for dashboards
// that send the same page again and again. See docs/architecture.md, "Response cache".
//
// - Looked up when execution starts: after the Host and Origin checks, after authentication
//   (a refused or revoked token is refused, never answered from the cache) and after the
//   query limits (validation).
// - Scoped per caller: the key carries the acting user and their scopes, so an answer computed
//   for one token is never served to a token with other scopes or of another user.
// - Never stale on one instance: every committed write transaction (any mutation, any other
//   write path of the process) moves the cache to a new generation, and the generation is part
//   of the key. A query that started before the write and ends after it stores its answer
//   under the old generation, where no later request looks. Old answers are evicted by the
//   TTL or the entry bound. Several instances keep separate caches: a write served by another
//   instance is seen here after at most the TTL.
// - Only answers without errors are cached; mutations and introspection never are.
import { createInMemoryCache, defaultBuildResponseCacheKey, useResponseCache } from "@envelop/response-cache";
import { print } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context.ts";
import type { Database } from "../db/database.ts";

export interface ResponseCacheOptions {
  /** How long an answer may be served from the cache, in milliseconds (> 0). */
  ttlMs: number;
  /** Most answers kept (least recently used go first). */
  maxEntries?: number;
}

export const RESPONSE_CACHE_MAX_ENTRIES = 1_000;

export function useResponseCacheOf(db: Database, options: ResponseCacheOptions): Plugin<Context> {
  let generation = 0;
  db.onCommit(() => {
    generation += 1;
  });
  return useResponseCache<Context>({
    cache: createInMemoryCache({ max: options.maxEntries ?? RESPONSE_CACHE_MAX_ENTRIES }),
    ttl: options.ttlMs,
    session: (context) => (context.user ? `${context.user.id}:${[...context.user.scopes].sort().join(",")}` : null),
    // The user is set while the context is built; without one nothing is cached.
    enabled: (context) => Boolean(context.user),
    buildResponseCacheKey: async (params) => `${generation}:${await defaultBuildResponseCacheKey(params)}`,
    // The text the client sent (Yoga's parse cache may skip the parse hook this would read).
    getDocumentString: (args) => (args.contextValue as { params?: { query?: string } }).params?.query ?? print(args.document),
    // Mutations take the library's invalidation path, which keeps them out of the cache (the
    // generation has already made their effects visible).
    invalidateViaMutation: true,
    // Answers with errors are not stored (and not reported: an error is no cache problem).
    shouldCacheResult: ({ result }) => !result.errors?.length,
  }) as Plugin<Context>;
}
