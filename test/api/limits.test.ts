// Query limits (depth, cost, aliases, tokens, directives, page size, body size, time budget),
// introspection and GraphiQL switches, hidden field suggestions, and CSRF prevention.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSRF_HEADER } from "../../src/yoga.ts";
import { expectError, ok, startTestService, type TestService } from "../harness.ts";

const TIGHT = { maxDepth: 6, maxCost: 100, maxAliases: 5, maxTokens: 300, maxDirectives: 3, maxPageSize: 3, maxBodyBytes: 4_000 };

async function post(svc: TestService, body: BodyInit, headers: Record<string, string> = {}) {
  const response = await svc.yoga.fetch("http://localhost/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  });
  return { status: response.status, body: await response.json() };
}

describe("document limits", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ limits: TIGHT });
  });
  afterAll(async () => svc?.stop());

  const TRACK = `track(input: { transform: { name: "never" } })`;
  const rejected: [string, string, string, RegExp][] = [
    [
      "depth",
      `{ runs { edges { node { transform { runs { edges { node { uid } } } } } } } }`,
      `mutation { ${TRACK} { transform { runs { edges { node { transform { uid } } } } } } }`,
      /^query depth limit of 6 exceeded \(found \d+\)$/,
    ],
    [
      "cost",
      `{ runs { edges { node { uid status startedAt finishedAt reference referenceType params createdBy { uid handle name createdAt } transform { uid name key version type description } outputArtifacts { uid key size } } } } }`,
      `mutation { ${TRACK} { uid status startedAt finishedAt reference referenceType params createdBy { uid handle name createdAt } transform { uid name key version type description } inputArtifacts { uid key size } outputArtifacts { uid key size } initiatedRuns { uid status startedAt transform { uid name key version type description } } inputCollections { uid key } outputCollections { uid key } recreatedArtifacts { uid key size } } }`,
      /^query cost limit of 100 exceeded \(found \d+\)$/,
    ],
    [
      "aliases",
      `{ a: me { handle } b: me { handle } c: me { handle } d: me { handle } e: me { handle } f: me { handle } }`,
      `mutation { ${["a", "b", "c", "d", "e", "f"].map((alias) => `${alias}: ${TRACK} { uid }`).join(" ")} }`,
      /^aliases limit of 5 exceeded \(found 6\)$/,
    ],
    ["tokens", `{ me { ${"handle ".repeat(300)} } }`, `mutation { ${TRACK} { ${"uid ".repeat(300)} } }`, /^token limit of 300 exceeded$/],
    [
      "directives",
      `{ me { handle @include(if: true) @skip(if: false) uid @include(if: true) scopes @include(if: true) } }`,
      `mutation { ${TRACK} { uid @include(if: true) @skip(if: false) status @include(if: true) startedAt @include(if: true) } }`,
      /^directives limit of 3 exceeded \(found \d+\)$/,
    ],
  ];
  it.each(rejected)("rejects a document over the %s limit, before running anything", async (_label, query, mutation, message) => {
    const before = await svc.snapshot();
    const { status, body } = await post(svc, JSON.stringify({ query: mutation }));
    expect(status).toBe(400);
    expectError(body, "LIMIT_EXCEEDED");
    expect(await svc.snapshot()).toEqual(before);
    // one status and one shape, whichever phase refused the document and whatever the client accepts
    for (const accept of ["application/graphql-response+json", "application/json", "*/*"]) {
      const single = await post(svc, JSON.stringify({ query }), { accept });
      expect(single.status, accept).toBe(400);
      expectError(single.body, "LIMIT_EXCEEDED");
      const messages = single.body.errors.map((error: { message: string }) => error.message);
      // a deep document is usually costly too: each limit that is exceeded says so
      expect(
        messages.some((text: string) => message.test(text)),
        messages.join("\n"),
      ).toBe(true);
      for (const error of single.body.errors) {
        expect(error.message).not.toMatch(/Syntax Error/);
        expect(error.extensions).toMatchObject({ code: "LIMIT_EXCEEDED", limit: expect.any(String), max: expect.any(Number) });
      }
    }
  });

  it("lets documents within the limits through", async () => {
    expect(
      ok<any>((await post(svc, JSON.stringify({ query: `{ a: me { handle } b: me { uid } runs { edges { node { uid transform { name } } } } }` }))).body).a
        .handle,
    ).toBe("local");
  });

  it("caps first at the page-size limit", async () => {
    for (const name of ["p1", "p2", "p3", "p4", "p5"]) {
      ok(await svc.gql(`mutation($name: String!) { defineParam(input: { name: $name, dtype: "int" }) { name } }`, { name }));
    }
    const page = ok(await svc.gql(`query($n: Int) { params(first: $n) { totalCount edges { node { name } } pageInfo { hasNextPage } } }`, { n: 100 })).params;
    expect(page.totalCount).toBe(5);
    expect(page.edges).toHaveLength(3);
    expect(page.pageInfo.hasNextPage).toBe(true);
  });

  it("refuses bodies over the size limit with 413, declared or streamed", async () => {
    const before = await svc.snapshot();
    const big = JSON.stringify({
      query: `mutation($d: String) { track(input: { transform: { name: "big", description: $d } }) { uid } }`,
      variables: { d: "x".repeat(5_000) },
    });
    const declared = await post(svc, big, { "content-length": String(Buffer.byteLength(big)) });
    expect(declared.status).toBe(413);
    expect(expectError(declared.body, "LIMIT_EXCEEDED").message).toMatch(/^request body limit of 4000 bytes exceeded/);
    const streamed = await post(
      svc,
      new ReadableStream({
        start(controller) {
          for (let i = 0; i < big.length; i += 1000) controller.enqueue(new TextEncoder().encode(big.slice(i, i + 1000)));
          controller.close();
        },
      }),
    );
    expect(streamed.status).toBe(413);
    expect(await svc.snapshot()).toEqual(before);
  });

  it("exposes the limits to resolvers through the context", async () => {
    expect(svc.limits).toMatchObject(TIGHT);
    expect(svc.limits.lineageMaxDepth).toBeGreaterThan(0);
    expect(svc.limits.lineageMaxNodes).toBeGreaterThan(0);
  });
});

describe("time budget", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ limits: { requestTimeoutMs: 1 } });
  });
  afterAll(async () => svc?.stop());

  it("cuts off a query past its budget, and lets mutations finish", async () => {
    for (let i = 0; i < 5; i++)
      ok(
        await svc.gql(`mutation($n: String!) { track(input: { transform: { name: $n }, params: { i: 1 }, defineMissingParams: true }) { uid } }`, {
          n: `t${i}`,
        }),
      );
    const heavy = `{ runs(first: 100) { totalCount edges { node { uid params transform { name runs { totalCount } } createdBy { handle } } } } transforms { totalCount } params { totalCount } users { totalCount } }`;
    const error = expectError(await svc.gql(heavy), "LIMIT_EXCEEDED");
    expect(error.message).toMatch(/budget/);
  });
});

describe("introspection, suggestions, GraphiQL, CSRF", () => {
  let open: TestService;
  let closed: TestService;
  beforeAll(async () => {
    open = await startTestService();
    closed = await startTestService({ introspection: false, graphiql: false });
  });
  afterAll(async () => {
    await open?.stop();
    await closed?.stop();
  });

  it("introspection can be switched off", async () => {
    expect(ok(await open.gql(`{ __schema { queryType { name } } }`)).__schema.queryType.name).toBe("Query");
    expect(expectError(await closed.gql(`{ __schema { queryType { name } } }`), "GRAPHQL_VALIDATION_FAILED").message).toMatch(/introspection/i);
    expectError(await closed.gql(`{ __type(name: "Run") { fields { name } } }`), "GRAPHQL_VALIDATION_FAILED");
  });

  // Each kind of mistake graphql-js answers with a suggestion: [kind, query, variables, code, suggested name].
  const misspelt: [string, string, Record<string, unknown> | undefined, string, string][] = [
    ["field", `{ runz { totalCount } }`, undefined, "GRAPHQL_VALIDATION_FAILED", "runs"],
    ["argument", `{ runs(firts: 1) { totalCount } }`, undefined, "GRAPHQL_VALIDATION_FAILED", "first"],
    ["type", `query($f: RunFiltr) { runs(filter: $f) { totalCount } }`, undefined, "GRAPHQL_VALIDATION_FAILED", "RunFilter"],
    ["input field (literal)", `{ runs(filter: { statuz: [COMPLETED] }) { totalCount } }`, undefined, "GRAPHQL_VALIDATION_FAILED", "status"],
    ["enum value (literal)", `{ runs(filter: { status: [COMPLETE] }) { totalCount } }`, undefined, "GRAPHQL_VALIDATION_FAILED", "COMPLETED"],
    ["input field (variable)", `query($f: RunFilter) { runs(filter: $f) { totalCount } }`, { f: { statuz: ["COMPLETED"] } }, "BAD_USER_INPUT", "status"],
    ["enum value (variable)", `query($f: RunFilter) { runs(filter: $f) { totalCount } }`, { f: { status: ["COMPLETE"] } }, "BAD_USER_INPUT", "COMPLETED"],
    [
      "enum value (variable of enum type)",
      `query($s: [RunStatus!]) { runs(filter: { status: $s }) { totalCount } }`,
      { s: ["COMPLETE"] },
      "BAD_USER_INPUT",
      "COMPLETED",
    ],
  ];
  it.each(misspelt)("suggests names for a misspelt %s only while introspection is on", async (_kind, query, variables, code, suggested) => {
    const shown = expectError(await open.gql(query, variables), code).message;
    expect(shown).toMatch(/Did you mean/);
    expect(shown).toContain(`"${suggested}"`);
    const hidden = await closed.gql(query, variables);
    expectError(hidden, code);
    for (const error of hidden.errors!) {
      expect(error.message).not.toMatch(/Did you mean/);
      expect(error.message).not.toContain(`"${suggested}"`);
    }
  });

  it("GraphiQL can be switched off", async () => {
    const page = (svc: TestService) => svc.yoga.fetch("http://localhost/graphql", { headers: { accept: "text/html" } });
    expect((await page(open)).headers.get("content-type")).toMatch(/text\/html/);
    expect((await page(closed)).headers.get("content-type") ?? "").not.toMatch(/text\/html/);
  });

  it("refuses simple cross-site requests without the CSRF header", async () => {
    const url = `http://localhost/graphql?query=${encodeURIComponent("{ me { handle } }")}`;
    const bare = await open.yoga.fetch(url);
    expect(bare.status).toBe(403);
    expect((await bare.json()).errors[0]).toMatchObject({ message: expect.stringMatching(/CSRF/), extensions: { code: "BAD_REQUEST" } });
    const form = await open.yoga.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "query=%7Bme%7Bhandle%7D%7D",
    });
    expect(form.status).toBe(403);
    const withHeader = await open.yoga.fetch(url, { headers: { [CSRF_HEADER]: "1", accept: "application/graphql-response+json" } });
    expect(withHeader.status).toBe(200);
    expect((await withHeader.json()).data.me.handle).toBe("local");
  });
});
