// Browser-facing edges through yoga.fetch: CORS is closed except for the service's own origin
// and the configured ones, and with authentication off only loopback and configured Host
// names are served (DNS rebinding). Refusals happen before anything runs, on every route.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken } from "../../src/auth/accounts.ts";
import { runServerToExit } from "../helpers/server-process.ts";
import { expectError, ok, startTestService, TEST_DB, type TestService } from "../harness.ts";

const DEFINE = `mutation($name: String!) { defineParam(input: { name: $name, dtype: "int" }) { name } }`;
const PARAM = `query($name: String!) { param(name: $name) { name } }`;
const FOREIGN = "https://evil.example";
const ALLOWED = "https://app.example";

/** A request as a browser would send it: url decides the Host unless headers say otherwise. */
async function send(svc: TestService, url: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) {
  const method = init.method ?? (init.body === undefined ? "GET" : "POST");
  const response = await svc.yoga.fetch(url, {
    method,
    headers: { ...(init.body === undefined ? {} : { "content-type": "application/json" }), accept: "application/graphql-response+json", ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body };
}

const preflight = (origin: string, extra: Record<string, string> = {}) => ({
  method: "OPTIONS",
  headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type, authorization", ...extra },
});

const ROUTES: [string, { method?: string; headers?: Record<string, string>; body?: unknown }][] = [
  ["POST /graphql (mutation)", { body: { query: DEFINE, variables: { name: "refused" } } }],
  ["GET /graphql (query)", { headers: { "x-graphql-yoga-csrf": "1" } }],
  ["GET /graphql (GraphiQL page)", { headers: { accept: "text/html" } }],
  ["OPTIONS /graphql (preflight)", preflight("")],
  ["GET /health", {}],
  ["GET /ready", {}],
  ["GET /metrics", {}],
  ["GET /elsewhere", {}],
];
const routeUrl = (base: string, label: string) => {
  const path = label.split(" ")[1];
  return path === "/graphql" && label.startsWith("GET /graphql (query)")
    ? `${base}/graphql?query=${encodeURIComponent("{ params { totalCount } }")}`
    : `${base}${path}`;
};

describe("origins, default configuration (auth off)", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService();
  });
  afterAll(async () => svc?.stop());

  it("refuses a preflight from a foreign origin with 403 and no CORS headers", async () => {
    const answer = await send(svc, "http://127.0.0.1:4000/graphql", preflight(FOREIGN));
    expect(answer.status).toBe(403);
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
    expect(answer.headers.get("access-control-allow-credentials")).toBeNull();
    expect(answer.headers.get("access-control-allow-methods")).toBeNull();
    expectError(answer.body, "FORBIDDEN");
    expect(answer.body.errors[0].message).toContain(FOREIGN);
  });

  it("refuses a foreign origin's write before it runs: 403 FORBIDDEN, nothing written, no CORS echo", async () => {
    const before = await svc.snapshot();
    const answer = await send(svc, "http://127.0.0.1:4000/graphql", {
      headers: { origin: FOREIGN },
      body: { query: DEFINE, variables: { name: "cors_foreign" } },
    });
    expect(answer.status).toBe(403);
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
    expect(answer.headers.get("access-control-allow-credentials")).toBeNull();
    expect(answer.body.data).toBeUndefined();
    expectError(answer.body, "FORBIDDEN");
    expect(await svc.snapshot()).toEqual(before);
    expect(ok(await svc.gql(PARAM, { name: "cors_foreign" })).param).toBeNull();
  });

  it.each(ROUTES)("refuses a foreign origin on every route: %s", async (label, init) => {
    const headers = { ...init.headers, origin: FOREIGN };
    const answer = await send(svc, routeUrl("http://localhost:4000", label), { ...init, headers });
    expect(answer.status, label).toBe(403);
    expect(answer.headers.get("access-control-allow-origin"), label).toBeNull();
    expectError(answer.body, "FORBIDDEN");
  });

  it("refuses Origin: null (sandboxed frames, file: pages, opaque redirects)", async () => {
    const before = await svc.snapshot();
    const refused = await send(svc, "http://127.0.0.1:4000/graphql", {
      headers: { origin: "null" },
      body: { query: DEFINE, variables: { name: "cors_null" } },
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    expectError(refused.body, "FORBIDDEN");
    expect((await send(svc, "http://127.0.0.1:4000/graphql", preflight("null"))).status).toBe(403);
    expect(await svc.snapshot()).toEqual(before);
  });

  it("refuses an origin on another port or scheme of the same host", async () => {
    for (const origin of ["http://127.0.0.1:4001", "https://127.0.0.1:4000", "http://localhost:4000", "http://127.0.0.2:4000"]) {
      const answer = await send(svc, "http://127.0.0.1:4000/graphql", { headers: { origin }, body: { query: DEFINE, variables: { name: "cors_port" } } });
      expect(answer.status, origin).toBe(403);
      expectError(answer.body, "FORBIDDEN");
    }
    expect(ok(await svc.gql(PARAM, { name: "cors_port" })).param).toBeNull();
  });

  it("serves requests without an Origin header (curl, server-to-server) as before", async () => {
    const answer = await send(svc, "http://127.0.0.1:4000/graphql", { body: { query: DEFINE, variables: { name: "cors_none" } } });
    expect(answer.status).toBe(200);
    expect(answer.body.data.defineParam.name).toBe("cors_none");
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("serves the service's own origin (GraphiQL) on 127.0.0.1, localhost and [::1], any port", async () => {
    for (const [url, origin] of [
      ["http://127.0.0.1:4000/graphql", "http://127.0.0.1:4000"],
      ["http://localhost:51234/graphql", "http://localhost:51234"],
      ["http://[::1]:4000/graphql", "http://[::1]:4000"],
      ["http://localhost/graphql", "http://localhost"],
    ]) {
      const name = `cors_same_${new URL(url).port || "80"}_${new URL(url).hostname.replace(/\W/g, "")}`;
      const answer = await send(svc, url, { headers: { origin }, body: { query: DEFINE, variables: { name } } });
      expect(answer.status, url).toBe(200);
      expect(answer.body.data.defineParam.name, url).toBe(name);
      expect(answer.headers.get("access-control-allow-credentials"), url).toBeNull();
    }
    // The GraphiQL page itself, and a same-origin preflight.
    const page = await send(svc, "http://localhost:4000/graphql", { headers: { accept: "text/html", origin: "http://localhost:4000" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect((await send(svc, "http://localhost:4000/graphql", preflight("http://localhost:4000"))).status).toBe(204);
  });
});

describe("origins opened by configuration (corsOrigins)", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ corsOrigins: [ALLOWED, "http://localhost:5173"] });
  });
  afterAll(async () => svc?.stop());

  it("answers an allowed origin's preflight with its origin, methods and headers, without credentials", async () => {
    const answer = await send(svc, "http://127.0.0.1:4000/graphql", preflight(ALLOWED));
    expect(answer.status).toBe(204);
    expect(answer.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(answer.headers.get("access-control-allow-methods")).toMatch(/POST/);
    const allowedHeaders = answer.headers.get("access-control-allow-headers")?.toLowerCase() ?? "";
    for (const header of ["content-type", "authorization", "x-graphql-yoga-csrf"]) expect(allowedHeaders).toContain(header);
    expect(answer.headers.get("access-control-allow-credentials")).toBeNull();
    expect(answer.headers.get("vary")).toMatch(/origin/i);
  });

  it("serves an allowed origin's request with its origin echoed", async () => {
    const answer = await send(svc, "http://127.0.0.1:4000/graphql", {
      headers: { origin: "http://localhost:5173" },
      body: { query: DEFINE, variables: { name: "cors_allowed" } },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.data.defineParam.name).toBe("cors_allowed");
    expect(answer.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(answer.headers.get("access-control-allow-credentials")).toBeNull();
    expect(answer.headers.get("access-control-expose-headers")?.toLowerCase()).toContain("x-request-id");
  });

  it("still refuses other origins, and does not echo the allowed one to them", async () => {
    const before = await svc.snapshot();
    for (const origin of [FOREIGN, "https://app.example.evil.example", "http://app.example", "https://app.example:8443", "null"]) {
      const write = await send(svc, "http://127.0.0.1:4000/graphql", { headers: { origin }, body: { query: DEFINE, variables: { name: "cors_other" } } });
      expect(write.status, origin).toBe(403);
      expect(write.headers.get("access-control-allow-origin"), origin).toBeNull();
      const check = await send(svc, "http://127.0.0.1:4000/graphql", preflight(origin));
      expect(check.status, origin).toBe(403);
      expect(check.headers.get("access-control-allow-origin"), origin).toBeNull();
    }
    expect(await svc.snapshot()).toEqual(before);
  });
});

describe("hosts, auth off (DNS rebinding)", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ allowedHosts: ["registry.lan"] });
  });
  afterAll(async () => svc?.stop());

  it("answers a foreign Host with 421 before anything runs, on every route", async () => {
    const before = await svc.snapshot();
    for (const [label, init] of ROUTES) {
      const url = routeUrl("http://attacker.example:4000", label);
      const answer = await send(svc, url, { ...init, headers: { ...init.headers, origin: "http://attacker.example:4000" } });
      expect(answer.status, label).toBe(421);
      expect(answer.headers.get("access-control-allow-origin"), label).toBeNull();
      const error = expectError(answer.body, "MISDIRECTED_REQUEST");
      expect(error.message, label).toContain("attacker.example");
    }
    // Without an Origin (a page's own navigation after a rebind sends none) and via the Host header.
    const write = await send(svc, "http://127.0.0.1:4000/graphql", {
      headers: { host: "attacker.example:4000" },
      body: { query: DEFINE, variables: { name: "host_foreign" } },
    });
    expect(write.status).toBe(421);
    expectError(write.body, "MISDIRECTED_REQUEST");
    for (const host of [
      "attacker.example",
      "127.0.0.1.attacker.example",
      "localhost.attacker.example",
      "127.0.0.1@attacker.example",
      "10.0.0.5:4000",
      "[::2]:4000",
      "registry.lan.evil",
    ]) {
      const answer = await send(svc, "http://127.0.0.1:4000/graphql", { headers: { host }, body: { query: DEFINE, variables: { name: "host_foreign" } } });
      expect(answer.status, host).toBe(421);
    }
    expect(await svc.snapshot()).toEqual(before);
    expect(ok(await svc.gql(PARAM, { name: "host_foreign" })).param).toBeNull();
  });

  it("serves loopback names on any port, and the names given with allowedHosts", async () => {
    for (const host of [
      "127.0.0.1",
      "127.0.0.1:4000",
      "localhost:8080",
      "LOCALHOST",
      "[::1]:4000",
      "[::1]",
      "127.1.2.3:9",
      "registry.lan",
      "Registry.LAN:443",
    ]) {
      const name = `host_${host.replace(/\W/g, "_")}`;
      const answer = await send(svc, "http://127.0.0.1/graphql", { headers: { host }, body: { query: DEFINE, variables: { name } } });
      expect(answer.status, host).toBe(200);
      expect(answer.body.data.defineParam.name, host).toBe(name);
    }
    // Same-origin requests through an allowed name are same-origin there too.
    const answer = await send(svc, "http://registry.lan:4000/graphql", {
      headers: { origin: "http://registry.lan:4000" },
      body: { query: DEFINE, variables: { name: "host_lan_same_origin" } },
    });
    expect(answer.status).toBe(200);
    const health = await send(svc, "http://localhost:4000/health");
    expect(health.status).toBe(200);
  });
});

describe("hosts, auth token", () => {
  let open: TestService;
  let restricted: TestService;
  let tokenOpen: string;
  let tokenRestricted: string;
  beforeAll(async () => {
    open = await startTestService({ auth: "token" });
    restricted = await startTestService({ auth: "token", allowedHosts: ["registry.example.org"] });
    tokenOpen = (await createToken(open.db, { userHandle: "local", scopes: "read,write" })).secret;
    tokenRestricted = (await createToken(restricted.db, { userHandle: "local", scopes: "read,write" })).secret;
  });
  afterAll(async () => {
    await open?.stop();
    await restricted?.stop();
  });

  it("serves any Host when no allowed host is configured (a bearer token is no ambient credential)", async () => {
    const answer = await send(open, "http://registry.example.org/graphql", {
      headers: { authorization: `Bearer ${tokenOpen}` },
      body: { query: DEFINE, variables: { name: "token_any_host" } },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.data.defineParam.name).toBe("token_any_host");
  });

  it("serves only loopback and the allowed hosts when some are configured", async () => {
    const auth = { authorization: `Bearer ${tokenRestricted}` };
    const refused = await send(restricted, "http://other.example.org/graphql", {
      headers: auth,
      body: { query: DEFINE, variables: { name: "token_refused" } },
    });
    expect(refused.status).toBe(421);
    expectError(refused.body, "MISDIRECTED_REQUEST");
    for (const url of ["http://registry.example.org/graphql", "http://127.0.0.1:4000/graphql"]) {
      const served = await send(restricted, url, { headers: auth, body: { query: `{ params { totalCount } }` } });
      expect(served.status, url).toBe(200);
    }
    expect(ok(await restricted.gql(PARAM, { name: "token_refused" }, auth)).param).toBeNull();
  });

  it("keeps CORS closed with tokens too: a foreign origin's preflight and request are refused", async () => {
    const answer = await send(open, "http://registry.example.org/graphql", preflight(FOREIGN));
    expect(answer.status).toBe(403);
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("settings of the server process", () => {
  // The server checks these before it opens any database: one run of the processes is enough.
  it.skipIf(TEST_DB !== "sqlite")("reads the flags and environment variables at start-up, refuses bad values and documents them", async () => {
    const [flag, env, help] = await Promise.all([
      runServerToExit(["--port", "0", "--cors-origin", "*"]),
      runServerToExit(["--port", "0"], { CORS_ORIGINS: "https://app.example", ALLOWED_HOSTS: "registry.lan,registry.lan:8080" }),
      runServerToExit(["--help"]),
    ]);
    expect(flag.code, flag.output).toBe(2);
    expect(flag.output).toMatch(/CORS origin "\*" would allow any page/);
    expect(env.code, env.output).toBe(2);
    expect(env.output).toMatch(/allowed host "registry.lan:8080" must be a name without a port/);
    expect(help.code).toBe(0);
    for (const text of ["--cors-origin", "CORS_ORIGINS", "--allowed-host", "ALLOWED_HOSTS"]) expect(help.output).toContain(text);
  });
});
