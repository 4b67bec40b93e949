// The OpenLineage routes run the ingestion without the GraphQL layer: what a GraphQL request
// gets on its way — the request log, metrics, CSRF prevention, the body limit on a body without
// Content-Length, the token check — must still apply, and a token trusted for a moment must stop
// working the moment it is revoked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken, createUser, revokeToken } from "../../../src/auth/accounts.ts";
import { createLogger } from "../../../src/log.ts";
import { startTestService, type TestService } from "../../harness.ts";
import { postEvent, runEvent } from "./helpers.ts";

const event = (runId: string) => runEvent("direct", runId);

describe("OpenLineage routes without the GraphQL layer", () => {
  let svc: TestService;
  const logged: Record<string, any>[] = [];
  const tokens: Record<string, { secret: string; uid: string }> = {};
  const bearer = (name: string) => ({ authorization: `Bearer ${tokens[name].secret}` });
  beforeAll(async () => {
    svc = await startTestService({ auth: "token", limits: { maxBodyBytes: 20_000 }, logger: createLogger("info", (line) => logged.push(JSON.parse(line))) });
    await createUser(svc.db, { handle: "spark" });
    for (const [name, scopes] of [
      ["write", "write"],
      ["read", "read"],
      ["revoked", "write"],
    ]) {
      const { secret, token } = await createToken(svc.db, { userHandle: "spark", scopes });
      tokens[name] = { secret, uid: token.uid };
    }
  });
  afterAll(async () => svc?.stop());

  const requestLine = (requestId: string) => logged.find((line) => line.msg === "request" && line.requestId === requestId);

  it("logs each request with its own path, the operation, the user and the refusal's code", async () => {
    expect((await postEvent(svc, event("log-1"), { ...bearer("write"), "x-request-id": "ol-log-1" })).status).toBe(200);
    expect(requestLine("ol-log-1")).toMatchObject({ path: "/api/v1/lineage", status: 200, operationName: "IngestOpenLineage", user: "spark" });
    expect((await postEvent(svc, event("log-2"), { ...bearer("read"), "x-request-id": "ol-log-2" })).status).toBe(403);
    expect(requestLine("ol-log-2")).toMatchObject({ status: 403, operationName: "IngestOpenLineage", errorCodes: ["FORBIDDEN"] });
    const anonymous = await postEvent(svc, event("log-3"), { "x-request-id": "ol-log-3" });
    expect(anonymous.headers.get("x-request-id")).toBe("ol-log-3");
    expect(requestLine("ol-log-3")).toMatchObject({ status: 401, errorCodes: ["UNAUTHENTICATED"] });
    expect(requestLine("ol-log-3")?.operationName).toBeUndefined();
  });

  it("counts requests, their durations and refusals in /metrics as GraphQL executions", async () => {
    await postEvent(svc, event("metrics-1"), bearer("write"));
    await postEvent(svc, event("metrics-2"), bearer("read"));
    await postEvent(svc, event("metrics-3"));
    const metrics = await (await svc.yoga.fetch("http://localhost/metrics")).text();
    const name = 'operationName="IngestOpenLineage",operationType="mutation"';
    expect(metrics).toMatch(new RegExp(`graphql_yoga_http_duration_count\\{${name},method="POST",statusCode="200"\\} [1-9]`));
    expect(metrics).toMatch(new RegExp(`graphql_yoga_http_duration_count\\{${name},method="POST",statusCode="403"\\} [1-9]`));
    expect(metrics).toMatch(new RegExp(`graphql_envelop_phase_execute_count\\{${name}\\} [1-9]`));
    expect(metrics).toMatch(new RegExp(`graphql_envelop_error_result\\{${name},phase="execute"\\} [1-9]`));
    expect(metrics).toMatch(/graphql_envelop_error_result\{operationType="mutation",phase="context"\} [1-9]/);
  });

  it("refuses a body a browser may send cross-site without preflight unless it carries the CSRF header", async () => {
    const before = await svc.snapshot();
    const plain = await svc.yoga.fetch("http://localhost/api/v1/lineage", {
      method: "POST",
      headers: { "content-type": "text/plain", ...bearer("write") },
      body: JSON.stringify(event("csrf-1")),
    });
    expect(plain.status).toBe(403);
    expect(await svc.snapshot()).toEqual(before);
    const marked = await svc.yoga.fetch("http://localhost/api/v1/lineage", {
      method: "POST",
      headers: { "content-type": "text/plain", "x-graphql-yoga-csrf": "1", ...bearer("write") },
      body: JSON.stringify(event("csrf-1")),
    });
    expect(marked.status).toBe(200);
  });

  it("applies the body limit to a body sent without Content-Length", async () => {
    const before = await svc.snapshot();
    const big = JSON.stringify(Array.from({ length: 200 }, (_, i) => event(`chunked-${i}`)));
    const chunks = [big.slice(0, 10_000), big.slice(10_000)];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(next));
      },
    });
    const answer = await svc.yoga.fetch("http://localhost/api/v1/lineage/batch", {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer("write") },
      body,
      duplex: "half",
    } as RequestInit);
    expect(answer.status).toBe(413);
    expect((await answer.json()).errors[0].extensions.code).toBe("LIMIT_EXCEEDED");
    expect(await svc.snapshot()).toEqual(before);
  });

  it("reads a token once for several requests, and refuses it at once when it is revoked", async () => {
    expect((await postEvent(svc, event("trust-1"), bearer("revoked"))).status).toBe(200);
    const again = await svc.countStatements(() => postEvent(svc, event("trust-2"), bearer("revoked")));
    expect(again.statements.filter((sql) => /"ApiToken"/.test(sql))).toEqual([]);
    await revokeToken(svc.db, tokens.revoked.uid);
    const before = await svc.snapshot();
    const refused = await postEvent(svc, event("trust-3"), bearer("revoked"));
    expect(refused.status).toBe(401);
    expect(refused.body.errors[0]).toMatchObject({ message: "token revoked", extensions: { code: "UNAUTHENTICATED" } });
    expect(await svc.snapshot()).toEqual(before);
  });
});
