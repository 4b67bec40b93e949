// GraphQL-over-HTTP conformance: graphql-http's server audit against the running service on a
// loopback port, with the production settings on (limits, CSRF prevention, masked errors) —
// once with authentication off and once with a bearer token on every audit request.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { auditServer, type AuditResult } from "graphql-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken } from "../../src/auth/accounts.ts";
import { startTestService, type TestService } from "../harness.ts";

// CSRF prevention deliberately refuses GET requests that carry neither a JSON content type
// nor the x-graphql-yoga-csrf header, which three optional (MAY) audits send; they come back
// as notices. Every MUST and SHOULD audit passes.
const REFUSED_BY_CSRF_PREVENTION = [
  "MAY accept application/x-www-form-urlencoded formatted GET requests",
  "MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/graphql-response+json",
  "MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/json",
];

// With introspection switched off (--no-introspection), two audits fail by construction: they
// send `query ($name: String) { __type(name: $name) { name } }` to check variables, and the
// service refuses __type. They are the only ones.
const REFUSED_WITHOUT_INTROSPECTION = [
  "SHOULD allow map {variables} parameter when accepting application/graphql-response+json",
  "MUST allow map {variables} parameter when accepting application/json",
];

async function listen(svc: TestService): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => void svc.yoga(request, response));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` };
}

function summarise(results: AuditResult[]) {
  const failing = results
    .filter((result) => result.status === "error" || result.status === "warn")
    .map((result) => `${result.status}: ${result.name} — ${"reason" in result ? result.reason : ""}`);
  const notices = results.filter((result) => result.status === "notice").map((result) => result.name);
  return { failing, notices };
}

describe.each([
  ["auth off", "off"],
  ["auth token", "token"],
] as const)("graphql-http server audit, %s", (_label, auth) => {
  let svc: TestService;
  let server: Server;
  let url: string;
  let fetchFn: typeof fetch = fetch;
  beforeAll(async () => {
    svc = await startTestService({ auth });
    ({ server, url } = await listen(svc));
    if (auth === "token") {
      const { secret } = await createToken(svc.db, { userHandle: "local", scopes: "read" });
      fetchFn = (input, init) => {
        const headers = new Headers(init?.headers);
        headers.set("authorization", `Bearer ${secret}`);
        return fetch(input, { ...init, headers });
      };
    }
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await svc?.stop();
  });

  it("passes every MUST and SHOULD audit", async () => {
    const results = await auditServer({ url, fetchFn });
    expect(results.length).toBeGreaterThanOrEqual(60);
    const { failing, notices } = summarise(results);
    expect(failing).toEqual([]);
    expect(notices.sort()).toEqual([...REFUSED_BY_CSRF_PREVENTION].sort());
  });
});

describe("graphql-http server audit, introspection off", () => {
  let svc: TestService;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    svc = await startTestService({ introspection: false });
    ({ server, url } = await listen(svc));
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await svc?.stop();
  });

  it("fails only the two audits that need __type", async () => {
    const { failing, notices } = summarise(await auditServer({ url }));
    expect(failing.map((line) => line.replace(/^\w+: /, "").replace(/ — .*$/, "")).sort()).toEqual([...REFUSED_WITHOUT_INTROSPECTION].sort());
    expect(notices.sort()).toEqual([...REFUSED_BY_CSRF_PREVENTION].sort());
  });
});
