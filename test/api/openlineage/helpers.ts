// Helpers of the OpenLineage specs: the captured events (test/fixtures/openlineage), the HTTP
// routes through yoga.fetch, and the registry as one comparable snapshot read over GraphQL.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { ok, type TestService } from "../../harness.ts";

export const FIXTURES = path.join(import.meta.dirname, "..", "..", "fixtures", "openlineage");

export const corpusFiles = () => readdirSync(FIXTURES).filter((file) => /\.jsonl?$/.test(file));

/** The events of a corpus file: one object, a JSON array, or one event per line. */
export function corpus(file: string): Record<string, any>[] {
  const text = readFileSync(path.join(FIXTURES, file), "utf8");
  if (file.endsWith(".jsonl"))
    return text
      .split("\n")
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line));
  const parsed = JSON.parse(text);
  return Array.isArray(parsed) ? parsed : [parsed];
}

export interface Posted {
  status: number;
  body: any;
  headers: Headers;
}

export async function post(
  svc: TestService,
  route: string,
  body: unknown,
  headers: Record<string, string> = {},
  options: { gzip?: boolean; raw?: boolean } = {},
): Promise<Posted> {
  let payload: string | Buffer = options.raw ? (body as string) : JSON.stringify(body);
  const extra: Record<string, string> = {};
  if (options.gzip) {
    payload = gzipSync(payload);
    extra["content-encoding"] = "gzip";
  }
  const response = await svc.yoga.fetch(`http://localhost${route}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...extra, ...headers },
    body: payload,
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** A small run event of job `<namespace>/job`, reading `s3://<namespace>/in` and writing `s3://<namespace>/out`. */
export const runEvent = (namespace: string, runId: string, eventType = "COMPLETE") => ({
  eventType,
  eventTime: "2024-07-01T10:00:00Z",
  producer: "https://example.com/test",
  schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
  run: { runId },
  job: { namespace, name: "job" },
  inputs: [{ namespace: `s3://${namespace}`, name: "in" }],
  outputs: [{ namespace: `s3://${namespace}`, name: "out" }],
});

export const postEvent = (svc: TestService, event: unknown, headers: Record<string, string> = {}) => post(svc, "/api/v1/lineage", event, headers);
export const postBatch = (svc: TestService, events: unknown[], headers: Record<string, string> = {}) => post(svc, "/api/v1/lineage/batch", events, headers);

const RUN_FIELDS = `uid reference referenceType status startedAt finishedAt facets
  transform { uid key name type sourceCode reference facets }
  initiatedBy { reference }
  inputArtifacts { uid key storage { root } run { reference } }
  outputArtifacts { uid key storage { root } isLatest hash hashType nObservations size facets }`;

export async function olRuns(svc: TestService): Promise<any[]> {
  const data = ok(await svc.gql(`{ runs(first: 100, filter: { referenceType: "openlineage" }) { edges { node { ${RUN_FIELDS} } } } }`));
  return data.runs.edges.map((edge: any) => edge.node);
}

export async function runByReference(svc: TestService, reference: string): Promise<any> {
  const data = ok(
    await svc.gql(`query($r: String!) { runs(first: 2, filter: { reference: $r, referenceType: "openlineage" }) { edges { node { ${RUN_FIELDS} } } } }`, {
      r: reference,
    }),
  );
  const runs = data.runs.edges.map((edge: any) => edge.node);
  if (runs.length !== 1) throw new Error(`expected one run ${reference}, got ${runs.length}`);
  return runs[0];
}

export async function artifacts(svc: TestService): Promise<any[]> {
  const data = ok(await svc.gql(`{ artifacts(first: 200) { edges { node { uid key storage { root } isLatest hash hashType facets run { reference } } } } }`));
  return data.artifacts.edges.map((edge: any) => edge.node);
}

/** The registry as order-free facts: runs, their times, statuses, parents, versions and edges. */
export async function registrySnapshot(svc: TestService) {
  const runs = (await olRuns(svc)).map((run) => ({
    reference: run.reference,
    job: run.transform.key,
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    parent: run.initiatedBy?.reference ?? null,
    inputs: run.inputArtifacts.map((a: any) => `${a.storage.root}|${a.key}@${a.run?.reference ?? "origin"}`).sort(),
    outputs: run.outputArtifacts.map((a: any) => `${a.storage.root}|${a.key}${a.isLatest ? " (latest)" : ""}`).sort(),
  }));
  const versions = (await artifacts(svc))
    .filter((a) => a.hashType === "openlineage")
    .map((a) => `${a.storage.root}|${a.key}@${a.run?.reference ?? "origin"}${a.isLatest ? " (latest)" : ""}`);
  return { runs: runs.sort((a, b) => a.reference.localeCompare(b.reference)), versions: versions.sort() };
}
