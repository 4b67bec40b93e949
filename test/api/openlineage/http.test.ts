// The OpenLineage HTTP API: authentication and the write scope, bad input, gzip, the batch
// answer with partial success, and the same host, origin, body-limit and metrics treatment
// as GraphQL requests.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken, createUser } from "../../../src/auth/accounts.ts";
import { ok, startTestService, type TestService } from "../../harness.ts";
import { post, postBatch, postEvent, runEvent } from "./helpers.ts";

const event = (runId: string, eventType = "COMPLETE") => runEvent("http", runId, eventType);

describe("OpenLineage HTTP API under token authentication", () => {
  let svc: TestService;
  const tokens: Record<string, string> = {};
  const bearer = (name: string) => ({ authorization: `Bearer ${tokens[name]}` });
  beforeAll(async () => {
    svc = await startTestService({ auth: "token", limits: { maxBodyBytes: 20_000 } });
    await createUser(svc.db, { handle: "airflow" });
    tokens.write = (await createToken(svc.db, { userHandle: "airflow", scopes: "write" })).secret;
    tokens.read = (await createToken(svc.db, { userHandle: "airflow", scopes: "read" })).secret;
    tokens.admin = (await createToken(svc.db, { userHandle: "airflow", scopes: "read,write,admin" })).secret;
  });
  afterAll(async () => svc?.stop());

  it("answers 401 without a token and 403 without the write scope, writing nothing", async () => {
    const before = await svc.snapshot();
    const anonymous = await postEvent(svc, event("auth-1"));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toContain("Bearer");
    expect(anonymous.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    const readOnly = await postBatch(svc, [event("auth-1")], bearer("read"));
    expect(readOnly.status).toBe(403);
    expect(readOnly.body.errors[0].extensions.code).toBe("FORBIDDEN");
    expect((await postEvent(svc, event("auth-1"), { authorization: "Bearer nope" })).status).toBe(401);
    expect(await svc.snapshot()).toEqual(before);
  });

  it("accepts a write token, as the token's user", async () => {
    const answer = await postEvent(svc, event("auth-2"), bearer("write"));
    expect(answer.status).toBe(200);
    const run = ok(
      await svc.gql(`query($uid: String!) { run(uid: $uid) { reference createdBy { handle } } }`, { uid: answer.body.runUid }, bearer("admin")),
    ).run;
    expect(run).toEqual({ reference: "auth-2", createdBy: { handle: "airflow" } });
  });

  it("refuses invalid JSON, a batch that is no array and a wrong method with 400/405", async () => {
    const before = await svc.snapshot();
    const invalid = await post(svc, "/api/v1/lineage", "{ not json", bearer("write"), { raw: true });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].message).toContain("not valid JSON");
    expect((await post(svc, "/api/v1/lineage/batch", event("x"), bearer("write"))).status).toBe(400);
    const get = await svc.yoga.fetch("http://localhost/api/v1/lineage", { headers: bearer("write") });
    expect(get.status).toBe(405);
    expect(await svc.snapshot()).toEqual(before);
  });

  it("refuses an event that cannot be placed with 400 naming the missing path, and writes nothing", async () => {
    const before = await svc.snapshot();
    for (const [broken, path] of [
      [{ ...event("bad"), run: {} }, "run.runId"],
      [{ ...event("bad"), job: { namespace: "http" } }, "job.name"],
      [{ ...event("bad"), job: { name: "x" } }, "job.namespace"],
      [{ ...event("bad"), inputs: [{ namespace: "s3://http" }] }, "inputs[0].name"],
      [{ ...event("bad"), outputs: [{ name: "x" }] }, "outputs[0].namespace"],
      [{ ...event("bad"), eventTime: "yesterday" }, "eventTime"],
    ] as const) {
      const answer = await postEvent(svc, broken, bearer("write"));
      expect(answer.status, path).toBe(400);
      expect(answer.body.errors[0].extensions).toMatchObject({ code: "VALIDATION_FAILED", field: path });
      expect(answer.body.errors[0].message).toContain(path);
    }
    expect(await svc.snapshot()).toEqual(before);
  });

  it("accepts a gzip body (the Python client's compression) and refuses other encodings", async () => {
    const answer = await post(svc, "/api/v1/lineage/batch", [event("gzip-1", "START"), event("gzip-1")], bearer("write"), { gzip: true });
    expect(answer.body).toMatchObject({ status: "success", summary: { received: 2, successful: 2 } });
    const runs = ok(await svc.gql(`{ runs(filter: { reference: "gzip-1" }) { edges { node { status } } } }`, {}, bearer("admin"))).runs.edges;
    expect(runs).toEqual([{ node: { status: "COMPLETED" } }]);
    const brotli = await post(svc, "/api/v1/lineage", event("br"), { ...bearer("write"), "content-encoding": "br" });
    expect(brotli.status).toBe(415);
  });

  it("answers a batch with partial success: one bad event does not fail the others", async () => {
    const answer = await postBatch(svc, [event("batch-1"), { ...event("batch-x"), run: {} }, event("batch-2"), "not an event"], bearer("write"));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      status: "partial_success",
      summary: { received: 4, successful: 2, failed: 2, retriable: 0, non_retriable: 2 },
      failed_events: [
        { index: 1, reason: expect.stringContaining("run.runId"), retriable: false },
        { index: 3, reason: expect.stringContaining("event"), retriable: false },
      ],
    });
    const runs = ok(await svc.gql(`{ runs(filter: { referenceType: "openlineage" }, first: 100) { edges { node { reference } } } }`, {}, bearer("admin"))).runs
      .edges;
    const references = runs.map((edge: { node: { reference: string } }) => edge.node.reference);
    expect(references).toEqual(expect.arrayContaining(["batch-1", "batch-2"]));
    expect(references).not.toContain("batch-x");
  });

  it("applies the body limit, decompressed bodies included", async () => {
    const big = Array.from({ length: 200 }, (_, i) => event(`big-${i}`));
    expect((await postBatch(svc, big, bearer("write"))).status).toBe(413);
    const zipped = await post(svc, "/api/v1/lineage/batch", big, bearer("write"), { gzip: true });
    expect(zipped.status).toBe(413);
  });

  it("refuses foreign browser origins like GraphQL does, and counts requests in /metrics", async () => {
    expect((await postEvent(svc, event("origin"), { ...bearer("write"), origin: "https://evil.example" })).status).toBe(403);
    const metrics = await (await svc.yoga.fetch("http://localhost/metrics")).text();
    expect(metrics).toMatch(/graphql_envelop_request\{operationName="IngestOpenLineage"/);
  });

  it("offers the same ingestion as the GraphQL mutation ingestOpenLineage", async () => {
    const result = ok(
      await svc.gql(
        `mutation($events: [JSON!]!) { ingestOpenLineage(events: $events) { index status reason field retriable runUid } }`,
        { events: [event("gql-1"), { run: {} }] },
        bearer("write"),
      ),
    ).ingestOpenLineage;
    expect(result[0]).toMatchObject({ index: 0, status: "success", retriable: false });
    expect(result[1]).toMatchObject({ index: 1, status: "failed", field: "run.runId", retriable: false });
  });
});
