// The TypeScript client against the real service over HTTP: the run helper, typed errors,
// paging as an async iterator, retries (Retry-After, a lost answer), timeouts, the token,
// and the process hooks that finish a run ERRORED or ABORTED.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken } from "../../src/auth/accounts.ts";
import { hashDir, hashFile, LineageClient, LineageError, newRunUid } from "../../src/client/index.ts";
import { ok } from "../harness.ts";
import { startDroppingProxy, startHttpService, type HttpService } from "./client-http.ts";

let svc: HttpService;
const dir = mkdtempSync(path.join(tmpdir(), "lr-client-"));
beforeAll(async () => {
  svc = await startHttpService();
});
afterAll(async () => {
  await svc?.stopHttp();
  rmSync(dir, { recursive: true, force: true });
});

const file = (name: string, content: string) => {
  const target = path.join(dir, name);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, content);
  return target;
};

const countRuns = async (name: string) =>
  ok(await svc.gql(`query($name: String!) { runs(filter: { transformName: { equals: $name } }) { totalCount } }`, { name })).runs.totalCount as number;

describe("the run helper", () => {
  it("is the package's ./client entry", async () => {
    const entry = await import("lineage-registry/client");
    expect(entry.LineageClient).toBe(LineageClient);
  });

  it("tracks inputs and params, registers outputs (a folder as one artifact), finishes once", async () => {
    const client = new LineageClient({ url: svc.url });
    const reads = file("reads.txt", "ACGT\n");
    const known = await client.registerArtifact({ key: "ref/genome.fa", hash: (await hashFile(file("genome.fa", ">chr1\n"))).hash });
    const run = await client.track({
      transform: { key: "pipelines/count.sh", name: "count.sh", version: "1.0", type: "script" },
      params: { minQuality: 30, trim: true },
      inputs: [reads, known.uid],
      hooks: false,
    });
    expect(run.uid).toMatch(/^[0-9A-Za-z]{20}$/);
    expect(run.record.status).toBe("STARTED");
    const counts = await run.registerOutput(file("out/counts.csv", "gene,n\nA,1\n"), { key: "results/counts.csv" });
    const folder = await run.registerOutput(path.join(dir, "out"), { key: "results/all" });
    expect(folder).toMatchObject({ hashType: "md5-d", nObjects: 1, hash: (await hashDir(path.join(dir, "out"))).hash });
    const finished = await run.finish();
    expect(finished.status).toBe("COMPLETED");
    expect(await run.finish({ status: "ERRORED" })).toBe(finished);

    const stored = await client.run(run.uid);
    expect(stored?.params).toEqual({ minQuality: 30, trim: true });
    expect(stored?.transform).toMatchObject({ key: "pipelines/count.sh", version: "1.0", type: "script" });
    expect(stored?.inputArtifacts.map((a) => a.hash).sort()).toEqual([(await hashFile(reads)).hash, known.hash].sort());
    expect(stored?.outputArtifacts.map((a) => a.uid).sort()).toEqual([counts.uid, folder.uid].sort());
  });

  it("refuses an input that is neither a path nor a uid, before starting anything", async () => {
    const client = new LineageClient({ url: svc.url });
    const error = await client.track({ transform: { name: "never.sh" }, inputs: ["no/such/file.txt"], hooks: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LineageError);
    expect(error).toMatchObject({ code: "VALIDATION_FAILED", field: "inputs[0]" });
    expect(await countRuns("never.sh")).toBe(0);
  });
});

describe("typed errors", () => {
  it("carry extensions.code and field", async () => {
    const client = new LineageClient({ url: svc.url });
    const invalid = await client.registerArtifact({ hash: "abcdefabcdefabcdefabcd", key: "../escape" }).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ name: "LineageError", code: "VALIDATION_FAILED", field: "key", operation: "RegisterArtifact" });
    const missing = await client.finishRun({ uid: "A".repeat(20) }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: "NOT_FOUND", field: "uid" });
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await new LineageClient({ url: `http://127.0.0.1:${port}/graphql`, retry: { retries: 0 } }).run("x").catch((e: unknown) => e);
    expect(unreachable).toMatchObject({ code: "NETWORK_ERROR" });
    expect((unreachable as Error).message).toBe(`cannot reach http://127.0.0.1:${port}/graphql: connection refused (ECONNREFUSED): is the server running?`);
  });

  it("a call that gets no answer in time fails with TIMEOUT", async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const client = new LineageClient({ url: `http://127.0.0.1:${port}/graphql`, timeoutMs: 300, retry: { retries: 1, minDelayMs: 1 } });
      const error = await client.run("x").catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "TIMEOUT" });
    } finally {
      silent.close();
    }
  });

  it("sends LINEAGE_TOKEN as the bearer token", async () => {
    const secured = await startHttpService({ auth: "token" });
    const previous = process.env.LINEAGE_TOKEN;
    try {
      const { secret } = await createToken(secured.db, { userHandle: "local", scopes: "read,write", name: "client spec" });
      delete process.env.LINEAGE_TOKEN;
      const refused = await new LineageClient({ url: secured.url }).run("x").catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
      process.env.LINEAGE_TOKEN = secret;
      expect(await new LineageClient({ url: secured.url }).run("A".repeat(20))).toBeNull();
    } finally {
      if (previous === undefined) delete process.env.LINEAGE_TOKEN;
      else process.env.LINEAGE_TOKEN = previous;
      await secured.stopHttp();
    }
  });
});

describe("retries", () => {
  it("waits as Retry-After asks on a 503 RETRYABLE answer, then succeeds", async () => {
    let calls = 0;
    const delays: number[] = [];
    const flaky: typeof fetch = async (input, init) => {
      if (calls++ === 0) {
        const body = JSON.stringify({ errors: [{ message: "database busy", extensions: { code: "RETRYABLE" } }] });
        return new Response(body, { status: 503, headers: { "content-type": "application/json", "retry-after": "1" } });
      }
      return fetch(input, init);
    };
    const client = new LineageClient({ url: svc.url, fetch: flaky, onRetry: (error, _attempt, delay) => delays.push(delay) && void error });
    const run = await client.startRun({ transform: { name: "retry-after.sh" } });
    expect(run.status).toBe("STARTED");
    expect(calls).toBe(2);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(1000);
  });

  it("a track whose answer is lost is sent again and leaves exactly one run", async () => {
    const proxy = await startDroppingProxy(svc.url, "mutation Track");
    try {
      const retried: string[] = [];
      const client = new LineageClient({ url: proxy.url, retry: { minDelayMs: 10 }, onRetry: (error) => retried.push(error.code) });
      const uid = newRunUid();
      const run = await client.startRun({ uid, transform: { name: "lost-answer.sh" } });
      expect(run.uid).toBe(uid);
      expect(proxy.dropped()).toBe(1);
      expect(retried).toEqual(["NETWORK_ERROR"]);
      expect(await countRuns("lost-answer.sh")).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it("gives up on a refusal that is no retry matter", async () => {
    const retried: string[] = [];
    const client = new LineageClient({ url: svc.url, onRetry: (error) => retried.push(error.code) });
    await expect(client.addParamValues({ runUid: "A".repeat(20), values: { x: 1 } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(retried).toEqual([]);
  });
});

describe("runs as an async iterator", () => {
  it("pages through every run that matches, in order", async () => {
    const client = new LineageClient({ url: svc.url });
    const uids: string[] = [];
    for (let i = 0; i < 5; i++) uids.push((await client.startRun({ transform: { name: "paged.sh" }, params: { i }, defineMissingParams: true })).uid);
    const seen: string[] = [];
    for await (const run of client.runs({ filter: { transformName: { equals: "paged.sh" } }, orderBy: { field: "ID", direction: "ASC" }, pageSize: 2 })) {
      expect(run.transform.name).toBe("paged.sh");
      seen.push(run.uid);
    }
    expect(seen).toEqual(uids);
    const limited: string[] = [];
    for await (const run of client.runs({ filter: { transformName: { equals: "paged.sh" } }, pageSize: 2, limit: 3 })) limited.push(run.uid);
    expect(limited).toHaveLength(3);
  });
});

describe("process hooks", () => {
  const script = (body: string) => {
    const target = path.join(dir, `hook-${Math.random().toString(36).slice(2)}.mts`);
    const client = path.resolve("src/client/index.ts");
    writeFileSync(
      target,
      `import { LineageClient } from ${JSON.stringify(client)};\n` +
        `const client = new LineageClient({ url: process.env.URL });\n` +
        `const run = await client.track({ transform: { name: process.env.NAME! } });\n` +
        `process.stdout.write(run.uid + "\\n");\n${body}\n`,
    );
    return target;
  };
  const runScript = (target: string, name: string) =>
    spawn(process.execPath, ["--import", "tsx", target], { env: { ...process.env, URL: svc.url, NAME: name }, stdio: ["ignore", "pipe", "pipe"] });
  const statusOf = async (name: string) =>
    ok(await svc.gql(`query($name: String!) { runs(filter: { transformName: { equals: $name } }) { edges { node { status } } } }`, { name })).runs.edges.map(
      (edge: { node: { status: string } }) => edge.node.status,
    );

  it("an uncaught exception finishes the run ERRORED and the process exits 1", async () => {
    const child = runScript(script(`setTimeout(() => { throw new Error("boom"); }, 10);`), "hook-throws");
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain("boom");
    expect(await statusOf("hook-throws")).toEqual(["ERRORED"]);
  });

  it("an unhandled rejection finishes the run ERRORED too", async () => {
    const child = runScript(script(`void Promise.reject(new Error("rejected"));`), "hook-rejects");
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(1);
    expect(await statusOf("hook-rejects")).toEqual(["ERRORED"]);
  });

  it("SIGTERM finishes the run ABORTED and the process dies of the signal", async () => {
    const child = runScript(script(`setInterval(() => undefined, 1000);`), "hook-signal");
    await new Promise((resolve) => child.stdout.once("data", resolve));
    child.kill("SIGTERM");
    const signal = await new Promise((resolve) => child.on("exit", (_code, sig) => resolve(sig)));
    expect(signal).toBe("SIGTERM");
    expect(await statusOf("hook-signal")).toEqual(["ABORTED"]);
  });
});
