// Yoga plugins that keep one request from taking the service down: graphql-armor's document
// limits (depth, cost, aliases, tokens, directives), a request body cap and a time budget for
// queries, and — with introspection off — errors without schema suggestions. Page sizes and
// lineage caps are read by resolvers from ctx.limits.
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import type { DocumentNode, GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { LRUCache } from "lru-cache";
import type { Limits } from "../config.ts";
import type { Context } from "../context.ts";
import { bodyTooLarge, readWithin } from "./body.ts";
import { useHiddenSuggestions } from "./errors.ts";
import { useQueryTimeBudget } from "./time-budget.ts";

export function useLimits(limits: Limits, options: { hideSuggestions: boolean }): Plugin<Context>[] {
  const plugins = [useBodyLimit(limits.maxBodyBytes), useDocumentLimits(limits), useQueryTimeBudget(limits.requestTimeoutMs)];
  // With introspection on, suggestions reveal nothing new; with it off they would leak names.
  if (options.hideSuggestions) plugins.push(useHiddenSuggestions() as Plugin<Context>);
  return plugins;
}

/**
 * graphql-armor's rules, run at parse (tokens) and validation (the rest). Introspection is
 * exempt from depth and cost: it is either switched off as a whole or harmless.
 */
function useDocumentLimits(limits: Limits): Plugin<Context> {
  const onReject = (limit: keyof Limits, what: string) => [(_ctx: unknown, error: GraphQLError) => tagLimitError(error, limit, what, limits[limit])];
  return EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, onReject: onReject("maxDepth", "query depth") },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true, onReject: onReject("maxCost", "query cost") },
    maxAliases: { n: limits.maxAliases, onReject: onReject("maxAliases", "aliases") },
    maxTokens: { n: limits.maxTokens, onReject: onReject("maxTokens", "token") },
    maxDirectives: { n: limits.maxDirectives, onReject: onReject("maxDirectives", "directives") },
    blockFieldSuggestion: { enabled: false },
  });
}

/**
 * graphql-armor words its refusals as syntax errors ("Syntax Error: Query depth limit of 6
 * exceeded, found 7."); every limit answers in one shape instead: "query depth limit of 6
 * exceeded (found 7)", code LIMIT_EXCEEDED, the limit's name and value in extensions, HTTP 400
 * (set again when the result is sent: see useErrorCodes). The error object is armor's own, so
 * it is changed in place.
 */
function tagLimitError(error: GraphQLError, limit: keyof Limits, what: string, max: number) {
  const found = /found (\d+)/.exec(error.message)?.[1];
  (error as { message: string }).message = `${what} limit of ${max} exceeded${found ? ` (found ${found})` : ""}`;
  Object.assign(error.extensions as Record<string, unknown>, { code: "LIMIT_EXCEEDED", limit, max, http: { status: 400 } });
}

/**
 * Yoga's parse cache, bounded by size as well as by count. Yoga keeps the last 1,024 documents
 * and parse errors by their text, and parsing comes before authentication: anyone could fill
 * it with large documents (a document of 5,000 tokens parses to megabytes). Documents are
 * weighed by their length (their tree grows with it); long ones are parsed every time.
 */
export function boundedParserCache(options: { maxDocumentChars?: number; maxTotalChars?: number } = {}) {
  const maxEntrySize = options.maxDocumentChars ?? 16_384;
  const maxSize = options.maxTotalChars ?? 512 * 1024;
  const cache = <T extends object>() => {
    const lru = new LRUCache<string, T>({ max: 1_024, maxSize, maxEntrySize, sizeCalculation: (_value, key) => Math.max(1, key.length), ttl: 3_600_000 });
    return { get: (key: string) => lru.get(key), set: (key: string, value: T) => void lru.set(key, value) };
  };
  return { documentCache: cache<DocumentNode>(), errorCache: cache<object>() };
}

/** 413 for bodies above the cap, read from Content-Length or, when absent, by counting. */
function useBodyLimit(maxBytes: number): Plugin<Context> {
  return {
    async onRequest({ request, endResponse, fetchAPI }) {
      if (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS") return;
      const declared = request.headers.get("content-length");
      if (declared !== null) {
        if (Number(declared) > maxBytes) endResponse(bodyTooLarge(fetchAPI, maxBytes, `${declared} bytes`));
        return;
      }
      if (!request.body) return;
      // A chunked body: count a copy, stopping as soon as it passes the cap.
      if ((await readWithin(request.clone().body!, maxBytes, { keep: false })) === null)
        endResponse(bodyTooLarge(fetchAPI, maxBytes, `more than ${maxBytes} bytes`));
    },
  };
}
