// Prometheus metrics at /metrics: HTTP requests by status and latency, GraphQL operations by
// name and type with their phase durations, and errors by phase — one registry per app, so
// several instances in one process (tests) do not collide.
//
// Every distinct label value is a set of series kept for the life of the process, so no label
// takes its value from a client at will: an operation name is recorded only for a request that
// reached execution (its document passed validation and the caller was authenticated), and
// only the first `maxOperationNames` distinct names are kept; later ones are counted as
// "other". Parsing, validation and context building happen before that is known, so their
// durations and errors are counted by operation type only, as are refused requests.
import { createCounter, createHistogram, usePrometheus, type FillLabelsFnParams } from "@graphql-yoga/plugin-prometheus";
import type { Plugin } from "graphql-yoga";
import { directOperations, operationOf, type DirectOperation } from "./operation.ts";
import { collectDefaultMetrics, Gauge, Registry, type Counter, type Histogram } from "prom-client";
import { DEFAULT_LIMITS } from "../config.ts";
import type { Context } from "../context.ts";
import type { Database } from "../db/database.ts";

/** The label value of names beyond the cap (and of names too long to be a useful label). */
export const OTHER_OPERATIONS = "other";
const MAX_NAME_LENGTH = 100;

type Labels = Record<string, string | number>;
/** A metric's labels of one observation, from the phase's parameters and the request's context. */
type Filler = (params: FillLabelsFnParams, context: { request: Request; response: Response }) => Labels;

/** How each metric labels an observation; an operation name only for requests that reached execution. */
function labelFillers(executed: WeakMap<Request, string>) {
  const byType = (params: FillLabelsFnParams): Labels => ({ operationType: params.operationType ?? "unknown" });
  const byTypeAndName = (params: FillLabelsFnParams, context: { request?: Request } | undefined): Labels => {
    const name = context?.request ? executed.get(context.request) : undefined;
    return name === undefined ? byType(params) : { operationName: name, ...byType(params) };
  };
  return {
    byType,
    byTypeAndName,
    http: (params: FillLabelsFnParams, context: { request: Request; response: Response }): Labels => ({
      ...byTypeAndName(params, context),
      method: context.request.method,
      statusCode: context.response.status,
    }),
    errors: (params: FillLabelsFnParams, context: { request?: Request }): Labels => ({
      ...byTypeAndName(params, context),
      phase: params.errorPhase ?? "unknown",
    }),
  };
}

/** The plugin's metrics this service does not keep. */
const OFF = {
  graphql_envelop_request_time_summary: false,
  graphql_envelop_phase_subscribe: false,
  graphql_envelop_deprecated_field: false,
  graphql_envelop_schema_change: false,
  graphql_envelop_execute_resolver: false,
} as const;

/** Histograms and counters of one registry, by name, help text, labels, phases and labelling. */
function metricMakers(registry: Registry) {
  return {
    histogram: <Phase extends string>(name: string, help: string, labelNames: string[], phases: [Phase, ...Phase[]], fillLabelsFn: Filler) =>
      createHistogram<Phase, string>({ registry, histogram: { name, help, labelNames }, fillLabelsFn, phases }),
    counter: <Phase extends string>(name: string, help: string, labelNames: string[], phases: [Phase, ...Phase[]], fillLabelsFn: Filler) =>
      createCounter<Phase, string>({ registry, counter: { name, help, labelNames }, fillLabelsFn, phases }),
  };
}

/** The metrics of whole requests, with the plugin's default names and help texts (as every metric here). */
function metricDefinitions(registry: Registry, fill: ReturnType<typeof labelFillers>) {
  const { histogram, counter } = metricMakers(registry);
  const named = ["operationName", "operationType"];
  return {
    ...OFF,
    graphql_yoga_http_duration: histogram(
      "graphql_yoga_http_duration",
      "Time spent on HTTP connection",
      [...named, "method", "statusCode"],
      ["request"],
      fill.http,
    ),
    graphql_envelop_request: counter(
      "graphql_envelop_request",
      "Counts the amount of GraphQL requests executed through Envelop",
      named,
      ["execute", "subscribe"],
      fill.byTypeAndName,
    ),
    graphql_envelop_request_duration: histogram(
      "graphql_envelop_request_duration",
      "Time spent on running the GraphQL operation from parse to execute",
      named,
      ["execute", "subscribe"],
      fill.byTypeAndName,
    ),
  } as const;
}

/** The durations of each phase of a GraphQL request: `graphql_envelop_phase_<phase>`. */
function phaseMetrics(registry: Registry, fill: ReturnType<typeof labelFillers>) {
  const { histogram } = metricMakers(registry);
  const phase = <Phase extends string>(name: Phase, help: string, labelNames: string[], filler: Filler) =>
    histogram(`graphql_envelop_phase_${name}`, help, labelNames, [name], filler);
  return {
    graphql_envelop_phase_parse: phase("parse", 'Time spent on running GraphQL "parse" function', ["operationType"], fill.byType),
    graphql_envelop_phase_validate: phase("validate", 'Time spent on running GraphQL "validate" function', ["operationType"], fill.byType),
    graphql_envelop_phase_context: phase("context", "Time spent on building the GraphQL context", ["operationType"], fill.byType),
    graphql_envelop_phase_execute: phase(
      "execute",
      'Time spent on running the GraphQL "execute" function',
      ["operationName", "operationType"],
      fill.byTypeAndName,
    ),
  } as const;
}

/** The errors of every phase. */
function errorMetrics(registry: Registry, fill: ReturnType<typeof labelFillers>) {
  const { counter } = metricMakers(registry);
  return {
    graphql_envelop_error_result: counter(
      "graphql_envelop_error_result",
      "Counts the amount of errors reported from all phases",
      ["operationName", "operationType", "phase"],
      ["parse", "validate", "context", "execute"],
      fill.errors,
    ),
  } as const;
}

export function useMetrics(
  options: { endpoint?: string; processMetrics?: boolean; maxOperationNames?: number; db?: Database; live?: { active: number } } = {},
): {
  plugin: Plugin<Context>;
  registry: Registry;
} {
  const registry = new Registry();
  // Process metrics (memory, event-loop lag) belong to the process: collected once, by the server.
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  if (options.db) registerDatabaseGauges(registry, options.db);
  const live = options.live;
  if (live) {
    new Gauge({
      name: "lineage_subscriptions_active",
      help: "Subscriptions open on this instance (each holds one listener for live events)",
      registers: [registry],
      collect() {
        this.set(live.active);
      },
    });
  }
  const nameLabel = boundedNames(options.maxOperationNames ?? DEFAULT_LIMITS.metricsMaxOperationNames);
  // Requests that reached execution, with the label value of their operation; keyed by the
  // request object, so an entry lives only as long as its request.
  const executed = new WeakMap<Request, string>();
  const fill = labelFillers(executed);
  const prometheus = usePrometheus({
    endpoint: options.endpoint ?? "/metrics",
    registry,
    labels: { operationName: true, operationType: true, method: true, statusCode: true, url: false, phase: true, path: false },
    metrics: { ...metricDefinitions(registry, fill), ...phaseMetrics(registry, fill), ...errorMetrics(registry, fill) },
  }) as Plugin<Context>;

  const plugin: Plugin<Context> = {
    onPluginInit({ addPlugin }) {
      addPlugin(prometheus);
    },
    // Execution starts only after validation and authentication succeeded.
    onExecute({ args }) {
      const operation = operationOf(args);
      executed.set(args.contextValue.request, nameLabel(operation?.name?.value));
    },
    onResponse({ request, response }) {
      const direct = directOperations.get(request);
      if (direct) observeDirect(registry, direct, request, response, nameLabel);
    },
  };
  return { plugin, registry };
}

/** The label value of an operation name: itself while fewer than `max` names are known, else "other". */
function boundedNames(max: number): (name: string | undefined) => string {
  const known = new Set<string>();
  return (name) => {
    if (!name) return "Anonymous";
    if (known.has(name)) return name;
    if (known.size >= max || name.length > MAX_NAME_LENGTH) return OTHER_OPERATIONS;
    known.add(name);
    return name;
  };
}

/** Counts an operation a route ran without GraphQL as Yoga's plugin counts an executed one. */
function observeDirect(registry: Registry, operation: DirectOperation, request: Request, response: Response, nameLabel: (name: string) => string) {
  const metric = <T>(name: string) => registry.getSingleMetric(name) as T | undefined;
  const byType = { operationType: operation.type };
  const labels = operation.executeMs === undefined ? byType : { operationName: nameLabel(operation.name), ...byType };
  const seconds = (ms: number) => ms / 1000;
  metric<Histogram>("graphql_yoga_http_duration")?.observe(
    { ...labels, method: request.method, statusCode: response.status },
    seconds(performance.now() - operation.startedAt),
  );
  if (operation.executeMs !== undefined) {
    metric<Counter>("graphql_envelop_request")?.inc(labels);
    metric<Histogram>("graphql_envelop_request_duration")?.observe(labels, seconds(operation.executeMs));
    metric<Histogram>("graphql_envelop_phase_execute")?.observe(labels, seconds(operation.executeMs));
  }
  if (operation.errorPhase) metric<Counter>("graphql_envelop_error_result")?.inc({ ...labels, phase: operation.errorPhase });
}

/**
 * Each read replica's state as last measured by the background check (no query at scrape
 * time): lineage_replica_up (1 serves reads, 0 skipped) and lineage_replica_lag_seconds.
 */
function registerDatabaseGauges(registry: Registry, db: Database): void {
  const labelNames = ["database"] as const;
  const replicas = () => db.states().filter((state) => state.role === "replica");
  new Gauge({
    name: "lineage_replica_up",
    help: "1 while the read replica serves reads, 0 while it is skipped (down or lagging)",
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const state of replicas()) this.set({ database: state.name }, state.state === "up" ? 1 : 0);
    },
  });
  new Gauge({
    name: "lineage_replica_lag_seconds",
    help: "How far each read replica was behind the primary at its last check (absent while it does not answer)",
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const state of replicas()) if (state.lagSeconds !== null) this.set({ database: state.name }, state.lagSeconds);
    },
  });
}
