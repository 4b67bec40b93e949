// Reads one OpenLineage event (RunEvent, DatasetEvent or JobEvent, spec 2-0-2) into the shape
// ingestion writes, refusing what cannot be placed and accepting what real producers send
// (docs/openlineage.md lists both).
import { invalid } from "../domain/errors.ts";
import { checkString } from "../domain/input-limits.ts";

export type Facets = Record<string, unknown>;

export interface Identifier {
  namespace: string;
  name: string;
}

export interface DatasetRef extends Identifier {
  /** Dataset facets and the input/output facets, by facet name. */
  facets: Facets;
  /** Other names of the same dataset (symlinks facet), and the name before a RENAME. */
  aliases: Identifier[];
  previous: Identifier | null;
  lifecycle: string | null;
  rowCount: bigint | null;
  size: bigint | null;
  fileCount: number | null;
}

export interface JobRef extends Identifier {
  /** "<job.namespace>/<job.name>": the transform's key. */
  key: string;
  facets: Facets;
}

export interface RunEventData {
  kind: "run";
  eventType: string;
  eventTime: Date;
  runId: string;
  job: JobRef;
  runFacets: Facets;
  parent: { runId: string; job: JobRef } | null;
  inputs: DatasetRef[];
  outputs: DatasetRef[];
}

export interface JobEventData {
  kind: "job";
  job: JobRef;
  inputs: DatasetRef[];
  outputs: DatasetRef[];
}

export interface DatasetEventData {
  kind: "dataset";
  dataset: DatasetRef;
}

export type OpenLineageEvent = RunEventData | JobEventData | DatasetEventData;

/** Longest string an event may hold anywhere (the request body is capped separately). */
const MAX_STRING = 1_000_000;
/** Longest namespace, name or run id: they become keys and references. */
const MAX_NAME = 2_000;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function facetsOf(value: unknown): Facets {
  return isObject(value) ? value : {};
}

function requiredName(value: unknown, field: string): string {
  if (typeof value !== "string" || value.trim() === "") throw invalid(field, "is required (a non-empty string)");
  if (value.length > MAX_NAME) throw invalid(field, `is ${value.length} characters long; the limit is ${MAX_NAME}`);
  return value;
}

// ISO 8601 date-time; the offset is optional (some clients omit it: read as UTC) and the
// fraction may have any number of digits (microseconds, nanoseconds).
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

export function parseEventTime(value: unknown, field = "eventTime"): Date {
  const match = typeof value === "string" ? DATE_TIME.exec(value.trim()) : null;
  if (!match) throw invalid(field, `${JSON.stringify(value)} is not an ISO 8601 date-time such as 2024-07-05T09:04:13.979Z`);
  const [, date, time, fraction, zone] = match;
  let offset = !zone || zone.toUpperCase() === "Z" ? "Z" : zone;
  if (/^[+-]\d{2}$/.test(offset)) offset += ":00";
  else if (/^[+-]\d{4}$/.test(offset)) offset = `${offset.slice(0, 3)}:${offset.slice(3)}`;
  const parsed = new Date(`${date}T${time}${fraction ? `.${fraction.slice(0, 3).padEnd(3, "0")}` : ""}${offset}`);
  if (Number.isNaN(parsed.getTime())) throw invalid(field, `${JSON.stringify(value)} is not a valid date-time`);
  return parsed;
}

function job(value: unknown, field: string): JobRef {
  const raw = isObject(value) ? value : {};
  const namespace = requiredName(raw.namespace, `${field}.namespace`);
  const name = requiredName(raw.name, `${field}.name`);
  return { namespace, name, key: `${namespace}/${name}`, facets: facetsOf(raw.facets) };
}

function identifier(value: unknown, field: string): Identifier {
  const raw = isObject(value) ? value : {};
  return { namespace: requiredName(raw.namespace, `${field}.namespace`), name: requiredName(raw.name, `${field}.name`) };
}

function count(value: unknown): bigint | null {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : null;
}

function dataset(value: unknown, field: string): DatasetRef {
  const raw = isObject(value) ? value : {};
  const { namespace, name } = identifier(raw, field);
  const facets = { ...facetsOf(raw.facets), ...facetsOf(raw.inputFacets), ...facetsOf(raw.outputFacets) };
  const symlinks = facetsOf(facets.symlinks).identifiers;
  const aliases = (Array.isArray(symlinks) ? symlinks : [])
    .map((item, i) => identifier(item, `${field}.facets.symlinks.identifiers[${i}]`))
    .filter((alias) => alias.namespace !== namespace || alias.name !== name);
  const lifecycleFacet = facetsOf(facets.lifecycleStateChange);
  const lifecycle = typeof lifecycleFacet.lifecycleStateChange === "string" ? lifecycleFacet.lifecycleStateChange.toUpperCase() : null;
  const previous =
    lifecycle === "RENAME" && isObject(lifecycleFacet.previousIdentifier)
      ? identifier(lifecycleFacet.previousIdentifier, `${field}.facets.lifecycleStateChange.previousIdentifier`)
      : null;
  const statistics = facetsOf(facets.outputStatistics);
  const files = count(statistics.fileCount);
  return {
    namespace,
    name,
    facets,
    aliases,
    previous,
    lifecycle,
    rowCount: count(statistics.rowCount),
    size: count(statistics.size),
    fileCount: files != null && files <= 2_147_483_647n ? Number(files) : null,
  };
}

function datasets(value: unknown, field: string): DatasetRef[] {
  if (value == null) return [];
  if (!Array.isArray(value)) throw invalid(field, "must be a list of datasets");
  return value.map((item, i) => dataset(item, `${field}[${i}]`));
}

/** Every string of the event must be storable text (no NUL, no lone surrogate) of bounded length. */
function checkStrings(value: unknown, path: string): void {
  if (typeof value === "string") return checkString(value, path || "event", MAX_STRING);
  if (Array.isArray(value)) return value.forEach((item, i) => checkStrings(item, `${path}[${i}]`));
  if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      checkString(key, path || "event", MAX_NAME, "object key");
      checkStrings(item, path ? `${path}.${key}` : key);
    }
  }
}

/**
 * The event as ingestion writes it, or VALIDATION_FAILED naming the path that is missing or
 * wrong (`run.runId`, `job.name`, `inputs[0].namespace`, …).
 */
export function parseEvent(value: unknown): OpenLineageEvent {
  if (!isObject(value)) throw invalid("event", "an OpenLineage event is a JSON object (RunEvent, DatasetEvent or JobEvent)");
  checkStrings(value, "");
  if ("run" in value) return runEvent(value);
  if ("job" in value) return { kind: "job", job: job(value.job, "job"), inputs: datasets(value.inputs, "inputs"), outputs: datasets(value.outputs, "outputs") };
  if ("dataset" in value) return { kind: "dataset", dataset: dataset(value.dataset, "dataset") };
  throw invalid("run.runId", "is required: the event has neither run (RunEvent), job (JobEvent) nor dataset (DatasetEvent)");
}

function runEvent(value: Record<string, unknown>): RunEventData {
  const run = isObject(value.run) ? value.run : {};
  const runId = requiredName(run.runId, "run.runId");
  const eventTime = parseEventTime(value.eventTime);
  const runFacets = facetsOf(run.facets);
  let parent: RunEventData["parent"] = null;
  if (runFacets.parent != null) {
    const facet = facetsOf(runFacets.parent);
    const parentRunId = requiredName(facetsOf(facet.run).runId, "run.facets.parent.run.runId");
    if (parentRunId !== runId) parent = { runId: parentRunId, job: job(facet.job, "run.facets.parent.job") };
  }
  return {
    kind: "run",
    // A RunEvent without eventType (allowed by the spec) reports progress, like OTHER.
    eventType: typeof value.eventType === "string" ? value.eventType.toUpperCase() : "OTHER",
    eventTime,
    runId,
    job: job(value.job, "job"),
    runFacets,
    parent,
    inputs: datasets(value.inputs, "inputs"),
    outputs: datasets(value.outputs, "outputs"),
  };
}
