// Test helper for specs that need the real server process: starts `src/server.ts` on
// 127.0.0.1 with a free port, reads its JSON log lines, and gives a scratch database on the
// harness's PostgreSQL server when TEST_DB=postgres.
import { spawn, type ChildProcess } from "node:child_process";

export interface ServerProcess {
  proc: ChildProcess;
  port: number;
  url: string;
  lines: Record<string, unknown>[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  gql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] } }>;
}

/** startTimeoutMs: how long the server may take to listen (default 30 s; a busy machine needs more). */
export async function startServerProcess(
  args: string[],
  env: Record<string, string | undefined> = {},
  { startTimeoutMs = 30_000 }: { startTimeoutMs?: number } = {},
): Promise<ServerProcess> {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/server.ts", "--host", "127.0.0.1", "--port", "0", ...args], {
    cwd: process.cwd(),
    env: { ...process.env, DATABASE_URL: "", REDIS_URL: "", AUTH: "", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = "";
  proc.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal })));
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => {
      proc.kill("SIGKILL"); // never leave a server behind
      reject(new Error(`server did not start in time: ${stderr}`));
    }, startTimeoutMs);
    proc.stdout.on("data", (chunk) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          lines.push(parsed);
          if (parsed.msg === "lineage-registry listening") {
            clearTimeout(timer);
            resolve(Number(parsed.port));
          }
        } catch {
          // not a log line
        }
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening: ${stderr}`));
    });
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  const gql: ServerProcess["gql"] = async (query, variables, headers = {}) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: await response.json() };
  };
  return { proc, port, url, lines, stderr: () => stderr, exited, gql };
}

/** Runs the server binary to completion (for start-up refusals); returns its exit code and output. */
export async function runServerToExit(args: string[], env: Record<string, string | undefined> = {}) {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/server.ts", ...args], {
    cwd: process.cwd(),
    env: { ...process.env, DATABASE_URL: "", REDIS_URL: "", AUTH: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  proc.stdout.on("data", (chunk) => (output += chunk));
  proc.stderr.on("data", (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => proc.on("exit", resolve));
  return { code, output };
}

export { scratchPostgresDatabase } from "./scratch-database.ts";
