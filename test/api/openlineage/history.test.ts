// OpenLineage ingestion into a family with a long history: an event costs the same statements
// with 90 versions behind it as with 30, and each read still links the version current at its
// time, whichever order the events arrive in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, type TestService } from "../../harness.ts";
import { postBatch, postEvent, runByReference } from "./helpers.ts";

const hour = (h: number) => new Date(Date.UTC(2024, 9, 1) + h * 3_600_000).toISOString();

/** A run of an incremental job: reads the table at its start and writes the table's next version. */
const run = (runId: string, h: number, eventType = "COMPLETE") => ({
  eventType,
  eventTime: hour(h),
  producer: "https://example.com/test",
  run: { runId },
  job: { namespace: "history", name: "incremental" },
  inputs: [{ namespace: "s3://history", name: "table" }],
  outputs: [{ namespace: "s3://history", name: "table" }],
});

const writers = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => run(`w-${from + i}`, from + i));

describe("OpenLineage ingestion into a family with a long history", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService();
  });
  afterAll(async () => svc?.stop());

  const readVersion = async (runId: string) =>
    (await runByReference(svc, runId)).inputArtifacts.map((a: { run: { reference: string } | null }) => a.run?.reference);

  it("writes an event in as many statements with a long history as with a short one", async () => {
    expect((await postBatch(svc, writers(0, 30))).body.status).toBe("success");
    await postEvent(svc, run("warm", 30.5));
    const short = await svc.countStatements(() => postEvent(svc, run("short", 31.5)));
    expect((await postBatch(svc, writers(32, 92))).body.status).toBe("success");
    const long = await svc.countStatements(() => postEvent(svc, run("long", 92.5)));
    expect(long.count).toBeLessThanOrEqual(short.count);
    expect(await readVersion("short")).toEqual(["warm"]);
    expect(await readVersion("long")).toEqual(["w-91"]);
  });

  it("links each read to the version current at its time, late events included", async () => {
    // Delivered late: a run that started long ago reads the version of its time, not the latest.
    await postEvent(svc, run("late-reader", 12.5, "START"));
    expect(await readVersion("late-reader")).toEqual(["w-12"]);
    // A version made before that read, delivered after it, becomes what the read read.
    await postEvent(svc, run("late-writer", 12.2));
    expect(await readVersion("late-reader")).toEqual(["late-writer"]);
    expect(await readVersion("late-writer")).toEqual(["w-12"]);
    // The latest version is still the one whose run started last.
    const latest = (await runByReference(svc, "long")).outputArtifacts[0];
    expect(latest.isLatest).toBe(true);
    expect((await runByReference(svc, "late-writer")).outputArtifacts[0].isLatest).toBe(false);
  });

  it("moves the latest flag when the latest version's run turns out to have started earlier", async () => {
    // A START delivered late moves "long" back before w-91: w-91's version is now the latest.
    await postEvent(svc, run("long", 10, "START"));
    expect((await runByReference(svc, "long")).outputArtifacts[0].isLatest).toBe(false);
    expect((await runByReference(svc, "w-91")).outputArtifacts[0].isLatest).toBe(true);
    // A new version whose run started before the latest's does not take the flag; a later one does.
    await postEvent(svc, run("older", 90.5));
    expect((await runByReference(svc, "older")).outputArtifacts[0].isLatest).toBe(false);
    expect((await runByReference(svc, "w-91")).outputArtifacts[0].isLatest).toBe(true);
    await postEvent(svc, run("newest", 95));
    expect((await runByReference(svc, "newest")).outputArtifacts[0].isLatest).toBe(true);
    expect((await runByReference(svc, "w-91")).outputArtifacts[0].isLatest).toBe(false);
  });
});
