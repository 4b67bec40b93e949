// The real `lineage-registry` binary, as a child process, against the real service over HTTP:
// a three-step shell pipeline tracked step by step and its lineage, exit codes passed through,
// signals, a lost answer during track, one-line errors, and the operator's commands.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken } from "../../src/auth/accounts.ts";
import { hashFile } from "../../src/client/index.ts";
import { ok } from "../harness.ts";
import { startDroppingProxy, startHttpService, type HttpService } from "./client-http.ts";

const BIN = path.resolve("bin/lineage-registry.mjs");
let svc: HttpService;
const work = mkdtempSync(path.join(tmpdir(), "lr-cli-"));
const logs = path.join(work, ".logs");
beforeAll(async () => {
  svc = await startHttpService();
});
afterAll(async () => {
  await svc?.stopHttp();
  rmSync(work, { recursive: true, force: true });
});

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function startCli(args: string[], env: Record<string, string | undefined> = {}) {
  // From a folder outside the repository: the binary must not depend on the working directory.
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: work,
    env: { ...process.env, LINEAGE_URL: svc.url, LINEAGE_LOG_DIR: logs, LINEAGE_TOKEN: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const finished = new Promise<Finished>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, finished, stderr: () => stderr };
}

const cli = (args: string[], env: Record<string, string | undefined> = {}) => startCli(args, env).finished;

const runsOf = async (name: string) =>
  ok(
    await svc.gql(
      `query($name: String!) { runs(filter: { transformName: { equals: $name } }) { edges { node { uid status params
         report { key } environment { key } inputArtifacts { key } outputArtifacts { key nObjects } } } } }`,
      { name },
    ),
  ).runs.edges.map((edge: { node: unknown }) => edge.node);

async function until(condition: () => boolean) {
  for (let i = 0; i < 600 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe("track: a three-step shell pipeline, then its lineage", () => {
  it("records each step's run with its inputs and outputs; lineage of the final file shows all three", async () => {
    writeFileSync(path.join(work, "raw.txt"), "acgt\nttga\n");
    const steps = [
      ["--transform", "upper.sh", "--input", "raw.txt", "--output", "upper.txt", "--", "sh", "-c", "tr a-z A-Z < raw.txt > upper.txt"],
      [
        "--transform",
        "sort.sh",
        "--version",
        "2",
        "--input",
        "upper.txt",
        "--output",
        "sorted.txt",
        "--param",
        "reverse=true",
        "--",
        "sort",
        "-r",
        "-o",
        "sorted.txt",
        "upper.txt",
      ],
      [
        "--transform",
        "count.sh",
        "--input",
        "sorted.txt",
        "--output",
        "final.txt",
        "--param",
        "min=3",
        "--param",
        "label=x",
        "--",
        "sh",
        "-c",
        "wc -l < sorted.txt > final.txt; echo counted",
      ],
    ];
    for (const step of steps) {
      const result = await cli(["track", "--no-environment", ...step]);
      expect(result.code, result.stderr).toBe(0);
    }
    expect(readFileSync(path.join(work, "final.txt"), "utf8").trim()).toBe("2");

    const [count] = await runsOf("count.sh");
    expect(count).toMatchObject({
      status: "COMPLETED",
      params: { min: 3, label: "x" },
      inputArtifacts: [{ key: "sorted.txt" }],
      outputArtifacts: [{ key: "final.txt" }],
    });
    expect(count.report.key).toBe(`runs/${count.uid}/report.txt`);
    expect(readFileSync(path.join(logs, "runs", count.uid, "report.txt"), "utf8")).toContain("counted");
    expect((await runsOf("sort.sh"))[0].params).toEqual({ reverse: true });

    const json = await cli(["lineage", "final.txt", "--up", "--depth", "10", "--format", "json"]);
    expect(json.code, json.stderr).toBe(0);
    const graph = JSON.parse(json.stdout);
    const runLabels = graph.nodes.filter((node: { kind: string }) => node.kind === "RUN").map((node: { label: string }) => node.label.split(" ")[0]);
    expect(runLabels.sort()).toEqual(["count.sh", "sort.sh", "upper.sh"]);
    expect(graph.nodes.find((node: { isStart: boolean }) => node.isStart).label).toBe("final.txt");
    expect(graph.nodes.map((node: { label: string }) => node.label)).toContain("raw.txt");

    const text = await cli(["lineage", path.join(work, "final.txt"), "--up"]);
    expect(text.stdout).toMatch(/RUN .* upper\.sh .*COMPLETED/);
    expect(text.stdout).toContain("raw.txt → upper.sh");
    const mermaid = await cli(["lineage", "final.txt", "--up", "--format", "mermaid"]);
    expect(mermaid.stdout.startsWith("flowchart LR")).toBe(true);

    const table = await cli(["runs", "--transform", "sort.sh"]);
    expect(table.stdout.split("\n")[0]).toMatch(/^UID\s+STATUS\s+TRANSFORM\s+VERSION/);
    expect(table.stdout).toMatch(/COMPLETED\s+sort\.sh\s+2\s/);
    const listed = JSON.parse((await cli(["runs", "--status", "completed", "--limit", "2", "--json"])).stdout);
    expect(listed).toHaveLength(2);
  });

  it("registers a folder output as one artifact, an input already registered resolves to its artifact, and stores the environment", async () => {
    const result = await cli([
      "track",
      "--transform",
      "split.sh",
      "--input",
      "raw.txt",
      "--output",
      "parts",
      "--output",
      "never-written.txt",
      "--",
      "sh",
      "-c",
      "mkdir -p parts && split -l 1 raw.txt parts/p",
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("output never-written.txt was not written");
    const [split] = await runsOf("split.sh");
    expect(split.outputArtifacts).toEqual([{ key: "parts", nObjects: 2 }]);
    expect(split.inputArtifacts).toEqual([{ key: "raw.txt" }]);
    const raw = ok(await svc.gql(`{ artifacts(filter: { hash: "${(await hashFile(path.join(work, "raw.txt"))).hash}" }) { totalCount } }`)).artifacts;
    expect(raw.totalCount).toBe(1);
    expect(split.environment.key).toBe(`runs/${split.uid}/environment.txt`);
    expect(readFileSync(path.join(logs, "runs", split.uid, "environment.txt"), "utf8")).toMatch(/^node v\d+/);
  });
});

describe("track: how the command ends", () => {
  it("a failing command ends ERRORED and its exit code is the exit code; its streams pass through", async () => {
    const result = await cli(["track", "--transform", "fails.sh", "--no-environment", "--", "sh", "-c", "echo partial; echo oops >&2; exit 3"]);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe("partial\n");
    expect(result.stderr).toContain("oops");
    const [run] = await runsOf("fails.sh");
    expect(run.status).toBe("ERRORED");
    expect(readFileSync(path.join(logs, "runs", run.uid, "report.txt"), "utf8")).toMatch(/partial\n[\s\S]*oops/);
  });

  it("kill -TERM of the wrapped command ends the run ABORTED", async () => {
    const pidFile = path.join(work, "wrapped.pid");
    const { finished } = startCli(["track", "--transform", "killed.sh", "--no-environment", "--", "sh", "-c", `echo $$ > ${pidFile}; exec sleep 60`]);
    await until(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").trim() !== "");
    process.kill(Number(readFileSync(pidFile, "utf8")), "SIGTERM");
    const result = await finished;
    expect(result.code).toBe(143);
    expect((await runsOf("killed.sh"))[0].status).toBe("ABORTED");
  });

  it("SIGTERM to the command line is forwarded to the wrapped command, and the run ends ABORTED", async () => {
    const started = path.join(work, "forwarded.started");
    const { child, finished } = startCli(["track", "--transform", "forwarded.sh", "--no-environment", "--", "sh", "-c", `touch ${started}; exec sleep 60`]);
    await until(() => existsSync(started));
    child.kill("SIGTERM");
    const result = await finished;
    expect(result.code).toBe(143);
    expect((await runsOf("forwarded.sh"))[0].status).toBe("ABORTED");
  });

  it("a command that does not exist ends ERRORED with exit code 127", async () => {
    const result = await cli(["track", "--transform", "missing.sh", "--no-environment", "--", "no-such-command-here"]);
    expect(result.code).toBe(127);
    expect(result.stderr).toContain("cannot run no-such-command-here: command not found");
    expect((await runsOf("missing.sh"))[0].status).toBe("ERRORED");
  });
});

describe("track: a lost answer", () => {
  it("a dropped connection during track, then the client's retry, leaves exactly one run", async () => {
    const proxy = await startDroppingProxy(svc.url, "mutation Track");
    try {
      const result = await cli(["track", "--transform", "dropped.sh", "--no-environment", "--url", proxy.url, "--", "true"]);
      expect(result.code, result.stderr).toBe(0);
      expect(proxy.dropped()).toBe(1);
      const runs = await runsOf("dropped.sh");
      expect(runs).toHaveLength(1);
      expect(runs[0].status).toBe("COMPLETED");
    } finally {
      await proxy.close();
    }
  });
});

describe("errors are one line", () => {
  const oneLine = (result: Finished) => {
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    return result.stderr.trim();
  };

  it("server unreachable", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const result = await cli(["runs", "--url", `http://127.0.0.1:${port}/graphql`, "--timeout", "2000"]);
    expect(result.code).toBe(1);
    expect(oneLine(result)).toMatch(/^lineage-registry: cannot reach http:\/\/127\.0\.0\.1:\d+\/graphql: connection refused/);
  });

  it("a validation failure names the field, and nothing runs", async () => {
    const marker = path.join(work, "must-not-exist");
    const result = await cli(["track", "--transform", "bad.sh", "--reference-type", "x".repeat(300), "--no-environment", "--", "touch", marker]);
    expect(result.code).toBe(1);
    expect(oneLine(result)).toBe("lineage-registry: referenceType: the value is 300 characters long; the limit is 255 (VALIDATION_FAILED)");
    expect(existsSync(marker)).toBe(false);
    expect(await runsOf("bad.sh")).toEqual([]);
  });

  it("bad usage exits 2", async () => {
    const result = await cli(["track", "--", "true"]);
    expect(result.code).toBe(2);
    expect(oneLine(result)).toBe("lineage-registry: track needs --transform NAME");
    expect((await cli(["lineage", "x", "--format", "png"])).code).toBe(2);
  });

  it("auth refused, then accepted with LINEAGE_TOKEN", async () => {
    const secured = await startHttpService({ auth: "token" });
    try {
      const refused = await cli(["runs", "--url", secured.url]);
      expect(refused.code).toBe(1);
      expect(oneLine(refused)).toMatch(/^lineage-registry: .*\(UNAUTHENTICATED\); pass a token with --token or LINEAGE_TOKEN$/);
      const { secret } = await createToken(secured.db, { userHandle: "local", scopes: "read", name: "cli spec" });
      const accepted = await cli(["runs", "--url", secured.url], { LINEAGE_TOKEN: secret });
      expect(accepted.code, accepted.stderr).toBe(0);
      expect(accepted.stdout).toBe("no runs\n");
      // A workflow tool's token: write only. Track asks only for what its writes answer.
      writeFileSync(path.join(work, "writer-in.txt"), "for a write-only token\n");
      const writer = (await createToken(secured.db, { userHandle: "local", scopes: "write", name: "cli writer" })).secret;
      for (let i = 0; i < 2; i++) {
        const tracked = await cli(
          ["track", "--url", secured.url, "--transform", "writer.sh", "--input", "writer-in.txt", "--output", "w.txt", "--", "cp", "writer-in.txt", "w.txt"],
          {
            LINEAGE_TOKEN: writer,
          },
        );
        expect(tracked.code, tracked.stderr).toBe(0);
      }
    } finally {
      await secured.stopHttp();
    }
  });
});

describe("the operator's commands", () => {
  it("user and token go to the database command line", async () => {
    const dataDir = path.join(work, "admin-data");
    const created = await cli(["user", "create", "--handle", "alice", "--data-dir", dataDir], { DATABASE_URL: "" });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^created user alice \(uid \w{8}\)/);
    const listed = await cli(["--data-dir", dataDir, "user", "list", "--json"], { DATABASE_URL: "" });
    expect(JSON.parse(listed.stdout).map((user: { handle: string }) => user.handle)).toContain("alice");
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("track --transform NAME");
  });
});
