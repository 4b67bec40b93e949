// Params: declarations, validated values (no partial writes), and typed run filters.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, ok, startTestService, type TestService } from "../harness.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => svc?.stop());

const DEFINE = `mutation($name: String!, $dtype: String!) { defineParam(input: { name: $name, dtype: $dtype }) { name dtype } }`;
const ADD = `mutation($input: AddParamValuesInput!) { addParamValues(input: $input) { run { uid params } artifact { uid params } } }`;
const newRun = async (name = "p-run") =>
  ok(await svc.gql(`mutation($n: String!) { track(input: { transform: { name: $n } }) { uid } }`, { n: name })).track.uid as string;

describe("declaring params", () => {
  it("declares once, is idempotent, and refuses another dtype or an unknown dtype", async () => {
    expect(ok(await svc.gql(DEFINE, { name: "learning_rate", dtype: "float" })).defineParam).toEqual({ name: "learning_rate", dtype: "float" });
    expect(ok(await svc.gql(DEFINE, { name: "learning_rate", dtype: "float" })).defineParam.dtype).toBe("float");
    expectError(await svc.gql(DEFINE, { name: "learning_rate", dtype: "int" }), "CONFLICT");
    const bad = expectError(await svc.gql(DEFINE, { name: "x", dtype: "complex" }), "VALIDATION_FAILED");
    expect(bad.extensions?.field).toBe("dtype");
    expectError(await svc.gql(DEFINE, { name: "1bad name", dtype: "int" }), "VALIDATION_FAILED");
    const listed = ok(
      await svc.gql(`{ params(filter: { name: { startsWith: "learning" } }) { totalCount edges { node { name } } } param(name: "learning_rate") { dtype } }`),
    );
    expect(listed.params.totalCount).toBe(1);
    expect(listed.param.dtype).toBe("float");
  });
});

describe("adding values", () => {
  it("rejects unknown names, naming them and suggesting the declaration, and writes nothing", async () => {
    const run = await newRun();
    ok(await svc.gql(DEFINE, { name: "epochs", dtype: "int" }));
    const before = await svc.snapshot();
    const result = await svc.gql(ADD, { input: { runUid: run, values: { epochs: 3, optimizer: "adam", momentum: 0.9 } } });
    const error = expectError(result, "VALIDATION_FAILED");
    expect(error.message).toContain('"optimizer"');
    expect(error.message).toContain('"momentum"');
    expect(error.message).toContain('defineParam(input: { name: "optimizer", dtype: "str" })');
    expect(error.extensions?.unknownParams).toEqual([
      { name: "optimizer", inferredDtype: "str" },
      { name: "momentum", inferredDtype: "num" },
    ]);
    expect(await svc.snapshot()).toEqual(before);
  });

  it("rejects dtype mismatches, naming every offending key, and writes nothing", async () => {
    const run = await newRun();
    ok(await svc.gql(DEFINE, { name: "batch_size", dtype: "int" }));
    ok(await svc.gql(DEFINE, { name: "run_date", dtype: "date" }));
    ok(await svc.gql(DEFINE, { name: "layers", dtype: "list[int]" }));
    const before = await svc.snapshot();
    const error = expectError(
      await svc.gql(ADD, { input: { runUid: run, values: { batch_size: 3.5, run_date: "2024-02-30", layers: [1, "2"], epochs: 2 } } }),
      "VALIDATION_FAILED",
    );
    expect(error.extensions?.mismatches.map((m: { name: string }) => m.name)).toEqual(["batch_size", "run_date", "layers"]);
    expect(await svc.snapshot()).toEqual(before);
  });

  it("declares missing params on the fly when asked, and a new value replaces the old one", async () => {
    const run = await newRun();
    const added = ok(
      await svc.gql(ADD, {
        input: {
          runUid: run,
          defineMissing: true,
          values: { seed: 42, dropout: 0.1, tag: "baseline", started: "2024-05-01T10:00:00Z", cfg: { a: 1 }, flags: [true, false] },
        },
      }),
    ).addParamValues;
    expect(added.run.params).toEqual({ seed: 42, dropout: 0.1, tag: "baseline", started: "2024-05-01T10:00:00Z", cfg: { a: 1 }, flags: [true, false] });
    const dtypes = ok(await svc.gql(`{ params(first: 100) { edges { node { name dtype } } } }`)).params.edges.map(
      (e: { node: { name: string; dtype: string } }) => e.node,
    );
    expect(dtypes).toEqual(
      expect.arrayContaining([
        { name: "seed", dtype: "num" },
        { name: "dropout", dtype: "num" },
        { name: "tag", dtype: "str" },
        { name: "started", dtype: "datetime" },
        { name: "cfg", dtype: "dict" },
        { name: "flags", dtype: "list[bool]" },
      ]),
    );
    const replaced = ok(await svc.gql(ADD, { input: { runUid: run, values: { seed: 7 } } })).addParamValues;
    expect(replaced.run.params.seed).toBe(7);
    expect(Object.keys(replaced.run.params)).toHaveLength(6);
  });

  it("attaches values to artifacts and needs exactly one target", async () => {
    const artifact = ok(await svc.gql(`mutation { registerArtifact(input: { hash: "paramartifact00000000a" }) { uid } }`)).registerArtifact.uid;
    const added = ok(await svc.gql(ADD, { input: { artifactUid: artifact, values: { seed: 1 } } })).addParamValues;
    expect(added.artifact.params).toEqual({ seed: 1 });
    expectError(await svc.gql(ADD, { input: { values: { seed: 1 } } }), "VALIDATION_FAILED");
    expectError(await svc.gql(ADD, { input: { runUid: "AAAAAAAAAAAAAAAAAAAA", values: { seed: 1 } } }), "NOT_FOUND");
    expectError(await svc.gql(ADD, { input: { artifactUid: artifact, values: [1, 2] } }), "VALIDATION_FAILED");
  });

  it("records params given to track in the same transaction", async () => {
    const before = await svc.snapshot();
    expectError(await svc.gql(`mutation { track(input: { transform: { name: "atomic" }, params: { nope: 1 } }) { uid } }`), "VALIDATION_FAILED");
    expect(await svc.snapshot()).toEqual(before); // not even the transform was created
  });
});

describe("filtering runs by params", () => {
  it("compares numbers as numbers, dates as dates and text as text", async () => {
    ok(await svc.gql(DEFINE, { name: "threshold", dtype: "num" }));
    ok(await svc.gql(DEFINE, { name: "day", dtype: "date" }));
    ok(await svc.gql(DEFINE, { name: "model", dtype: "str" }));
    const runs: Record<string, string> = {};
    for (const [label, threshold, day, model] of [
      ["nine", 9, "2024-01-09", "b"],
      ["ten", 10, "2024-01-10", "a"],
      ["hundred", 100, "2023-12-31", "c"],
      ["half", 0.5, "2024-03-01", "a"],
    ] as const) {
      const uid = ok(
        await svc.gql(`mutation($p: JSON) { track(input: { transform: { name: "filterable" }, params: $p }) { uid } }`, { p: { threshold, day, model } }),
      ).track.uid;
      runs[uid] = label;
    }
    const labels = async (params: unknown) => {
      const data = ok(
        await svc.gql(`query($p: [ParamPredicate!]) { runs(filter: { params: $p }, first: 50) { totalCount edges { node { uid } } } }`, { p: params }),
      );
      const found = data.runs.edges.map((e: { node: { uid: string } }) => runs[e.node.uid]).sort();
      expect(data.runs.totalCount).toBe(found.length);
      return found;
    };
    expect(await labels([{ name: "threshold", gt: 9 }])).toEqual(["hundred", "ten"]); // 100 > 9 as numbers
    expect(await labels([{ name: "threshold", gte: 1, lt: 100 }])).toEqual(["nine", "ten"]);
    expect(await labels([{ name: "threshold", eq: 10 }])).toEqual(["ten"]);
    expect(await labels([{ name: "threshold", in: [0.5, 100] }])).toEqual(["half", "hundred"]);
    expect(await labels([{ name: "day", gte: "2024-01-10" }])).toEqual(["half", "ten"]);
    expect(await labels([{ name: "day", lt: "2024-01-01" }])).toEqual(["hundred"]);
    expect(await labels([{ name: "model", eq: "a" }])).toEqual(["half", "ten"]);
    expect(await labels([{ name: "model", ne: "a" }])).toEqual(["hundred", "nine"]);
    expect(
      await labels([
        { name: "model", eq: "a" },
        { name: "threshold", gt: 1 },
      ]),
    ).toEqual(["ten"]);
    expectError(await svc.gql(`{ runs(filter: { params: [{ name: "nonexistent", eq: 1 }] }) { totalCount } }`), "VALIDATION_FAILED");
    expectError(await svc.gql(`{ runs(filter: { params: [{ name: "threshold", gt: "big" }] }) { totalCount } }`), "VALIDATION_FAILED");
  });
});
