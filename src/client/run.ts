// A tracked run in lamindb's spirit (ln.track … ln.finish): start it with its inputs and
// params, register outputs as they are written, finish it once — also when the process
// fails or is stopped (hooks.ts).
import type { AddRunInputsInput, ArtifactFieldsFragment, FinishRunInput, RunFieldsFragment, TrackInput, TransformInput } from "./generated/graphql.ts";
import type { HashOptions } from "./hash.ts";
import { finishOnExit, type FinalStatus } from "./hooks.ts";
import { registerPath, resolveInput, type ArtifactRegistrar, type RegisterPathOptions } from "./paths.ts";

/** The client calls a tracked run makes (LineageClient has them). */
export interface RunClient extends ArtifactRegistrar {
  startRun(input: TrackInput): Promise<RunFieldsFragment>;
  addRunInputs(input: AddRunInputsInput): Promise<RunFieldsFragment>;
  finishRun(input: FinishRunInput): Promise<RunFieldsFragment>;
}

export interface TrackOptions {
  transform: TransformInput;
  /** param name → value; names the instance does not know are declared (inferred dtype) */
  params?: Record<string, unknown>;
  /** input files or folders (hashed and registered) and artifact uids */
  inputs?: readonly string[];
  inputCollectionUids?: readonly string[];
  reference?: string;
  referenceType?: string;
  initiatedByRunUid?: string;
  /** the run's uid; drawn here when absent (a retried track then returns the same run) */
  uid?: string;
  /** finish the run on an uncaught exception (ERRORED) or SIGINT/SIGTERM/SIGHUP (ABORTED); default true */
  hooks?: boolean;
  hash?: HashOptions;
}

export interface FinishOptions {
  status?: FinalStatus;
  /** uid of the run's report artifact */
  report?: string;
  /** uid of the run's environment artifact */
  environment?: string;
}

export class TrackedRun {
  private finishing: Promise<RunFieldsFragment> | null = null;
  private removeHooks: () => void = () => undefined;

  private constructor(
    readonly client: RunClient,
    public record: RunFieldsFragment,
    private readonly hashOptions: HashOptions,
  ) {}

  get uid(): string {
    return this.record.uid;
  }

  static async start(client: RunClient, options: TrackOptions): Promise<TrackedRun> {
    const inputArtifactUids: string[] = [];
    for (const [i, input] of (options.inputs ?? []).entries()) inputArtifactUids.push(await resolveInput(client, input, `inputs[${i}]`, options.hash));
    const input: TrackInput = {
      uid: options.uid,
      transform: options.transform,
      params: options.params,
      defineMissingParams: true,
      inputArtifactUids,
      inputCollectionUids: options.inputCollectionUids ? [...options.inputCollectionUids] : undefined,
      reference: options.reference,
      referenceType: options.referenceType,
      initiatedByRunUid: options.initiatedByRunUid,
    };
    const run = new TrackedRun(client, await client.startRun(input), options.hash ?? {});
    if (options.hooks ?? true) run.removeHooks = finishOnExit((status) => run.finish({ status }));
    return run;
  }

  /** Hashes and registers a file or folder as this run's output. */
  registerOutput(target: string, options: Omit<RegisterPathOptions, "runUid"> = {}): Promise<ArtifactFieldsFragment> {
    return registerPath(this.client, target, { ...this.hashOptions, ...options, runUid: this.uid });
  }

  /** Records more inputs (paths or artifact uids) read after the run started. */
  async addInputs(inputs: readonly string[]): Promise<void> {
    const artifactUids: string[] = [];
    for (const [i, input] of inputs.entries()) artifactUids.push(await resolveInput(this.client, input, `inputs[${i}]`, this.hashOptions));
    if (artifactUids.length) this.record = await this.client.addRunInputs({ runUid: this.uid, artifactUids });
  }

  /** Finishes the run (COMPLETED unless told otherwise). Later calls return the first call's answer. */
  finish(options: FinishOptions = {}): Promise<RunFieldsFragment> {
    this.finishing ??= (async () => {
      this.removeHooks();
      this.record = await this.client.finishRun({
        uid: this.uid,
        status: options.status ?? "COMPLETED",
        report: options.report,
        environment: options.environment,
      });
      return this.record;
    })();
    return this.finishing;
  }
}
