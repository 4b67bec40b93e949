// A real browser (Debian's Chromium, driven by playwright-core) against the real server with
// authentication off: pages on other origins and on a rebound DNS name cannot write or read,
// an origin named with --cors-origin and the service's own pages (GraphiQL) can.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { scratchPostgresDatabase, startServerProcess, type ServerProcess } from "../helpers/server-process.ts";
import { TEST_DB } from "../harness.ts";
import { CHROMIUM, chromiumMissing, launchChromium, skipWithoutChromium } from "../helpers/chromium.ts";

const skip = skipWithoutChromium("test/server/browser-cors.test.ts");

const DEFINE = `mutation($name: String!) { defineParam(input: { name: $name, dtype: "int" }) { name } }`;
const PARAM = `query($name: String!) { param(name: $name) { name } }`;
// A name an attacker controls, answered by DNS with 127.0.0.1 after the page has loaded.
const REBOUND = "attacker.example";
// A name the operator serves the registry under (ALLOWED_HOSTS).
const OWN_NAME = "registry.test";

interface Attempt {
  status?: number;
  type?: string;
  body?: string;
  error?: string;
}

/** Runs in the page: POSTs defineParam with fetch and reports what the page could see. */
async function tryWrite(page: Page, url: string, name: string, mode: "cors" | "no-cors" = "cors"): Promise<Attempt> {
  return page.evaluate(
    async ({ url, query, name, mode }) => {
      try {
        const response = await fetch(url, {
          method: "POST",
          mode,
          headers: mode === "cors" ? { "content-type": "application/json" } : {},
          body: JSON.stringify({ query, variables: { name } }),
        });
        return { status: response.status, type: response.type, body: await response.text() };
      } catch (error) {
        return { error: String(error) };
      }
    },
    { url, query: DEFINE, name, mode },
  );
}

describe.skipIf(skip)("a real browser against the real server (auth off)", () => {
  let server: ServerProcess | undefined;
  let context: BrowserContext | undefined;
  const pageServers: Server[] = [];
  let foreignOrigin: string;
  let allowedOrigin: string;
  const dirs: string[] = [];
  let drop: (() => Promise<void>) | undefined;

  const written = async (name: string) => (await server!.gql(PARAM, { name })).body.data?.param?.name ?? null;
  const newPage = async (url: string) => {
    const page = await context!.newPage();
    const response = await page.goto(url);
    return { page, status: response?.status() };
  };

  beforeAll(async () => {
    if (chromiumMissing) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does when it is absent)`);
    // Two tiny pages on other loopback ports: one origin the service does not know, one it is told to allow.
    const [foreignPort, allowedPort] = await Promise.all(
      [0, 1].map(async () => {
        const pageServer = createServer((_request, response) => {
          response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
          response.end("<!doctype html><title>another origin</title><p>a page on another origin</p>");
        });
        pageServers.push(pageServer);
        await new Promise<void>((resolve) => pageServer.listen(0, "127.0.0.1", resolve));
        return (pageServer.address() as AddressInfo).port;
      }),
    );
    foreignOrigin = `http://127.0.0.1:${foreignPort}`;
    allowedOrigin = `http://127.0.0.1:${allowedPort}`;

    const dataDir = mkdtempSync(path.join(tmpdir(), "lr-browser-data-"));
    dirs.push(dataDir);
    const args = ["--data-dir", dataDir, "--cors-origin", allowedOrigin];
    if (TEST_DB === "postgres") {
      const scratch = await scratchPostgresDatabase();
      drop = scratch.drop;
      args.push("--database-url", scratch.url);
    }
    // The server and the browser start side by side; both take seconds.
    const profile = mkdtempSync(path.join(tmpdir(), "lr-browser-profile-"));
    dirs.push(profile);
    const starting = [
      startServerProcess(args, { ALLOWED_HOSTS: OWN_NAME, LOG_LEVEL: "info" }).then((started) => (server = started)),
      // A persistent context is how playwright-core takes a --user-data-dir: a fresh one per run.
      launchChromium(profile, { args: [`--host-resolver-rules=MAP ${REBOUND} 127.0.0.1, MAP ${OWN_NAME} 127.0.0.1`] }).then((launched) => (context = launched)),
    ];
    // allSettled: whichever fails, the other is kept for afterAll to close.
    const failed = (await Promise.allSettled(starting)).find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    context!.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    // Every step runs, whichever failed: no browser, server or folder is left behind.
    const steps: (() => unknown)[] = [
      () => context?.close(),
      () => server?.proc.kill("SIGKILL"),
      () => server?.exited,
      ...pageServers.map((pageServer) => () => new Promise((resolve) => pageServer.close(resolve))),
      () => drop?.(),
      () => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })),
    ];
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        process.stderr.write(`browser-cors cleanup: ${(error as Error).message}\n`);
      }
    }
  });

  it("(a) a page on another origin cannot write, nor read an answer", async () => {
    const { page } = await newPage(`${foreignOrigin}/`);
    const cors = await tryWrite(page, server!.url, "browser_foreign");
    expect(cors.error).toMatch(/Failed to fetch/);
    // Without CORS the request is "simple": the browser sends it but hides the answer.
    const opaque = await tryWrite(page, server!.url, "browser_foreign_nocors", "no-cors");
    expect(opaque).toMatchObject({ type: "opaque", status: 0, body: "" });
    expect(await written("browser_foreign")).toBeNull();
    expect(await written("browser_foreign_nocors")).toBeNull();
    // The service itself refused them (the preflight and the simple POST), not the network.
    await vi.waitFor(() => {
      const refused = server!.lines.filter((line) => line.msg === "request" && line.path === "/graphql" && line.status === 403);
      expect(refused.map((line) => line.method).sort()).toEqual(["OPTIONS", "POST"]);
    });
    await page.close();
  });

  it("(b) a rebound DNS name reaches nothing: its pages get 421 and cannot write", async () => {
    const { page, status } = await newPage(`http://${REBOUND}:${server!.port}/health`);
    expect(status).toBe(421);
    // To the browser this is a same-origin request, so the page could read any answer.
    const attempt = await tryWrite(page, "/graphql", "browser_rebound");
    expect(attempt.status).toBe(421);
    expect(JSON.parse(attempt.body!).errors[0].extensions.code).toBe("MISDIRECTED_REQUEST");
    expect(await written("browser_rebound")).toBeNull();
    await page.close();
  });

  it("(c) an origin named with --cors-origin can write and read the answer", async () => {
    const { page } = await newPage(`${allowedOrigin}/`);
    const attempt = await tryWrite(page, server!.url, "browser_allowed");
    expect(attempt.status).toBe(200);
    expect(JSON.parse(attempt.body!).data.defineParam.name).toBe("browser_allowed");
    expect(await written("browser_allowed")).toBe("browser_allowed");
    await page.close();
  });

  it("(d) the service's own GraphiQL page works: it loads and its own requests are answered", async () => {
    const page = await context!.newPage();
    // GraphiQL's first request (the schema, same-origin, with an Origin header) must be served.
    const graphiqlRequest = page.waitForResponse((response) => response.url().endsWith("/graphql") && response.request().method() === "POST");
    const response = await page.goto(`http://127.0.0.1:${server!.port}/graphql`);
    expect(response?.status()).toBe(200);
    expect((await graphiqlRequest).status()).toBe(200);
    await page.waitForSelector(".graphiql-container");
    const attempt = await tryWrite(page, "/graphql", "browser_own_graphiql");
    expect(attempt.status).toBe(200);
    expect(await written("browser_own_graphiql")).toBe("browser_own_graphiql");
    await page.close();
  });

  it.each([
    ["localhost", "browser_own_localhost"],
    [OWN_NAME, "browser_own_allowed_host"],
  ])("(d) same-origin pages on %s (a loopback name, a name in ALLOWED_HOSTS) can write", async (host, name) => {
    const { page, status } = await newPage(`http://${host}:${server!.port}/health`);
    expect(status).toBe(200);
    const attempt = await tryWrite(page, "/graphql", name);
    expect(attempt.status).toBe(200);
    expect(JSON.parse(attempt.body!).data.defineParam.name).toBe(name);
    expect(await written(name)).toBe(name);
    await page.close();
  });
});
