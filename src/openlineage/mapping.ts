// How OpenLineage's vocabulary maps onto the registries: run states, job types, source code
// and the synthetic hashes of dataset versions (docs/openlineage.md, "Mapping").
import { createHash } from "node:crypto";
import type { RunStatus } from "../domain/runs.ts";
import type { Prisma } from "../generated/sqlite/client.ts";
import type { Facets, JobRef } from "./parse.ts";

export const REFERENCE_TYPE = "openlineage";
export const HASH_TYPE = "openlineage";

/** START, RUNNING and OTHER (and an event without a type) report a run in progress. */
export function statusOf(eventType: string): RunStatus {
  switch (eventType) {
    case "COMPLETE":
      return "COMPLETED";
    case "FAIL":
      return "ERRORED";
    case "ABORT":
      return "ABORTED";
    default:
      return "STARTED";
  }
}

export const isTerminal = (status: RunStatus) => status === "COMPLETED" || status === "ERRORED" || status === "ABORTED";

const facet = (facets: Facets, name: string): Record<string, unknown> => {
  const value = facets[name];
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
};

const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);

/** The transform a job maps to: type from the jobType facet, source from sourceCode or sql. */
export function transformOf(job: JobRef) {
  const jobType = text(facet(job.facets, "jobType").jobType)?.toUpperCase();
  const type = jobType === "TASK" || jobType === "MODEL" ? "function" : jobType === "QUERY" ? "script" : "pipeline";
  const sourceCode = text(facet(job.facets, "sourceCode").sourceCode) ?? text(facet(job.facets, "sql").query);
  const reference = text(facet(job.facets, "sourceCodeLocation").url);
  return { key: job.key, name: job.name, type, sourceCode, reference };
}

// Content hashes are base64url (and registerArtifact accepts only [A-Za-z0-9_-+/=.:]): a
// hash that starts with "~" can never be one, so a dataset version never collides with content.
const digest = (text: string) => createHash("sha256").update(text).digest("base64url");

/** The version of a dataset family written by one run: one per (family, run), however many events name it. */
export const outputHash = (stem: string, runReference: string) => `~ol:run:${digest(`${stem}\n${runReference}`)}`;

/** The version of a family read before any run is known to have written it. */
export const ORIGIN_PREFIX = "~ol:origin:";
export const originHash = (stem: string) => `${ORIGIN_PREFIX}${digest(stem)}`;

export const isOriginHash = (hash: string | null) => !!hash?.startsWith(ORIGIN_PREFIX);

/** Type of the storage a dataset namespace names: its URI scheme, or the namespace itself (bigquery). */
export function storageTypeOf(namespace: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(namespace)?.[1]?.toLowerCase();
  return (scheme ?? namespace).slice(0, 64);
}

/** Merges facets by name, keeping per name the value of the newest event (ties: the later one). */
export function mergeFacets(current: Facets, currentTimes: Record<string, string>, incoming: Facets, at: Date) {
  const facets = { ...current };
  const times = { ...currentTimes };
  const iso = at.toISOString();
  for (const [name, value] of Object.entries(incoming)) {
    if (times[name] && times[name] > iso) continue;
    facets[name] = value;
    times[name] = iso;
  }
  return { facets, times };
}

/** Facets as Prisma stores them: JSON read from a request is JSON. */
export const asJson = (facets: Facets): Prisma.InputJsonObject => facets as Prisma.InputJsonObject;
