// Yoga plugins that keep one request from taking the service down: graphql-armor's document
// limits (depth, cost, aliases, tokens, directives, field suggestions), a request body cap and
// a time budget for queries. Page sizes and lineage caps are read by resolvers from ctx.limits.
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import type { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Limits } from "../config.ts";
import type { Context } from "../context.ts";
import { useQueryTimeBudget } from "./time-budget.ts";

export function useLimits(limits: Limits, options: { hideSuggestions: boolean }): Plugin<Context>[] {
  return [useBodyLimit(limits.maxBodyBytes), useDocumentLimits(limits, options), useQueryTimeBudget(limits.requestTimeoutMs)];
}

/**
 * graphql-armor's rules, run at parse (tokens) and validation (the rest). Introspection is
 * exempt from depth and cost: it is either switched off as a whole or harmless.
 */
function useDocumentLimits(limits: Limits, options: { hideSuggestions: boolean }): Plugin<Context> {
  const onReject = [(_ctx: unknown, error: GraphQLError) => tagLimitError(error)];
  return EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, onReject },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true, onReject },
    maxAliases: { n: limits.maxAliases, onReject },
    maxTokens: { n: limits.maxTokens, onReject },
    maxDirectives: { n: limits.maxDirectives, onReject },
    // With introspection on, suggestions reveal nothing new; with it off they would leak names.
    blockFieldSuggestion: { enabled: options.hideSuggestions, mask: "[suggestion hidden]" },
  }) as Plugin<Context>;
}

// graphql-armor reports a rejection as a bare GraphQLError; give it the stable code clients
// and dashboards key on (the extensions object is mutable by design).
function tagLimitError(error: GraphQLError) {
  Object.assign(error.extensions as Record<string, unknown>, { code: "LIMIT_EXCEEDED", http: { status: 400 } });
}

/** 413 for bodies above the cap, read from Content-Length or, when absent, by counting. */
function useBodyLimit(maxBytes: number): Plugin<Context> {
  const tooLarge = (fetchAPI: { Response: typeof Response }, size: string) =>
    fetchAPI.Response.json(
      { errors: [{ message: `request body too large (${size}; the limit is ${maxBytes} bytes)`, extensions: { code: "LIMIT_EXCEEDED" } }] },
      { status: 413 },
    );
  return {
    async onRequest({ request, endResponse, fetchAPI }) {
      if (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS") return;
      const declared = request.headers.get("content-length");
      if (declared !== null) {
        if (Number(declared) > maxBytes) endResponse(tooLarge(fetchAPI, `${declared} bytes`));
        return;
      }
      if (!request.body) return;
      // A chunked body: count a copy, stopping as soon as it passes the cap.
      const reader = request.clone().body!.getReader();
      let size = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        size += value.byteLength;
        if (size > maxBytes) {
          await reader.cancel();
          endResponse(tooLarge(fetchAPI, `more than ${maxBytes} bytes`));
          return;
        }
      }
    },
  };
}
