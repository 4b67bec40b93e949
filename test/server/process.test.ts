// The server process at start-up and shutdown: a port in use and a data dir in use by another
// server are refused with one line before anything is created or opened; SIGTERM drains
// (requests in flight are answered, requests on kept-alive connections get 503, exit 0).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createService } from "../../src/service.ts";
import { runServerToExit, scratchPostgresDatabase, startServerProcess, type ServerProcess } from "../helpers/server-process.ts";
import { TEST_DB, type TestService } from "../harness.ts";
import { GraphFixture } from "../helpers/lineage-fixtures.ts";

const scratchDir = () => mkdtempSync(path.join(tmpdir(), "lr-proc-"));

async function until(condition: () => boolean) {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 50));
}

function runCli(args: string[]) {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
    cwd: process.cwd(),
    env: { ...process.env, DATABASE_URL: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  proc.stdout.on("data", (chunk) => (output += chunk));
  proc.stderr.on("data", (chunk) => (output += chunk));
  return new Promise<{ code: number | null; output: string }>((resolve) => proc.on("exit", (code) => resolve({ code, output })));
}

describe("start-up refusals", () => {
  let databaseUrl: string | undefined;
  let drop: (() => Promise<void>) | undefined;
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  beforeAll(async () => {
    if (TEST_DB === "postgres") ({ url: databaseUrl, drop } = await scratchPostgresDatabase());
  });
  afterAll(async () => {
    for (const server of servers) server.proc.kill("SIGKILL");
    await drop?.();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const dbArgs = () => (databaseUrl ? ["--database-url", databaseUrl] : []);

  it("refuses a port in use with one line, before creating or opening anything", async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const port = (holder.address() as net.AddressInfo).port;
    const dataDir = path.join(scratchDir(), "never-created");
    dirs.push(path.dirname(dataDir));
    try {
      const { code, output } = await runServerToExit(["--host", "127.0.0.1", "--port", String(port), "--data-dir", dataDir, ...dbArgs()]);
      expect(code).toBe(1);
      expect(output.trim()).toBe(
        `lineage-registry: cannot listen on 127.0.0.1:${port}: the port is already in use (another server?); stop it or choose another --port`,
      );
    } finally {
      holder.close();
    }
    expect(existsSync(dataDir)).toBe(false);
    if (databaseUrl) {
      // not migrated either
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`);
      await client.end();
      expect(rows[0].n).toBe(0);
    }
  });

  it("takes the data dir: a second server is refused (SQLite), the CLI works meanwhile, SIGKILL frees it", async () => {
    const dataDir = scratchDir();
    dirs.push(dataDir);
    const first = await startServerProcess(["--data-dir", dataDir, ...dbArgs()]);
    servers.push(first);

    if (databaseUrl) {
      // several instances on one PostgreSQL database are supported: nothing is locked
      const second = await startServerProcess(["--data-dir", dataDir, ...dbArgs()]);
      servers.push(second);
      expect((await second.gql(`{ me { handle } }`)).status).toBe(200);
      second.proc.kill("SIGTERM");
      expect(await second.exited).toEqual({ code: 0, signal: null });
    } else {
      const second = await runServerToExit(["--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir]);
      expect(second.code).toBe(1);
      expect(second.output.trim()).toBe(
        `lineage-registry: the data dir ${dataDir} is in use by another lineage-registry server (pid ${first.proc.pid}); ` +
          "stop it or start with another --data-dir",
      );
    }

    // the admin CLI keeps working on the same data dir while the server runs
    const cliDb = ["--data-dir", dataDir, ...dbArgs()];
    expect(await runCli(["user", "create", "--handle", "ops", ...cliDb])).toMatchObject({ code: 0 });
    const token = await runCli(["token", "create", "--user", "ops", "--scopes", "read", ...cliDb]);
    expect(token.code).toBe(0);
    expect(token.output).toMatch(/lr_[0-9A-Za-z]{43}/);
    expect((await first.gql(`{ user(handle: "ops") { handle } }`)).body.data.user.handle).toBe("ops");

    first.proc.kill("SIGKILL");
    await first.exited;
    const after = await startServerProcess(["--data-dir", dataDir, ...dbArgs()]);
    servers.push(after);
    expect((await after.gql(`{ user(handle: "ops") { handle } }`)).body.data.user.handle).toBe("ops");
    after.proc.kill("SIGTERM");
    expect(await after.exited).toEqual({ code: 0, signal: null });
  }, 240_000); // five processes start one after the other
});

describe("draining on SIGTERM", () => {
  let dataDir: string;
  let databaseUrl: string | undefined;
  let drop: (() => Promise<void>) | undefined;
  let start: string;
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    dataDir = scratchDir();
    if (TEST_DB === "postgres") ({ url: databaseUrl, drop } = await scratchPostgresDatabase());
    // a layered lineage graph of about 1,300 nodes: walking all of it takes a while
    const seeding = await createService({ dataDir, databaseUrl });
    try {
      start = (await new GraphFixture(seeding as unknown as TestService).layered(12, 50)).summary.uid;
    } finally {
      await seeding.close();
    }
  });
  afterAll(async () => {
    server?.proc.kill("SIGKILL");
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string; reusedSocket: boolean };
  const request = (options: http.RequestOptions, body?: string, onSent?: (req: http.ClientRequest) => void) =>
    new Promise<Answer>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port: server!.port, ...options }, (response) => {
        let text = "";
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text, reusedSocket: req.reusedSocket }));
      });
      req.on("error", reject);
      if (onSent) onSent(req);
      else req.end(body);
    });

  it("answers every request in flight, refuses new ones on kept-alive connections with 503, then exits 0", async () => {
    server = await startServerProcess(["--data-dir", dataDir, "--shutdown-timeout", "120000", ...(databaseUrl ? ["--database-url", databaseUrl] : [])]);
    const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect((await request({ path: "/health", agent: keepAlive })).status).toBe(200);

    // Slow queries in flight: their headers and half of their bodies reach the server before
    // SIGTERM, the rest after it, so every one of them runs during the drain.
    const body = JSON.stringify({
      query: `query Walk($uid: String!) {
        lineage(uid: $uid, direction: UPSTREAM, depth: 50, maxNodes: 5000) { nodes { uid kind distance label } edges { source target } mermaid }
      }`,
      variables: { uid: start },
    });
    const finishBodies: (() => void)[] = [];
    const inFlight = Array.from({ length: 4 }, () =>
      request(
        { method: "POST", path: "/graphql", agent: false, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
        undefined,
        (req) => {
          req.write(body.slice(0, 40));
          finishBodies.push(() => req.end(body.slice(40)));
        },
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // the server reads their headers
    server.proc.kill("SIGTERM");
    await until(() => server!.lines.some((line) => line.msg === "shutting down"));

    // a new request on a connection kept alive from before the signal
    const late = await request({ path: "/health", agent: keepAlive });
    expect(late.reusedSocket).toBe(true);
    expect(late.status).toBe(503);
    expect(late.headers.connection).toBe("close");
    expect(JSON.parse(late.body).errors[0].extensions.code).toBe("RETRYABLE");

    for (const finish of finishBodies) finish();
    const answers = await Promise.all(inFlight);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.headers.connection).toBe("close");
      const result = JSON.parse(answer.body);
      expect(result.errors).toBeUndefined();
      expect(result.data.lineage.nodes.length).toBeGreaterThan(1_000);
    }
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.lines.map((line) => line.msg)).toEqual(expect.arrayContaining(["shutting down", "stopped"]));
    expect(server.lines.find((line) => line.msg === "shutting down")).toMatchObject({ inFlight: 4 });
    await expect(fetch(server.url)).rejects.toThrow();
    keepAlive.destroy();
  });
});
