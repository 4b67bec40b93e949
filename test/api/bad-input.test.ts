// Table-driven bad input: each request must fail with its stable error code and leave every
// table exactly as it was (row counts and the fixture's own fields).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentHash, ok, startTestService, type TestService } from "../harness.ts";

interface Case {
  name: string;
  /** A JSON body (object) or raw body text. */
  body: Record<string, unknown> | string | (() => Record<string, unknown>);
  code: string;
  status?: number;
  headers?: Record<string, string>;
}

let svc: TestService;
const fixture = { runUid: "", finishedRunUid: "", artifactUid: "" };

beforeAll(async () => {
  svc = await startTestService({ limits: { maxBodyBytes: 200_000 } });
  ok(await svc.gql(`mutation { defineParam(input: { name: "threads", dtype: "int" }) { name } }`));
  fixture.artifactUid = ok(
    await svc.gql(`mutation { registerArtifact(input: { key: "raw/a.csv", hash: "${contentHash("a")}", size: 10 }) { uid } }`),
  ).registerArtifact.uid;
  fixture.runUid = ok(await svc.gql(`mutation { track(input: { transform: { name: "etl" }, params: { threads: 4 } }) { uid } }`)).track.uid;
  fixture.finishedRunUid = ok(await svc.gql(`mutation { track(input: { transform: { name: "etl" } }) { uid } }`)).track.uid;
  ok(await svc.gql(`mutation($uid: String!) { finishRun(input: { uid: $uid }) { status } }`, { uid: fixture.finishedRunUid }));
});
afterAll(async () => svc?.stop());

const TRACK = `mutation($input: TrackInput!) { track(input: $input) { uid } }`;
const FINISH = `mutation($input: FinishRunInput!) { finishRun(input: $input) { uid status } }`;
const nested = (depth: number) => `{ runs { edges { node { ${"transform { runs { edges { node { ".repeat(depth)}uid${" } } } }".repeat(depth)} } } } }`;

const cases: Case[] = [
  // transport and syntax
  { name: "malformed JSON", body: `{"query": "mutation { track(`, code: "BAD_REQUEST", status: 400 },
  { name: "JSON that is not a request object", body: `[1, 2, 3]`, code: "BAD_REQUEST", status: 400 },
  { name: "no query", body: { variables: { a: 1 } }, code: "BAD_REQUEST", status: 400 },
  { name: "query that is not a string", body: { query: 42 }, code: "BAD_REQUEST", status: 400 },
  { name: "variables that are not an object", body: { query: TRACK, variables: "input" }, code: "BAD_REQUEST", status: 400 },
  { name: "malformed GraphQL", body: { query: `mutation { track(input: { transform: { name: "x" } }` }, code: "GRAPHQL_PARSE_FAILED", status: 400 },
  {
    name: "unknown field",
    body: { query: `mutation { track(input: { transform: { name: "x" } }) { uid colour } }` },
    code: "GRAPHQL_VALIDATION_FAILED",
    status: 400,
  },
  {
    name: "unknown argument",
    body: { query: `mutation { track(input: { transform: { name: "x" } }, force: true) { uid } }` },
    code: "GRAPHQL_VALIDATION_FAILED",
    status: 400,
  },
  {
    name: "two operations, none chosen",
    body: { query: `mutation A { track(input: { transform: { name: "x" } }) { uid } } mutation B { track(input: { transform: { name: "y" } }) { uid } }` },
    code: "OPERATION_RESOLUTION_FAILURE",
    status: 400,
  },
  { name: "a mutation sent with GET", body: "", code: "BAD_REQUEST", status: 405, headers: {} },
  // wrong types
  { name: "wrong literal type", body: { query: `mutation { finishRun(input: { uid: 5 }) { uid } }` }, code: "GRAPHQL_VALIDATION_FAILED", status: 400 },
  { name: "wrong variable type", body: () => ({ query: FINISH, variables: { input: { uid: ["a"] } } }), code: "BAD_USER_INPUT", status: 400 },
  { name: "missing required variable", body: { query: TRACK, variables: {} }, code: "BAD_USER_INPUT", status: 400 },
  { name: "null for a required field", body: { query: TRACK, variables: { input: { transform: null } } }, code: "BAD_USER_INPUT", status: 400 },
  {
    name: "BigInt that is not an integer",
    body: {
      query: `mutation($s: BigInt) { registerArtifact(input: { key: "b.csv", hash: "${contentHash("b")}", size: $s }) { uid } }`,
      variables: { s: "12.5kB" },
    },
    code: "BAD_USER_INPUT",
    status: 400,
  },
  {
    name: "bad enum literal",
    body: () => ({ query: `mutation { finishRun(input: { uid: "${fixture.runUid}", status: EXPLODED }) { uid } }` }),
    code: "GRAPHQL_VALIDATION_FAILED",
    status: 400,
  },
  {
    name: "bad enum variable",
    body: () => ({ query: FINISH, variables: { input: { uid: fixture.runUid, status: "exploded" } } }),
    code: "BAD_USER_INPUT",
    status: 400,
  },
  {
    name: "params that are not an object",
    body: { query: TRACK, variables: { input: { transform: { name: "etl" }, params: [1, 2] } } },
    code: "VALIDATION_FAILED",
  },
  // uids
  { name: "unknown run uid", body: { query: FINISH, variables: { input: { uid: "AAAAAAAAAAAAAAAAAAAA" } } }, code: "NOT_FOUND" },
  { name: "run uid of the wrong length", body: { query: FINISH, variables: { input: { uid: "short" } } }, code: "VALIDATION_FAILED" },
  { name: "run uid with foreign characters", body: { query: FINISH, variables: { input: { uid: "AAAAAAAAAA/AAAAAAAA;" } } }, code: "VALIDATION_FAILED" },
  {
    name: "unknown input artifact",
    body: { query: TRACK, variables: { input: { transform: { name: "etl" }, inputArtifactUids: ["ZZZZZZZZZZZZZZZZ0000"] } } },
    code: "NOT_FOUND",
  },
  {
    name: "unknown parent run",
    body: { query: TRACK, variables: { input: { transform: { name: "etl" }, initiatedByRunUid: "ZZZZZZZZZZZZZZZZZZZZ" } } },
    code: "NOT_FOUND",
  },
  // params
  { name: "unknown param", body: { query: TRACK, variables: { input: { transform: { name: "etl" }, params: { thread: 4 } } } }, code: "VALIDATION_FAILED" },
  {
    name: "dtype mismatch",
    body: { query: TRACK, variables: { input: { transform: { name: "etl" }, params: { threads: "eight" } } } },
    code: "VALIDATION_FAILED",
  },
  {
    name: "dtype mismatch among good params",
    body: { query: TRACK, variables: { input: { transform: { name: "etl2" }, params: { threads: 2.5, fresh: true }, defineMissingParams: true } } },
    code: "VALIDATION_FAILED",
  },
  { name: "unknown dtype", body: { query: `mutation { defineParam(input: { name: "ratio", dtype: "decimal" }) { name } }` }, code: "VALIDATION_FAILED" },
  // sizes
  {
    name: "oversize artifact key",
    body: {
      query: `mutation($k: String) { registerArtifact(input: { key: $k, hash: "${contentHash("c")}" }) { uid } }`,
      variables: { k: `a/${"k".repeat(2000)}` },
    },
    code: "VALIDATION_FAILED",
  },
  {
    name: "oversize param name",
    body: { query: `mutation($n: String!) { defineParam(input: { name: $n, dtype: "int" }) { name } }`, variables: { n: "p".repeat(300) } },
    code: "VALIDATION_FAILED",
  },
  {
    name: "oversize body",
    body: { query: TRACK, variables: { input: { transform: { name: "etl", sourceCode: "x".repeat(300_000) } } } },
    code: "LIMIT_EXCEEDED",
    status: 413,
  },
  // expensive documents
  { name: "deep query", body: { query: nested(4) }, code: "LIMIT_EXCEEDED", status: 400 },
  {
    name: "wide query",
    body: {
      query: `{ runs(first: 1000) { edges { node { uid status params startedAt finishedAt createdBy { handle name } transform { uid name key version type } inputArtifacts { uid key size hash } outputArtifacts { uid key size hash } } } } }`,
    },
    code: "LIMIT_EXCEEDED",
    status: 400,
  },
  {
    name: "alias bomb",
    body: { query: `{ ${Array.from({ length: 200 }, (_, i) => `a${i}: runs { totalCount }`).join(" ")} }` },
    code: "LIMIT_EXCEEDED",
    status: 400,
  },
  {
    name: "alias bomb of mutations",
    body: { query: `mutation { ${Array.from({ length: 100 }, (_, i) => `a${i}: track(input: { transform: { name: "bomb" } }) { uid }`).join(" ")} }` },
    code: "LIMIT_EXCEEDED",
    status: 400,
  },
  { name: "directive flood", body: { query: `{ runs { totalCount ${"@include(if: true) ".repeat(100)} } }` }, code: "LIMIT_EXCEEDED", status: 400 },
  { name: "token flood", body: { query: `{ runs { ${"totalCount ".repeat(10_000)} } }` }, code: "LIMIT_EXCEEDED", status: 400 },
  // lifecycle
  { name: "a run finished twice", body: () => ({ query: FINISH, variables: { input: { uid: fixture.finishedRunUid, status: "ERRORED" } } }), code: "CONFLICT" },
  { name: "negative page size", body: { query: `{ runs(first: -1) { totalCount } }` }, code: "VALIDATION_FAILED" },
  { name: "forged cursor", body: { query: `{ runs(after: "not-a-cursor") { totalCount } }` }, code: "VALIDATION_FAILED" },
];

describe("bad input is refused with a code and changes nothing", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const before = await svc.snapshot();
    const runsBefore = await svc.db.prisma.run.findMany({ orderBy: { id: "asc" }, select: { uid: true, status: true, finishedAt: true } });

    const isGet = c.status === 405;
    const body = typeof c.body === "function" ? c.body() : c.body;
    const response = await svc.yoga.fetch(
      isGet
        ? `http://localhost/graphql?query=${encodeURIComponent(`mutation { track(input: { transform: { name: "via-get" } }) { uid } }`)}`
        : "http://localhost/graphql",
      {
        method: isGet ? "GET" : "POST",
        headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...c.headers },
        body: isGet ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      },
    );
    const result = (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
    expect(result.errors?.length, JSON.stringify(result)).toBeGreaterThan(0);
    expect(result.errors![0].extensions?.code, JSON.stringify(result.errors)).toBe(c.code);
    for (const error of result.errors!) expect(error.extensions?.code, error.message).toBeTruthy();
    expect(result.errors![0].message).not.toMatch(/Unexpected error/);
    if (c.status) expect(response.status).toBe(c.status);

    expect(await svc.snapshot()).toEqual(before);
    expect(await svc.db.prisma.run.findMany({ orderBy: { id: "asc" }, select: { uid: true, status: true, finishedAt: true } })).toEqual(runsBefore);
  });
});
