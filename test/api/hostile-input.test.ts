// Crafted input: wildcard characters in text filters, strings a database cannot store, oversize
// strings, forged cursors, keys and storage roots that climb out, and numbers JSON cannot
// carry exactly. Each gets a clean error (nothing written) or a correct answer, on both databases.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentHash, expectError, ok, startTestService, type GqlResult, type TestService } from "../harness.ts";

let svc: TestService;
const fixture = { runUid: "", transformUid: "", artifactUid: "", collectionUid: "" };

const REGISTER = `mutation($input: RegisterArtifactInput!) { registerArtifact(input: $input) { uid key storage { root } } }`;
const TRACK = `mutation($input: TrackInput!) { track(input: $input) { uid params transform { uid } } }`;
const ADD = `mutation($input: AddParamValuesInput!) { addParamValues(input: $input) { runUid } }`;
const KEY_FILTER = `query($m: StringMatch) { artifacts(filter: { key: $m }) { totalCount } }`;
const PARAM_EQ = `query($v: JSON) { runs(filter: { params: [{ name: "min_quality", eq: $v }] }) { totalCount } }`;
const PARAM_IN = `query($v: [JSON!]) { runs(filter: { params: [{ name: "min_quality", in: $v }] }) { totalCount } }`;
const COLLECTION = `mutation($k: String!, $a: String!) { createCollection(input: { key: $k, artifactUids: [$a] }) { uid } }`;
/** track with a param of the given value, declared on the fly. */
const withParams = (params: Record<string, unknown>) => ({ input: { transform: { name: "ok" }, params, defineMissingParams: true } });

const texts = [
  { key: "text/a_b.txt", description: "100% organic" },
  { key: "text/a%b.txt", description: "back\\slash" },
  { key: "text/axb.txt", description: "plain text" },
  { key: "text/A_C.TXT", description: "Über Straße" },
  { key: "text/ab.txt", description: "über-ALLES \\% mixed" },
];

beforeAll(async () => {
  svc = await startTestService();
  for (const [i, t] of texts.entries()) ok(await svc.gql(REGISTER, { input: { ...t, hash: contentHash(`text${i}`) } }));
  const run = ok(await svc.gql(TRACK, { input: { transform: { name: "hostile" }, params: { min_quality: 30 }, defineMissingParams: true } })).track;
  fixture.runUid = run.uid;
  fixture.transformUid = run.transform.uid;
  fixture.artifactUid = ok(await svc.gql(REGISTER, { input: { key: "fixture/a.csv", hash: contentHash("fixture") } })).registerArtifact.uid;
  fixture.collectionUid = ok(
    await svc.gql(`mutation($a: String!) { createCollection(input: { key: "fixture", artifactUids: [$a] }) { uid } }`, { a: fixture.artifactUid }),
  ).createCollection.uid;
});
afterAll(async () => svc?.stop());

/** Runs a request that must fail with VALIDATION_FAILED naming field, and proves it wrote nothing. */
async function refused(query: string, variables: Record<string, unknown> | undefined, field: string | RegExp, code = "VALIDATION_FAILED") {
  const before = await svc.snapshot();
  const result = await svc.gql(query, variables);
  const error = expectError(result, code);
  if (typeof field === "string") expect(error.extensions?.field, JSON.stringify(result)).toBe(field);
  else expect(error.extensions?.field, JSON.stringify(result)).toMatch(field);
  expect(error.message).not.toMatch(/Unexpected error/);
  expect(await svc.snapshot()).toEqual(before);
  return error;
}

describe("text filters treat % _ and \\ literally, ignoring case", () => {
  const keysOf = (result: GqlResult<any>) =>
    ok(result)
      .artifacts.edges.map((e: { node: { key: string } }) => e.node.key)
      .sort();
  const byKey = (match: Record<string, string>) =>
    svc.gql(`query($m: StringMatch) { artifacts(first: 100, filter: { key: $m }) { edges { node { key } } } }`, { m: match });
  const byDescription = (match: Record<string, string>) =>
    svc.gql(`query($m: StringMatch) { artifacts(first: 100, filter: { description: $m }) { edges { node { key } } } }`, { m: match });

  it.each([
    ["key contains _", () => byKey({ contains: "_" }), ["text/A_C.TXT", "text/a_b.txt"]],
    ["key contains %", () => byKey({ contains: "%" }), ["text/a%b.txt"]],
    ["key startsWith text/a_", () => byKey({ startsWith: "text/a_" }), ["text/A_C.TXT", "text/a_b.txt"]],
    ["key startsWith TEXT/A%", () => byKey({ startsWith: "TEXT/A%" }), ["text/a%b.txt"]],
    ["key contains A_B (mixed case)", () => byKey({ contains: "A_B" }), ["text/a_b.txt"]],
    ["description contains a backslash", () => byDescription({ contains: "\\" }), ["text/a%b.txt", "text/ab.txt"]],
    ["description contains \\%", () => byDescription({ contains: "\\%" }), ["text/ab.txt"]],
    ["description contains 0%", () => byDescription({ contains: "0%" }), ["text/a_b.txt"]],
    ["description contains über (non-ASCII, any case)", () => byDescription({ contains: "über" }), ["text/A_C.TXT", "text/ab.txt"]],
    ["description startsWith ÜBER-", () => byDescription({ startsWith: "ÜBER-" }), ["text/ab.txt"]],
    ["description equals stays exact", () => byDescription({ equals: "plain text" }), ["text/axb.txt"]],
  ])("%s", async (_name, query, expected) => {
    expect(keysOf(await query())).toEqual(expected);
  });

  it("counts what it lists", async () => {
    const result = ok(await svc.gql(`{ artifacts(filter: { key: { contains: "_" } }) { totalCount } }`));
    expect(result.artifacts.totalCount).toBe(2);
  });
});

describe("strings a database cannot store are refused, naming the field", () => {
  const NUL = "a\u0000b.txt";
  const LONE = "sur\ud800rogate";
  it.each([
    ["NUL in a key", REGISTER, () => ({ input: { key: `x/${NUL}`, hash: contentHash("nul1") } }), "key"],
    ["lone surrogate in a key", REGISTER, () => ({ input: { key: `x/${LONE}`, hash: contentHash("nul2") } }), "key"],
    ["NUL in a transform name", TRACK, () => ({ input: { transform: { name: NUL } } }), "transform.name"],
    ["lone surrogate in a transform name", TRACK, () => ({ input: { transform: { name: LONE } } }), "transform.name"],
    ["NUL in a param value", TRACK, () => withParams({ note: NUL }), "params.note"],
    ["lone surrogate in a nested param value", TRACK, () => withParams({ cfg: { deep: [1, LONE] } }), "params.cfg.deep[1]"],
    ["NUL in a param name", TRACK, () => withParams({ [NUL]: 1 }), "params"],
    ["NUL in addParamValues", ADD, () => ({ input: { runUid: fixture.runUid, values: { note: NUL }, defineMissing: true } }), "values.note"],
    ["NUL in a text filter", KEY_FILTER, () => ({ m: { contains: NUL } }), "filter.key.contains"],
    [
      "lone surrogate in a text filter",
      `query($m: StringMatch) { transforms(filter: { name: $m }) { totalCount } }`,
      () => ({ m: { equals: LONE } }),
      "filter.name.equals",
    ],
    ["NUL in a JSON filter", PARAM_EQ, () => ({ v: NUL }), "filter.params[0].eq"],
    ["NUL in a list of JSON", PARAM_IN, () => ({ v: [1, NUL] }), "filter.params[0].in[1]"],
    ["NUL in a lookup argument", `query($u: String!) { run(uid: $u) { uid } }`, () => ({ u: NUL }), "uid"],
    ["NUL in a storage root", REGISTER, () => ({ input: { hash: contentHash("nul3"), storageRoot: `s3://${NUL}` } }), "storageRoot"],
    ["NUL in a document literal", `mutation { track(input: { transform: { name: "a\\u0000b" } }) { uid } }`, () => undefined, "transform.name"],
    [
      "NUL in a JSON literal",
      `mutation { track(input: { transform: { name: "ok" }, params: { note: "a\\u0000b" } }) { uid } }`,
      () => undefined,
      "params.note",
    ],
    [
      "NUL in a variable's default",
      `mutation($n: String = "a\\u0000b") { track(input: { transform: { name: $n } }) { uid } }`,
      () => undefined,
      "transform.name",
    ],
  ])("%s", async (_name, query, variables, field) => {
    await refused(query, variables(), field);
  });

  it("a lone surrogate escape in a document is a parse error", async () => {
    expectError(await svc.gql(`mutation { track(input: { transform: { name: "sur\\ud800rogate" } }) { uid } }`), "GRAPHQL_PARSE_FAILED");
  });

  it("well-formed text outside the BMP is kept", async () => {
    const run = ok(await svc.gql(TRACK, { input: { transform: { name: "emoji 🧬" }, params: { label: "𝔸🧬" }, defineMissingParams: true } })).track;
    expect(run.params.label).toBe("𝔸🧬");
  });
});

describe("free-text inputs have length limits", () => {
  it.each([
    ["transform name", TRACK, { input: { transform: { name: "n".repeat(256) } } }, "transform.name", 255],
    ["transform key", TRACK, { input: { transform: { name: "ok", key: `k/${"k".repeat(1100)}` } } }, "transform.key", 1024],
    ["transform description", TRACK, { input: { transform: { name: "ok", description: "d".repeat(10_001) } } }, "transform.description", 10_000],
    ["run reference", TRACK, { input: { transform: { name: "ok" }, reference: "r".repeat(1025) } }, "reference", 1024],
    ["run reference type", TRACK, { input: { transform: { name: "ok" }, referenceType: "r".repeat(256) } }, "referenceType", 255],
    ["param string value", TRACK, withParams({ note: "v".repeat(900_000) }), "params.note", 10_000],
    ["artifact version", REGISTER, { input: { hash: contentHash("long1"), version: "v".repeat(256) } }, "version", 255],
    ["artifact storage root", REGISTER, { input: { hash: contentHash("long2"), storageRoot: `s3://${"b".repeat(1100)}` } }, "storageRoot", 1024],
    ["text filter", KEY_FILTER, { m: { contains: "c".repeat(1025) } }, "filter.key.contains", 1024],
  ])("%s", async (_name, query, variables, field, limit) => {
    const error = await refused(query, variables, field);
    expect(error.message).toContain(limit.toLocaleString("en-US"));
  });

  it("accepts a string at the limit", async () => {
    ok(await svc.gql(TRACK, { input: { transform: { name: "n".repeat(255) } } }));
  });
});

describe("cursors the server did not issue", () => {
  const b64 = (text: string) => Buffer.from(text).toString("base64");
  const cursors: [string, string][] = [
    ["garbage", "not-a-cursor"],
    ["empty", ""],
    ["not base64", "%%%%"],
    ["wrong prefix", b64("XYZ:N:1")],
    ["huge number", b64("GPC:N:99999999999999999999")],
    ["above 32 bits", b64("GPC:N:2147483648")],
    ["negative", b64("GPC:N:-1")],
    ["float", b64("GPC:N:1.5")],
    ["exponent", b64("GPC:N:1e3")],
    ["string for an int id", b64("GPC:S:1' OR 1=1")],
    ["bigint tag", b64("GPC:I:1")],
    ["date tag", b64("GPC:D:1")],
    ["JSON tuple", b64('GPC:T:["N:1"]')],
    ["trailing garbage", `${b64("GPC:N:1")}!!`],
  ];
  const fields: [string, (cursor: string) => string][] = [
    ["runs", (c) => `{ runs(first: 2, after: ${JSON.stringify(c)}) { totalCount edges { node { uid } } } }`],
    ["artifacts", (c) => `{ artifacts(first: 2, after: ${JSON.stringify(c)}) { edges { node { uid } } } }`],
    ["transforms", (c) => `{ transforms(last: 2, before: ${JSON.stringify(c)}) { edges { node { uid } } } }`],
    ["collections", (c) => `{ collections(first: 2, after: ${JSON.stringify(c)}) { edges { node { uid } } } }`],
    ["params", (c) => `{ params(first: 2, after: ${JSON.stringify(c)}) { edges { node { name } } } }`],
    ["users", (c) => `{ users(first: 2, after: ${JSON.stringify(c)}) { edges { node { handle } } } }`],
    ["storages", (c) => `{ storages(first: 2, after: ${JSON.stringify(c)}) { edges { node { uid } } } }`],
    ["Transform.runs", (c) => `{ transform(uid: "${fixture.transformUid}") { runs(first: 2, after: ${JSON.stringify(c)}) { edges { node { uid } } } } }`],
    ["Storage.artifacts", (c) => `{ storages(first: 1) { edges { node { artifacts(first: 2, after: ${JSON.stringify(c)}) { edges { node { uid } } } } } } }`],
  ];
  const table = fields.flatMap(([field, query]) => cursors.map(([name, cursor]) => [`${field}: ${name}`, query, cursor] as const));

  it.each(table)("%s", async (_name, query, cursor) => {
    const result = await svc.gql(query(cursor));
    for (const error of result.errors ?? []) {
      expect(error.extensions?.code, JSON.stringify(result)).toBe("VALIDATION_FAILED");
      expect(["after", "before"]).toContain(error.extensions?.field);
    }
  });

  it("a cursor given as a variable is checked too", async () => {
    await refused(`query($c: String) { runs(after: $c) { totalCount } }`, { c: b64("GPC:N:99999999999999999999") }, "after");
  });

  it("one document checks each request's values: a cursor it took once, then a forged one", async () => {
    const query = `query($c: String) { runs(first: 1, after: $c) { totalCount } }`;
    const end = ok(await svc.gql(`{ runs(first: 1) { pageInfo { endCursor } } }`)).runs.pageInfo.endCursor;
    ok(await svc.gql(query, { c: end }));
    await refused(query, { c: b64("GPC:N:99999999999999999999") }, "after");
    await refused(query, { c: "not-a-cursor" }, "after");
  });

  it("a well-formed cursor from another list is a valid page", async () => {
    const end = ok(await svc.gql(`{ runs(first: 1) { pageInfo { endCursor } } }`)).runs.pageInfo.endCursor;
    ok(await svc.gql(`query($c: String) { artifacts(first: 2, after: $c) { edges { node { uid } } } }`, { c: end }));
  });
});

describe("keys and storage roots cannot climb out", () => {
  it.each(["../../etc/passwd", "..", "a/../../b", "./a", "a/./b", "a//b", "/abs/key", "a\\b", "..\\x", "a/", ""])("artifact key %j", async (key) => {
    await refused(REGISTER, { input: { key, hash: contentHash(`key-${key}`) } }, "key");
  });

  it.each(["../x", "a//b", "/abs"])("collection key %j", async (key) => {
    await refused(COLLECTION, { k: key, a: fixture.artifactUid }, "key");
  });

  it("accepts ordinary keys with dots inside names", async () => {
    const artifact = ok(await svc.gql(REGISTER, { input: { key: "results/..hidden/v1.2/.env.parquet", hash: contentHash("dots") } })).registerArtifact;
    expect(artifact.key).toBe("results/..hidden/v1.2/.env.parquet");
  });

  it.each(["../../../etc", "relative/dir", ".", "data"])("relative storage root %j", async (storageRoot) => {
    await refused(REGISTER, { input: { hash: contentHash(`root-${storageRoot}`), storageRoot } }, "storageRoot");
  });

  it.each([
    ["s3://bucket/prefix/", "s3://bucket/prefix"],
    ["gs://bucket", "gs://bucket"],
    ["https://example.org/data", "https://example.org/data"],
    ["/srv/lake/../lake2", "/srv/lake2"],
  ])("storage root %j is accepted as %j", async (storageRoot, expected) => {
    const artifact = ok(await svc.gql(REGISTER, { input: { hash: contentHash(`root-${storageRoot}`), storageRoot } })).registerArtifact;
    expect(artifact.storage.root).toBe(expected);
  });
});

describe("params: empty in, inference of numbers, exact integers", () => {
  it("in: [] matches nothing", async () => {
    const result = ok(await svc.gql(`{ runs(filter: { params: [{ name: "min_quality", in: [] }] }) { totalCount edges { node { uid } } } }`));
    expect(result.runs.totalCount).toBe(0);
    expect(result.runs.edges).toEqual([]);
  });

  it("a number defined on the fly is num: 0 first, then fractions", async () => {
    const first = ok(await svc.gql(TRACK, { input: { transform: { name: "burst" }, params: { learning_rate: 0 }, defineMissingParams: true } })).track;
    expect(first.params).toEqual({ learning_rate: 0 });
    const second = ok(await svc.gql(TRACK, { input: { transform: { name: "burst" }, params: { learning_rate: 0.25 }, defineMissingParams: true } })).track;
    expect(second.params).toEqual({ learning_rate: 0.25 });
    expect(ok(await svc.gql(`{ param(name: "learning_rate") { dtype } }`)).param.dtype).toBe("num");
    const listed = ok(await svc.gql(`{ runs(filter: { params: [{ name: "learning_rate", gt: 0.1 }] }) { edges { node { uid } } } }`));
    expect(listed.runs.edges.map((e: { node: { uid: string } }) => e.node.uid)).toEqual([second.uid]);
  });

  it("an integer beyond 2^53 in a param value is refused", async () => {
    ok(await svc.gql(`mutation { defineParam(input: { name: "counter", dtype: "int" }) { name } }`));
    const error = await refused(TRACK, { input: { transform: { name: "ok" }, params: { counter: 2 ** 53 + 2 } } }, "params");
    expect(error.message).toMatch(/2\^53/);
    await refused(TRACK, withParams({ fresh_counter: 2 ** 53 + 2 }), "params");
  });

  it("a BigInt sent as an unsafe JSON number is refused; a decimal string is exact", async () => {
    const error = await refused(REGISTER, { input: { hash: contentHash("big1"), size: 2 ** 53 + 2 } }, "size");
    expect(error.message).toMatch(/decimal string/);
    const SIZE = `mutation($input: RegisterArtifactInput!) { registerArtifact(input: $input) { size } }`;
    const exact = ok(await svc.gql(SIZE, { input: { hash: contentHash("big2"), size: "9007199254740993" } }));
    expect(exact.registerArtifact.size).toBe("9007199254740993");
    const literal = ok(await svc.gql(`mutation { registerArtifact(input: { hash: "${contentHash("big3")}", size: 9007199254740993 }) { size } }`));
    expect(literal.registerArtifact.size).toBe("9007199254740993");
  });
});
