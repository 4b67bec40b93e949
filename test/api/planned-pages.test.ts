// The page planner answers a list query with records built in the database; the answer must be
// the resolvers' answer, byte for byte. Every query below runs twice on one database: through
// the service (planner on) and through a second app on the same database with the planner off.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GraphQLObjectType } from "graphql";
import { createToken } from "../../src/auth/accounts.ts";
import { CATALOGUE } from "../../src/pages/catalogue.ts";
import { createApp, type AppOptions } from "../../src/yoga.ts";
import { contentHash, ok, registerArtifact, startTestService, trackRun, type TestService } from "../harness.ts";

let svc: TestService;
let resolvers: ReturnType<typeof createApp>;

/** The answer's text from an app, as a client receives it. */
async function answer(app: ReturnType<typeof createApp>, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await app.fetch("http://localhost/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, text: await response.text() };
}

/** Another app on the service's database, with other options. */
function appOnService(options: Pick<AppOptions, "plannedPages" | "auth">) {
  const { db, user, storage, limits, live } = svc;
  return createApp({
    db,
    localUser: { id: user.id, uid: user.uid, handle: user.handle, scopes: ["read", "write", "admin"] },
    defaultStorageId: storage.id,
    limits,
    live,
    ...options,
  });
}

const planned = (statements: string[]) => statements.some((sql) => / AS node FROM /.test(sql));

/** Both apps' answers, and whether the service's came from the planner. */
async function both(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
  let ours: { status: number; text: string } | undefined;
  const counted = await svc.countStatements(async () => (ours = await answer(svc.yoga, query, variables, headers)));
  const theirs = await answer(resolvers, query, variables, headers);
  return { ours: ours!, theirs, planned: planned(counted.statements), statements: counted.count, sql: counted.statements };
}

async function expectSame(query: string, variables?: Record<string, unknown>) {
  const { ours, theirs, planned } = await both(query, variables);
  expect(JSON.parse(ours.text).errors).toBeUndefined();
  expect(ours.text).toBe(theirs.text);
  return planned;
}

const gqlOk = async (query: string, variables?: Record<string, unknown>) => ok(await svc.gql(query, variables));

beforeAll(async () => {
  svc = await startTestService();
  resolvers = appOnService({ plannedPages: false });

  // Records with every kind of value the planner writes: null and set columns, booleans,
  // datetimes, 64-bit sizes beyond 2^53, params of each dtype, trashed inputs and outputs,
  // collections with members, a report and an environment, steps of a parent run.
  const reference = await registerArtifact(svc, "reference", { size: "1234567890123456789", nObservations: 42, type: "dataset", otype: "DataFrame" });
  const trashedInput = await registerArtifact(svc, "old-input", { size: 7 });
  const parent = await trackRun(svc, "pipeline", {
    params: {
      alpha: 0.5,
      steps: 3,
      label: "first",
      debug: true,
      when: "2026-01-02",
      at: "2026-01-02T03:04:05.678Z",
      config: { b: 1, a: [1, 2], huge: 1e21, third: 1 / 3, text: 'tab\tquote"é\u0001' },
      ids: [3, 1, 2],
      third: 1 / 3,
      tiny: 1e-7,
    },
    defineMissingParams: true,
    inputArtifactUids: [reference, trashedInput],
    reference: "nextflow-123",
    referenceType: "nextflow",
  });
  const outputs: string[] = [];
  for (let i = 0; i < 3; i++) outputs.push(await registerArtifact(svc, `out-${i}`, { runUid: parent, key: `results/out-${i}.parquet`, nObjects: i }));
  await gqlOk(`mutation($u: String!) { deleteArtifact(uid: $u) { uid } }`, { u: trashedInput });
  await gqlOk(`mutation($u: String!) { deleteArtifact(uid: $u) { uid } }`, { u: outputs[2] });
  const report = await registerArtifact(svc, "report", { key: "report.html" });
  const environment = await registerArtifact(svc, "env", { key: "env.txt" });
  await gqlOk(`mutation($u: String!, $r: String!, $e: String!) { finishRun(input: { uid: $u, status: ERRORED, report: $r, environment: $e }) { uid } }`, {
    u: parent,
    r: report,
    e: environment,
  });
  const collection = await gqlOk(
    `mutation($a: [String!]!, $r: String!, $m: String!) { createCollection(input: { key: "cohort", artifactUids: $a, runUid: $r, metaArtifactUid: $m }) { uid } }`,
    {
      a: [outputs[1], outputs[0]],
      r: parent,
      m: report,
    },
  );
  await gqlOk(`mutation($a: String!) { addParamValues(input: { artifactUid: $a, values: { score: 0.9, tag: "x" }, defineMissing: true }) { artifactUid } }`, {
    a: outputs[0],
  });
  for (let i = 0; i < 12; i++) {
    await trackRun(svc, `step-${i % 3}`, {
      params: { alpha: i / 10, steps: i, label: `l${i}` },
      initiatedByRunUid: parent,
      inputArtifactUids: [outputs[i % 2]],
      inputCollectionUids: i === 0 ? [collection.createCollection.uid] : [],
    });
  }
  await trackRun(svc, "pipeline", { transform: { name: "pipeline", version: "2" } });
  await gqlOk(`mutation($u: String!) { deleteRun(uid: $u) { uid } }`, { u: await trackRun(svc, "discarded") });
});
afterAll(async () => svc?.stop());

const RUN = `id uid status startedAt finishedAt isConsecutive reference referenceType createdAt trashedAt params
  transform { id uid name key description type sourceCode hash reference referenceType version isLatest createdAt updatedAt trashedAt createdBy { id uid handle name createdAt updatedAt } }
  createdBy { handle }
  report { uid key storage { uid root type region description createdAt createdBy { handle } } }
  environment { uid key }
  initiatedBy { uid transform { name } }`;

const ARTIFACT = `id uid key description suffix type otype size hash hashType nObjects nObservations version isLatest createdAt updatedAt trashedAt params
  run { uid status } storage { root } createdBy { handle }`;

const COLLECTION = `id uid key name description hash reference referenceType version isLatest createdAt updatedAt trashedAt
  metaArtifact { uid } run { uid } artifacts { uid key } createdBy { handle }`;

describe("answers built in the database", () => {
  it("knows only fields the schema has, each answered from a column or relation of its type", async () => {
    const { schema } = await import("../../src/schema/index.ts");
    for (const [model, fields] of Object.entries(CATALOGUE)) {
      const type = schema.getType(model) as GraphQLObjectType;
      for (const name of Object.keys(fields)) expect(type.getFields()[name], `${model}.${name}`).toBeDefined();
    }
  });

  it("answers a dashboard page as the resolvers do, in one statement and the count", async () => {
    const query = `{ runs(first: 20) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { ${RUN}
        inputArtifacts { ${ARTIFACT} } outputArtifacts { ${ARTIFACT} }
        allInputs: inputArtifacts(includeTrashed: true) { uid trashedAt } allOutputs: outputArtifacts(includeTrashed: true) { uid }
        inputCollections { ${COLLECTION} } outputCollections { ${COLLECTION} } } } } }`;
    const { ours, theirs, planned, statements } = await both(query);
    expect(JSON.parse(ours.text).errors).toBeUndefined();
    expect(ours.text).toBe(theirs.text);
    expect(planned).toBe(true);
    // the page's ids and its records in one statement, the count
    expect(statements).toBe(2);
    const runs = JSON.parse(ours.text).data.runs.edges.map((edge: { node: unknown }) => edge.node);
    const first = runs.find((run: { transform: { name: string }; status: string }) => run.status === "ERRORED");
    expect(first.params).toMatchObject({
      alpha: 0.5,
      at: "2026-01-02T03:04:05.678Z",
      debug: true,
      ids: [3, 1, 2],
      label: "first",
      steps: 3,
      third: 1 / 3,
      tiny: 1e-7,
    });
    expect(first.inputArtifacts.map((a: { size: unknown }) => a.size)).toEqual(["1234567890123456789"]);
    expect(first.allInputs).toHaveLength(2);
    expect(first.outputArtifacts).toHaveLength(2);
    expect(first.allOutputs).toHaveLength(3);
    expect(first.outputCollections[0].artifacts).toHaveLength(2);
  });

  it("answers the artifact, transform, collection and user lists as the resolvers do", async () => {
    expect(await expectSame(`{ artifacts(first: 50, filter: { visibility: ALL }) { edges { node { ${ARTIFACT} } } } }`)).toBe(true);
    expect(
      await expectSame(
        `{ transforms(orderBy: { field: NAME, direction: ASC }) { edges { node { id uid name version isLatest type createdBy { handle } } } } }`,
      ),
    ).toBe(true);
    expect(await expectSame(`{ collections { totalCount edges { node { ${COLLECTION} } } } }`)).toBe(true);
    expect(await expectSame(`{ users { edges { node { id uid handle name createdAt updatedAt } } } }`)).toBe(true);
  });

  it("follows the pages, orders and filters of the lists", async () => {
    const page = `query($first: Int, $last: Int, $after: String, $before: String, $filter: RunFilter, $orderBy: RunOrderBy) {
      runs(first: $first, last: $last, after: $after, before: $before, filter: $filter, orderBy: $orderBy) {
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { uid startedAt status params } } } }`;
    const first = JSON.parse((await both(page, { first: 4 })).ours.text).data.runs;
    const cases: Record<string, unknown>[] = [
      { first: 4 },
      { first: 4, after: first.pageInfo.endCursor },
      { last: 3 },
      { last: 2, before: first.pageInfo.endCursor },
      { first: 2, last: 2 },
      { first: 5, orderBy: { field: "STARTED_AT", direction: "ASC" } },
      { filter: { status: ["ERRORED"] } },
      { filter: { params: [{ name: "alpha", gte: 0.5 }] }, orderBy: { field: "ID", direction: "ASC" } },
      { filter: { transformName: { startsWith: "step" } }, first: 3 },
      { filter: { visibility: "TRASH" } },
      { filter: { createdBy: "nobody" } },
    ];
    for (const variables of cases) {
      const { ours, theirs, planned } = await both(page, variables);
      expect(ours.text, JSON.stringify(variables)).toBe(theirs.text);
      const { data, errors } = JSON.parse(ours.text);
      expect(errors).toBeUndefined();
      expect(data.runs).toBeDefined();
      expect(planned, JSON.stringify(variables)).toBe(true);
    }
  });

  it("reads a page's ids with a statement of its own, the same rows as Prisma's, for each filter, order and cursor of the lists", async () => {
    // Prisma writes `main`.`Run` on SQLite and "public"."Run" on PostgreSQL; the planner's own
    // statement names the bare table, as the subquery of the records' statement (or alone where
    // the page has no records to build).
    const ownIds = (statements: string[]) => statements.some((sql) => /(^|ARRAY\(|json_group_array\(id\) FROM \()SELECT id FROM "\w+"/.test(sql));
    const { runs } = await gqlOk(`{ runs(first: 20, filter: { initiatedByRunUid: null }) { edges { node { uid transform { uid } initiatedBy { uid } } } } }`);
    const step = runs.edges.find((edge: { node: { initiatedBy: unknown } }) => edge.node.initiatedBy).node;
    const { artifacts } = await gqlOk(`{ artifacts(first: 1, filter: { key: { startsWith: "results/" } }) { edges { node { uid run { uid } } } } }`);
    const output = artifacts.edges[0].node;
    const lists: Record<string, { filter: string; orderBy: string; fields: string; cases: Record<string, unknown>[] }> = {
      runs: {
        filter: "RunFilter",
        orderBy: "RunOrderBy",
        fields: "uid status",
        cases: [
          { filter: { status: ["ERRORED", "STARTED"] } },
          { filter: { status: [] } },
          { filter: { startedAt: { gte: "2020-01-01T00:00:00Z", lt: "2100-01-01T00:00:00.000Z" } } },
          { filter: { finishedAt: { gte: "2020-01-01T00:00:00Z" } } },
          { filter: { createdAt: { lt: "2000-01-01T00:00:00Z" } } },
          { filter: { transformUid: step.transform.uid } },
          { filter: { transformUid: step.transform.uid.slice(0, 16) } },
          { filter: { initiatedByRunUid: step.initiatedBy.uid, status: ["STARTED"] } },
          { filter: { reference: "nextflow-123", referenceType: "nextflow" } },
          { filter: { createdBy: svc.user.handle, visibility: "ALL" } },
          { filter: { transformType: ["pipeline"] }, orderBy: { field: "FINISHED_AT", direction: "ASC" } },
          { first: 3, orderBy: { field: "FINISHED_AT", direction: "DESC" } },
          { first: 3, orderBy: { field: "STARTED_AT", direction: "ASC" }, after: "cursor" },
          { last: 3, orderBy: { field: "STARTED_AT", direction: "DESC" }, before: "cursor" },
          { last: 4, orderBy: { field: "CREATED_AT", direction: "ASC" } },
        ],
      },
      artifacts: {
        filter: "ArtifactFilter",
        orderBy: "ArtifactOrderBy",
        fields: "key version",
        cases: [
          { filter: { key: { contains: "OUT-1" } } },
          { filter: { key: { startsWith: "results/", contains: "%" } } },
          { filter: { key: { equals: "report.html" }, isLatest: true } },
          { filter: { runUid: output.run.uid, suffix: ".parquet" } },
          { filter: { transformUid: step.transform.uid.slice(0, 16), visibility: "ALL" } },
          { filter: { storageRoot: "nowhere" } },
          { filter: { type: ["dataset"], otype: "DataFrame" } },
          { filter: { visibility: "TRASH" }, orderBy: { field: "KEY", direction: "ASC" } },
          { first: 2, orderBy: { field: "CREATED_AT", direction: "ASC" }, after: "cursor" },
          { last: 2, orderBy: { field: "UPDATED_AT", direction: "DESC" }, before: "cursor" },
        ],
      },
      transforms: {
        filter: "TransformFilter",
        orderBy: "TransformOrderBy",
        fields: "name version isLatest",
        cases: [
          { filter: { name: { startsWith: "step" } }, orderBy: { field: "NAME", direction: "ASC" } },
          { filter: { isLatest: false } },
          { filter: { version: "2", type: ["pipeline"] } },
          { first: 2, after: "cursor" },
        ],
      },
      collections: {
        filter: "CollectionFilter",
        orderBy: "CollectionOrderBy",
        fields: "key",
        cases: [{ filter: { runUid: output.run.uid, key: { equals: "cohort" } } }, { filter: { isLatest: true }, last: 1 }],
      },
      users: {
        filter: "UserFilter",
        orderBy: "UserOrderBy",
        fields: "handle",
        cases: [{ filter: { handle: { contains: svc.user.handle.slice(1).toUpperCase() } } }, { filter: { name: { equals: "nobody" } } }],
      },
    };
    for (const [list, { filter, orderBy, fields, cases }] of Object.entries(lists)) {
      const page = `query($first: Int, $last: Int, $after: String, $before: String, $filter: ${filter}, $orderBy: ${orderBy}) {
        ${list}(first: $first, last: $last, after: $after, before: $before, filter: $filter, orderBy: $orderBy) {
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ${fields} } } } }`;
      for (const variables of cases) {
        if (variables.after || variables.before) {
          // a cursor from the middle of the same order
          const start = JSON.parse((await both(page, { first: 3, orderBy: variables.orderBy })).ours.text).data[list];
          variables[variables.after ? "after" : "before"] = start.edges.at(-1)?.cursor ?? start.pageInfo.endCursor;
        }
        const { ours, theirs, sql } = await both(page, variables);
        expect(ours.text, `${list} ${JSON.stringify(variables)}`).toBe(theirs.text);
        expect(JSON.parse(ours.text).errors).toBeUndefined();
        expect(ownIds(sql), `${list} ${JSON.stringify(variables)}`).toBe(true);
      }
    }
    // Prisma reads these pages: a filter on params, and a cursor in an order on a column that may
    // be NULL (Prisma finds the cursor's row among the rows it read)
    const finished = `query($after: String, $before: String, $last: Int, $direction: OrderDirection!) {
      runs(first: 2, after: $after, before: $before, last: $last, orderBy: { field: FINISHED_AT, direction: $direction }) { edges { cursor node { uid } } } }`;
    const middle = JSON.parse((await both(`{ runs(first: 3, orderBy: { field: FINISHED_AT, direction: ASC }) { edges { cursor } } }`)).ours.text).data.runs
      .edges[2].cursor;
    for (const [query, variables] of [
      [`{ runs(filter: { params: [{ name: "alpha", gte: 0.5 }] }) { edges { node { uid } } } }`, undefined],
      [finished, { after: middle, direction: "ASC" }],
      [finished, { after: middle, direction: "DESC" }],
    ] as const) {
      const { ours, theirs, sql } = await both(query, variables);
      expect(ours.text).toBe(theirs.text);
      expect(ownIds(sql)).toBe(false);
    }
  });

  it("sends the answer over HTTP as the resolvers' text, with its length, in each media type a client may ask for", async () => {
    // On SQLite the records reach the answer as bytes and the answer goes out as bytes
    // (pages/json-parts.ts); a client sees the same text, whatever it accepts, also where a
    // character takes several bytes and where an id needs three.
    const next = 100_000; // 0x186a0: bytes past ASCII in a binary integer
    if (svc.db.provider === "postgresql") await svc.db.prisma.$queryRawUnsafe(`SELECT setval('"Run_id_seq"', ${next})`);
    else await svc.db.prisma.$executeRawUnsafe(`UPDATE sqlite_sequence SET seq = ${next} WHERE name = 'Run'`);
    await trackRun(svc, "étape ✓ 😀");
    await trackRun(svc, "after the gap");
    const server = createServer((request, response) => void svc.yoga(request, response));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
      const query = `{ runs(first: 10) { edges { cursor node { id uid status params transform { name } inputArtifacts { key } } } } }`;
      const expected = (await answer(resolvers, query)).text;
      for (const accept of ["application/graphql-response+json", "application/json", "*/*"]) {
        let text = "";
        let length = "";
        const { statements } = await svc.countStatements(async () => {
          const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", accept }, body: JSON.stringify({ query }) });
          text = await response.text();
          length = response.headers.get("content-length") ?? "";
        });
        expect(planned(statements), accept).toBe(true);
        expect(text, accept).toBe(expected);
        expect(JSON.parse(text).data.runs.edges[0].node.id, accept).toBeGreaterThan(next);
        expect(Number(length), accept).toBe(Buffer.byteLength(text));
      }
      // an event stream writes the result as its data
      const stream = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream" },
        body: JSON.stringify({ query }),
      });
      expect(await stream.text()).toContain(`data: ${expected}`);
    } finally {
      server.close();
    }
  });

  it("reads fragments, aliases, repeated fields, @skip and @include and __typename as the executor does", async () => {
    const query = `query($withParams: Boolean!, $skipKey: Boolean!) {
      __typename
      latest: runs(first: 3) { __typename edges { __typename node { ...RunBits ... on Run { uid transform { name } } transform { uid } params @include(if: $withParams) } } }
      files: artifacts(first: 2) { pageInfo { __typename hasNextPage } capped: totalCountCapped(max: 2) { __typename count more } exact: totalCount edges { node { __typename key @skip(if: $skipKey) k: key } } }
    }
    fragment RunBits on Run { id __typename status created: createdAt }`;
    for (const variables of [
      { withParams: true, skipKey: false },
      { withParams: false, skipKey: true },
    ]) {
      expect(await expectSame(query, variables)).toBe(true);
    }
  });

  it("leaves to the resolvers what it does not cover, with the same answer", async () => {
    const queries = [
      `{ runs(first: 3) { edges { node { uid paramValues { value } } } } }`,
      `{ runs(first: 3) { edges { node { uid transform { versions { uid } } } } } }`,
      `{ run(uid: "x") { uid } }`,
      `{ runs(first: 2) { edges { node { uid } } } a: runs(first: 2) { edges { node { status } } } me { handle } }`,
    ];
    for (const query of queries) {
      const { ours, theirs, planned } = await both(query);
      expect(ours.text).toBe(theirs.text);
      expect(planned, query).toBe(false);
    }
  });

  it("refuses what the resolvers refuse, with their errors", async () => {
    for (const [query, variables] of [
      [`{ runs(first: 100000) { edges { node { uid } } } }`, undefined],
      [`{ runs(first: 2, before: "R1BDOk46MQ==") { edges { node { uid } } } }`, undefined],
      [`{ runs(first: -1) { edges { node { uid } } } }`, undefined],
      [`{ runs { totalCountCapped(max: 0) { count } } }`, undefined],
      [`query($f: RunFilter) { runs(filter: $f) { edges { node { uid } } } }`, { f: { params: [{ name: "alpha", gte: "high" }] } }],
      [`{ runs(orderBy: { field: NOPE }) { edges { node { uid } } } }`, undefined],
    ] as const) {
      const { ours, theirs } = await both(query, variables);
      expect(JSON.parse(ours.text).errors?.length, query).toBeGreaterThan(0);
      expect(ours, query).toEqual(theirs);
    }
  });

  it("issues the same number of statements for a page of 3 as for 13", async () => {
    const page = `query($n: Int!) { runs(first: $n) { edges { node { ${RUN} inputArtifacts { uid } outputArtifacts { uid } inputCollections { uid } } } } }`;
    const small = await both(page, { n: 3 });
    const large = await both(page, { n: 13 });
    expect(small.planned && large.planned).toBe(true);
    expect(JSON.parse(large.ours.text).data.runs.edges).toHaveLength(13);
    expect(large.statements).toBe(small.statements);
  });

  it("plans only for callers with read: a write-only token is refused as before", async () => {
    const writer = (await createToken(svc.db, { userHandle: svc.user.handle, scopes: ["write"] })).secret;
    const reader = (await createToken(svc.db, { userHandle: svc.user.handle, scopes: ["read"] })).secret;
    const tokenApp = appOnService({ auth: "token" });
    const query = `{ runs(first: 2) { edges { node { uid } } } }`;
    const refused = await svc.countStatements(() => answer(tokenApp, query, undefined, { authorization: `Bearer ${writer}` }));
    const denied = await answer(tokenApp, query, undefined, { authorization: `Bearer ${writer}` });
    expect(JSON.parse(denied.text).errors[0].extensions.code).toBe("FORBIDDEN");
    expect(planned(refused.statements)).toBe(false);
    const allowed = await svc.countStatements(() => answer(tokenApp, query, undefined, { authorization: `Bearer ${reader}` }));
    expect(planned(allowed.statements)).toBe(true);
  });

  it("answers content hashes and keys exactly as stored", async () => {
    // a key with quotes, backslashes and non-ASCII text travels through the database's JSON
    const key = `odd "key" with 'quotes', ünïcode ✓ and emoji 🧬.txt`;
    await registerArtifact(svc, "odd", { key, hash: contentHash("odd-key") });
    expect(await expectSame(`{ artifacts(first: 100, filter: { visibility: ALL }) { edges { node { key hash suffix } } } }`)).toBe(true);
  });
});
