// Operations: /health, /ready, Prometheus metrics, JSON request logs with request ids, the
// refusal to run without auth beyond loopback, and graceful shutdown of the real server
// (a request in flight when SIGTERM arrives still gets its answer, then the process exits 0).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.ts";
import { runServerToExit, scratchPostgresDatabase, startServerProcess } from "../helpers/server-process.ts";
import { ok, startTestService, TEST_DB, type TestService } from "../harness.ts";

describe("health, readiness, metrics, request logs", () => {
  let svc: TestService;
  const logged: Record<string, any>[] = [];
  beforeAll(async () => {
    svc = await startTestService({ logger: createLogger("debug", (line) => logged.push(JSON.parse(line))) });
  });
  afterAll(async () => svc?.stop());

  it("answers /health and /ready", async () => {
    expect((await svc.yoga.fetch("http://localhost/health")).status).toBe(200);
    const ready = await svc.yoga.fetch("http://localhost/ready");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, database: svc.db.provider === "sqlite" ? "sqlite" : "postgresql" });
  });

  it("reports not ready once shutdown has begun", async () => {
    const other = await startTestService();
    try {
      other.beginShutdown();
      const ready = await other.yoga.fetch("http://localhost/ready");
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ ready: false, reason: "shutting down" });
      expect((await other.yoga.fetch("http://localhost/health")).status).toBe(200);
    } finally {
      await other.stop();
    }
  });

  it("exports request counts, latencies, errors and per-operation series", async () => {
    ok(await svc.gql(`query Dashboard { runs(first: 5) { totalCount } }`));
    ok(await svc.gql(`mutation Track { track(input: { transform: { name: "metrics" } }) { uid } }`));
    await svc.gql(`query Broken { run(uid: "x") { uid transform { nope } } }`);
    const response = await svc.yoga.fetch("http://localhost/metrics");
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/graphql_yoga_http_duration_bucket\{[^}]*method="POST"[^}]*statusCode="200"/);
    expect(text).toMatch(/graphql_envelop_request\{[^}]*operationName="Dashboard"[^}]*operationType="query"[^}]*\} 1/);
    expect(text).toMatch(/graphql_envelop_request\{[^}]*operationName="Track"[^}]*operationType="mutation"/);
    expect(text).toMatch(/graphql_envelop_request_duration_bucket\{[^}]*operationName="Dashboard"/);
    // a document that fails validation is counted, without the name its client gave it
    expect(text).toMatch(/graphql_envelop_error_result\{[^}]*operationType="query"[^}]*phase="validate"/);
    expect(text).not.toMatch(/operationName="Broken"/);
  });

  it("logs one JSON line per request with a request id, echoed in the response", async () => {
    const given = await svc.yoga.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "dash-42.a" },
      body: JSON.stringify({ query: "query Who { me { handle } }" }),
    });
    expect(given.headers.get("x-request-id")).toBe("dash-42.a");
    const fresh = await svc.yoga.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "not a valid id\u0001" },
      body: JSON.stringify({ query: "query Who { me { handle } }" }),
    });
    const freshId = fresh.headers.get("x-request-id");
    expect(freshId).toMatch(/^[0-9a-f-]{36}$/);

    const lines = logged.filter((line) => line.msg === "request");
    expect(lines.find((line) => line.requestId === "dash-42.a")).toMatchObject({
      level: "info",
      method: "POST",
      path: "/graphql",
      status: 200,
      operationName: "Who",
      operationType: "query",
      user: "local",
    });
    expect(lines.find((line) => line.requestId === freshId)).toBeDefined();
    for (const line of lines) expect(typeof line.durationMs).toBe("number");
  });
});

describe("failures in the log", () => {
  it("logs a failure the client saw masked on a line with the request's id", async () => {
    const logged: Record<string, any>[] = [];
    const broken = await startTestService({ logger: createLogger("info", (line) => logged.push(JSON.parse(line))) });
    try {
      // A real fault, not a stand-in: the table behind params is gone.
      await broken.db.prisma.$executeRawUnsafe(`ALTER TABLE "Param" RENAME TO "ParamGone"`);
      const response = await broken.yoga.fetch("http://localhost/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", "x-request-id": "broken-1" },
        body: JSON.stringify({ query: "query Params { params(first: 1) { totalCount } }" }),
      });
      const body = await response.json();
      expect(body.errors[0]).toMatchObject({ message: "Unexpected error.", extensions: { code: "INTERNAL_SERVER_ERROR" } });
      expect(JSON.stringify(body)).not.toContain("ParamGone");
      const failure = logged.find((line) => line.level === "error" && line.msg !== "request");
      expect(failure).toMatchObject({ requestId: "broken-1", path: expect.stringMatching(/^params/) });
      expect(JSON.stringify(failure)).toMatch(/Param/);
      expect(logged.find((line) => line.msg === "request")).toMatchObject({ requestId: "broken-1", errorCodes: ["INTERNAL_SERVER_ERROR"] });
    } finally {
      await broken.stop();
    }
  });
});

describe("start-up settings", () => {
  it("refuses to listen beyond loopback with authentication off", async () => {
    const { code, output } = await runServerToExit(["--host", "0.0.0.0", "--port", "0", "--data-dir", path.join(tmpdir(), "lr-never-created")]);
    expect(code).toBe(2);
    expect(output).toMatch(/refusing to listen on 0\.0\.0\.0 with authentication off/);
    expect(output).toMatch(/--auth token/);
  });

  it("rejects unknown auth modes and bad limits with a message", async () => {
    expect(await runServerToExit(["--auth", "maybe"])).toMatchObject({ code: 2, output: expect.stringMatching(/--auth: must be "off" or "token"/) });
    expect(await runServerToExit([], { LIMIT_MAX_DEPTH: "deep" })).toMatchObject({
      code: 2,
      output: expect.stringMatching(/LIMIT_MAX_DEPTH: must be a positive integer/),
    });
  });
});

describe("graceful shutdown", () => {
  let dataDir: string;
  let databaseUrl: string | undefined;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "lr-ops-"));
    if (TEST_DB === "postgres") ({ url: databaseUrl, drop } = await scratchPostgresDatabase());
  });
  afterAll(async () => {
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("finishes the request in flight when SIGTERM arrives, then exits 0", async () => {
    const server = await startServerProcess(["--data-dir", dataDir, ...(databaseUrl ? ["--database-url", databaseUrl] : [])]);
    // A request in flight: its headers have arrived, half of its body has; the rest follows
    // only after SIGTERM.
    const body = JSON.stringify({ query: `mutation { track(input: { transform: { name: "in-flight" } }) { uid status } }` });
    const inFlight = new Promise<{ status: number; body: any }>((resolve, reject) => {
      const request = http.request(
        server.url,
        { method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
        (response) => {
          let text = "";
          response.on("data", (chunk) => (text += chunk));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
        },
      );
      request.on("error", reject);
      request.write(body.slice(0, 20));
      // the pauses leave the server time to take the connection and the request's headers
      setTimeout(() => {
        server.proc.kill("SIGTERM");
        setTimeout(() => request.end(body.slice(20)), 500);
      }, 1_000);
    });
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.body.data.track.status).toBe("STARTED");
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.lines.map((line) => line.msg)).toEqual(expect.arrayContaining(["shutting down", "stopped"]));
    await expect(fetch(server.url)).rejects.toThrow();
  });
});
