// Prometheus metrics at /metrics: HTTP requests by status and latency, GraphQL operations by
// name and type with their phase durations, and errors by phase — one registry per app, so
// several instances in one process (tests) do not collide.
import { usePrometheus } from "@graphql-yoga/plugin-prometheus";
import type { Plugin } from "graphql-yoga";
import { collectDefaultMetrics, Registry } from "prom-client";
import type { Context } from "../context.ts";

export function useMetrics(options: { endpoint?: string; processMetrics?: boolean } = {}): { plugin: Plugin<Context>; registry: Registry } {
  const registry = new Registry();
  // Process metrics (memory, event-loop lag) belong to the process: collected once, by the server.
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const plugin = usePrometheus({
    endpoint: options.endpoint ?? "/metrics",
    registry,
    labels: { operationName: true, operationType: true, method: true, statusCode: true, url: false, phase: true, path: false },
    metrics: {
      graphql_yoga_http_duration: true,
      graphql_envelop_request: true,
      graphql_envelop_request_duration: true,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_phase_parse: true,
      graphql_envelop_phase_validate: true,
      graphql_envelop_phase_context: true,
      graphql_envelop_phase_execute: true,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_error_result: true,
      graphql_envelop_deprecated_field: false,
      graphql_envelop_schema_change: false,
      graphql_envelop_execute_resolver: false,
    },
  }) as Plugin<Context>;
  return { plugin, registry };
}
