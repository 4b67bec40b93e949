// What one item of a recordRuns call carries (src/domain/record-runs.ts), and an item on its
// way to being written.
import type { ArtifactDescription } from "./artifacts.ts";
import type { RunStatus } from "./runs.ts";
import type { TransformInput } from "./transforms.ts";

/** An output of a recorded run: described as registerArtifact's input is, with its key and storage. */
export type RecordRunOutput = ArtifactDescription & { key?: string | null; storageRoot?: string | null };

export interface RecordRunItem {
  /** a uid the client chose (20 base62 characters): sending the item again answers this run */
  uid?: string | null;
  transform: TransformInput;
  status?: RunStatus | null;
  startedAt: Date;
  finishedAt?: Date | null;
  reference?: string | null;
  referenceType?: string | null;
  params?: readonly { name: string; value?: unknown }[] | null;
  defineMissingParams?: boolean | null;
  inputs?: readonly { uid?: string | null; hash?: string | null }[] | null;
  outputs?: readonly RecordRunOutput[] | null;
}

/** An item to write, with its position in the call (its fields are named `input[index]…`). */
export interface Fresh {
  index: number;
  item: RecordRunItem;
  runId: number;
  transformId: number;
}
