// The typed client of lineage-registry: each operation of operations.graphql as a method,
// typed by GraphQL Code Generator from schema.graphql, over the retrying transport.
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { randomInt } from "node:crypto";
import {
  AddParamValuesDocument,
  type AddParamValuesInput,
  AddRunInputsDocument,
  type AddRunInputsInput,
  type ArtifactFieldsFragment,
  ArtifactsByHashDocument,
  FinishRunDocument,
  type FinishRunInput,
  LineageDocument,
  type LineageQueryVariables,
  RegisterArtifactDocument,
  type RegisterArtifactInput,
  RunDocument,
  type RunFilter,
  type RunOrderBy,
  RunsDocument,
  type RunsQuery,
  TrackDocument,
  type TrackInput,
} from "./generated/graphql.ts";
import { Transport, type TransportOptions } from "./transport.ts";
import { TrackedRun, type TrackOptions } from "./run.ts";

export type ClientOptions = TransportOptions;
export type RunListItem = RunsQuery["runs"]["edges"][number]["node"];

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A new run uid: 20 base62 characters from a CSPRNG, as the service and lamindb draw them. */
export function newRunUid(): string {
  return Array.from({ length: 20 }, () => BASE62[randomInt(62)]).join("");
}

export class LineageClient {
  readonly transport: Transport;

  constructor(options: ClientOptions = {}) {
    this.transport = new Transport(options);
  }

  /** Any typed document (e.g. one generated from your own operations). */
  request<T, V extends object>(document: TypedDocumentNode<T, V>, variables: V): Promise<T> {
    return this.transport.request(document, variables);
  }

  /**
   * Starts a run the lamindb way: registers the inputs (paths are hashed; known content
   * resolves to its artifact), tracks the run under a uid chosen here, and returns a handle
   * to register outputs and finish it. Unless `hooks: false`, an uncaught exception finishes
   * the run ERRORED and SIGINT/SIGTERM/SIGHUP finish it ABORTED, once.
   */
  track(options: TrackOptions): Promise<TrackedRun> {
    return TrackedRun.start(this, options);
  }

  /** The `track` mutation; a uid is drawn when the input has none, so a retry cannot start a second run. */
  async startRun(input: TrackInput) {
    return (await this.request(TrackDocument, { input: { ...input, uid: input.uid ?? newRunUid() } })).track;
  }

  async registerArtifact(input: RegisterArtifactInput): Promise<ArtifactFieldsFragment> {
    return (await this.request(RegisterArtifactDocument, { input })).registerArtifact;
  }

  async addRunInputs(input: AddRunInputsInput) {
    return (await this.request(AddRunInputsDocument, { input })).addRunInputs;
  }

  async addParamValues(input: AddParamValuesInput) {
    return (await this.request(AddParamValuesDocument, { input })).addParamValues;
  }

  async finishRun(input: FinishRunInput) {
    return (await this.request(FinishRunDocument, { input })).finishRun;
  }

  async run(uid: string) {
    return (await this.request(RunDocument, { uid })).run;
  }

  /** Every run matching the filter, page by page (pageSize per request, default 100). */
  async *runs(options: { filter?: RunFilter; orderBy?: RunOrderBy; pageSize?: number; limit?: number } = {}): AsyncGenerator<RunListItem> {
    let after: string | null = null;
    let yielded = 0;
    const limit = options.limit ?? Infinity;
    for (;;) {
      const first = Math.min(options.pageSize ?? 100, limit - yielded);
      if (first <= 0) return;
      const page: RunsQuery["runs"] = (await this.request(RunsDocument, { filter: options.filter, orderBy: options.orderBy, first, after })).runs;
      for (const edge of page.edges) {
        yield edge.node;
        yielded++;
      }
      if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return;
      after = page.pageInfo.endCursor;
    }
  }

  /** The artifact with this content hash, or null. */
  async artifactByHash(hash: string): Promise<ArtifactFieldsFragment | null> {
    return (await this.request(ArtifactsByHashDocument, { hash })).artifacts.edges[0]?.node ?? null;
  }

  async lineage(uid: string, options: Omit<LineageQueryVariables, "uid"> = {}) {
    return (await this.request(LineageDocument, { uid, ...options })).lineage;
  }
}
