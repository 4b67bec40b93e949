// recordRuns: many whole runs in one call — content, versions, retries, conflicts, bad input
// that writes nothing, and a statement count that does not grow with the number of items.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentHash, expectError, ok, registerArtifact, startTestService, type TestService } from "../harness.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => svc?.stop());

const RECORD = `mutation($input: [RecordRunInput!]!) { recordRuns(input: $input) {
  uid status startedAt finishedAt reference referenceType params
  transform { uid key version hash }
  inputArtifacts { uid hash }
  outputArtifacts { uid key hash isLatest size }
  recreatedArtifacts { uid }
} }`;

let counter = 0;
const runUid = () => `rr${String(process.pid).padStart(8, "0")}${String(counter++).padStart(10, "0")}`.slice(0, 20);
const started = new Date("2026-01-02T03:04:05.000Z");
const finished = new Date("2026-01-02T03:14:05.000Z");

/** One item: a COMPLETED run of `transform` with the given parts. */
function item(transform: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { transform, startedAt: started.toISOString(), finishedAt: finished.toISOString(), ...extra };
}

const record = (input: unknown[]) => svc.gql(RECORD, { input });

describe("recordRuns writes whole runs", () => {
  it("records transform, status, times, reference, params, inputs and outputs of every item, in order", async () => {
    const raw = await registerArtifact(svc, "rr-raw");
    const runs = ok(
      await record([
        item(
          { key: "tools/align.py", version: "1" },
          {
            reference: "job-1",
            referenceType: "slurm",
            params: [
              { name: "rr_threads", value: 8 },
              { name: "rr_genome", value: "GRCh38" },
            ],
            defineMissingParams: true,
            inputs: [{ uid: raw }],
            outputs: [{ hash: contentHash("rr-bam"), key: "rr/aligned.bam", size: 42 }],
          },
        ),
        item(
          { key: "tools/call.py", version: "1" },
          {
            status: "ERRORED",
            params: [{ name: "rr_threads", value: 2 }],
            // an output of the item before, by hash, and the raw input by hash
            inputs: [{ hash: contentHash("rr-bam") }, { hash: contentHash("rr-raw") }],
            outputs: [{ hash: contentHash("rr-vcf"), key: "rr/calls.vcf" }],
          },
        ),
        item({ key: "tools/call.py", version: "1" }, { status: "STARTED", finishedAt: null }),
      ]),
    ).recordRuns;
    expect(runs).toHaveLength(3);
    const [align, call, open] = runs;
    expect(align).toMatchObject({ status: "COMPLETED", startedAt: started.toISOString(), finishedAt: finished.toISOString(), reference: "job-1" });
    expect(align.params).toEqual({ rr_threads: 8, rr_genome: "GRCh38" });
    expect(align.transform).toMatchObject({ key: "tools/align.py", version: "1" });
    expect(align.inputArtifacts.map((a: { uid: string }) => a.uid)).toEqual([raw]);
    expect(align.outputArtifacts).toEqual([expect.objectContaining({ key: "rr/aligned.bam", hash: contentHash("rr-bam"), isLatest: true, size: 42 })]);
    expect(call.status).toBe("ERRORED");
    expect(call.params).toEqual({ rr_threads: 2 });
    expect(call.inputArtifacts.map((a: { hash: string }) => a.hash).sort()).toEqual([contentHash("rr-bam"), contentHash("rr-raw")].sort());
    expect(open).toMatchObject({ status: "STARTED", finishedAt: null, transform: call.transform });
    // Undeclared params were declared with the dtype track infers for the value.
    const param = ok(await svc.gql(`{ param(name: "rr_threads") { dtype } }`)).param;
    expect(param.dtype).toBe("num");
  });

  it("versions outputs by key, returns known content, and versions transforms by source", async () => {
    const old = await registerArtifact(svc, "rr-v0", { key: "rr/table.csv" });
    const existing = await registerArtifact(svc, "rr-known", { key: "rr/known.csv" });
    const runs = ok(
      await record([
        item({ key: "tools/v.py", sourceCode: "print(1)" }, { outputs: [{ hash: contentHash("rr-v1"), key: "rr/table.csv" }] }),
        item(
          { key: "tools/v.py", sourceCode: "print(2)" },
          { outputs: [{ hash: contentHash("rr-v2"), key: "rr/table.csv" }, { hash: contentHash("rr-known") }] },
        ),
      ]),
    ).recordRuns;
    const [first, second] = runs;
    const v1 = first.outputArtifacts[0];
    const v2 = second.outputArtifacts[0];
    expect(v1.uid.slice(0, 16)).toBe(old.slice(0, 16));
    expect([old.slice(16), v1.uid.slice(16), v2.uid.slice(16)]).toEqual(["0000", "0001", "0002"]);
    expect([v1.isLatest, v2.isLatest]).toEqual([false, true]);
    expect(ok(await svc.gql(`query($uid: String!) { artifact(uid: $uid) { isLatest } }`, { uid: old })).artifact.isLatest).toBe(false);
    expect(second.recreatedArtifacts).toEqual([{ uid: existing }]);
    expect(second.outputArtifacts).toHaveLength(1); // known content stays the first registration's
    // New source → a new transform version; the hash alone names the same version.
    expect(first.transform.uid.slice(0, 12)).toBe(second.transform.uid.slice(0, 12));
    expect(first.transform.uid).not.toBe(second.transform.uid);
    const again = ok(await record([item({ key: "tools/v.py", hash: second.transform.hash })])).recordRuns;
    expect(again[0].transform.uid).toBe(second.transform.uid);
  });

  it("restores known content from the trash, and stores a param value once across items and calls", async () => {
    const trashed = await registerArtifact(svc, "rr-trashed", { key: "rr/trashed.csv" });
    ok(await svc.gql(`mutation($uid: String!) { deleteArtifact(uid: $uid) { uid } }`, { uid: trashed }));
    const params = [{ name: "rr_seed", value: 7 }];
    const [run] = ok(
      await svc.gql(`mutation($input: [RecordRunInput!]!) { recordRuns(input: $input) { params recreatedArtifacts { uid trashedAt } } }`, {
        input: [item({ key: "tools/t.py" }, { outputs: [{ hash: contentHash("rr-trashed") }], params, defineMissingParams: true })],
      }),
    ).recordRuns;
    expect(run.recreatedArtifacts).toEqual([{ uid: trashed, trashedAt: null }]);
    const again = ok(await record([item({ key: "tools/t.py" }, { params }), item({ key: "tools/t.py" }, { params })])).recordRuns;
    expect([run.params, ...again.map((r: any) => r.params)]).toEqual([{ rr_seed: 7 }, { rr_seed: 7 }, { rr_seed: 7 }]);
    expect(await svc.db.prisma.paramValue.count({ where: { param: { name: "rr_seed" } } })).toBe(1);
  });
});

describe("recordRuns sent again", () => {
  it("answers the same runs and writes nothing, by uid and by reference", async () => {
    const input = [
      item({ key: "tools/retry.py" }, { uid: runUid(), outputs: [{ hash: contentHash("rr-retry-1"), key: "rr/retry.txt" }] }),
      item({ key: "tools/retry.py" }, { reference: "sample-7", referenceType: "sample", params: [{ name: "rr_n", value: 1 }], defineMissingParams: true }),
    ];
    const first = ok(await record(input)).recordRuns;
    expect(first[0].uid).toBe(input[0].uid);
    const before = await svc.snapshot();
    const second = ok(await record(input)).recordRuns;
    expect(second).toEqual(first);
    expect(await svc.snapshot()).toEqual(before);
  });

  it("refuses a resend with other content (CONFLICT on the field that differs), writing nothing", async () => {
    const uid = runUid();
    ok(await record([item({ key: "tools/conflict.py" }, { uid }), item({ key: "tools/conflict.py" }, { reference: "r-1" })]));
    const before = await svc.snapshot();
    const byUid = expectError(await record([item({ key: "tools/fresh.py" }), item({ key: "tools/conflict.py" }, { uid, status: "ABORTED" })]), "CONFLICT");
    expect(byUid.extensions?.field).toBe("input[1].status");
    const byReference = expectError(
      await record([item({ key: "tools/conflict.py" }, { reference: "r-1", startedAt: new Date("2025-12-01T00:00:00Z").toISOString() })]),
      "CONFLICT",
    );
    expect(byReference.extensions?.field).toBe("input[0].startedAt");
    const otherTransform = expectError(await record([item({ key: "tools/elsewhere.py" }, { uid })]), "CONFLICT");
    expect(otherTransform.extensions?.field).toBe("input[0].transform");
    expect(await svc.snapshot()).toEqual(before);
  });
});

describe("recordRuns refuses bad input and writes nothing", () => {
  it.each([
    ["a bad output hash", { outputs: [{ hash: "not a hash!" }] }, "VALIDATION_FAILED", "input[3].outputs[0].hash"],
    ["an unknown param", { params: [{ name: "rr_undeclared", value: 1 }] }, "VALIDATION_FAILED", "input[3].params[0]"],
    ["a param of the wrong dtype", { params: [{ name: "rr_threads", value: "many" }] }, "VALIDATION_FAILED", "input[3].params[0]"],
    ["an input that does not exist", { inputs: [{ uid: "AAAAAAAAAAAAAAAA0000" }] }, "NOT_FOUND", "input[3].inputs[0].uid"],
    ["an input hash nobody registered", { inputs: [{ hash: contentHash("rr-nowhere") }] }, "NOT_FOUND", "input[3].inputs[0].hash"],
    ["a finished status without finishedAt", { status: "COMPLETED", finishedAt: null }, "VALIDATION_FAILED", "input[3].finishedAt"],
    ["the uid of an earlier item", { uid: "rrDuplicateUid000000" }, "VALIDATION_FAILED", "input[3].uid"],
  ])("%s", async (_what, bad, code, field) => {
    const good = (n: number) =>
      item(
        { key: "tools/bad.py" },
        { params: [{ name: "rr_threads", value: n }], outputs: [{ hash: contentHash(`rr-bad-${field}-${n}`), key: `rr/bad-${n}.txt` }] },
      );
    const input = [good(1), { ...good(2), uid: "rrDuplicateUid000000" }, good(3), { ...good(4), ...bad }];
    const before = await svc.snapshot();
    const error = expectError(await record(input), code);
    expect(error.extensions?.field).toBe(field);
    expect(await svc.snapshot()).toEqual(before);
  });
});

describe("recordRuns statements", () => {
  const batch = (tag: string, n: number, raw: string) =>
    Array.from({ length: n }, (_, i) =>
      item(
        { key: `tools/count-${i % 3}.py`, version: "1" },
        {
          uid: runUid(),
          params: [
            { name: "rr_threads", value: i },
            { name: "rr_genome", value: `g${i}` },
          ],
          inputs: [{ uid: raw }, { hash: contentHash(`${tag}-out-${i}-0`) }],
          outputs: [0, 1].map((k) => ({ hash: contentHash(`${tag}-out-${i}-${k}`), key: `count/${i % 5}/${k}.txt` })),
        },
      ),
    );

  it("does not grow with the number of items", async () => {
    const raw = await registerArtifact(svc, "rr-count-raw");
    ok(await record(batch("warm", 5, raw))); // declares the families and param values the counted calls reuse
    const few = await svc.countStatements(async () => ok(await record(batch("few", 5, raw))));
    const many = await svc.countStatements(async () => ok(await record(batch("many", 60, raw))));
    expect(many.count).toBe(few.count);
    expect(few.count).toBeLessThan(30);
    // The write finds the three known transforms with one look-up for the whole call, none on its
    // own (the answer's transform fields are read apart, through Prisma).
    expect(many.statements.filter((sql) => sql.includes(`FROM "Transform"`))).toHaveLength(1);
  });
});
