// Group commit on SQLite: single-event requests that arrive together over HTTP are written in
// shared transactions (fewer commits than requests), each still answered with its own result.
// PostgreSQL runs transactions side by side instead, so the spec is SQLite's.
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestService, TEST_DB, type TestService } from "../../harness.ts";
import { runByReference } from "./helpers.ts";

const REQUESTS = 20;
const run = promisify(execFile);

const event = (i: number) => ({
  eventType: "COMPLETE",
  eventTime: new Date(Date.UTC(2024, 4, 1, 10, i)).toISOString(),
  producer: "https://example.com/test",
  run: { runId: `group-${i}` },
  job: { namespace: "group-test", name: `job-${i % 3}` },
  inputs: [{ namespace: "s3://lake", name: `raw/${i % 4}` }],
  outputs: [{ namespace: "s3://lake", name: `out/${i}` }],
});

describe.skipIf(TEST_DB !== "sqlite")("OpenLineage group commit", () => {
  let svc: TestService;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    svc = await startTestService();
    server = createServer((request, response) => void svc.yoga(request, response));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await svc?.stop();
  });

  it("writes concurrent single-event requests in shared transactions", async () => {
    const commits: string[] = [];
    const off = svc.db.onStatement((sql) => {
      if (/^\s*COMMIT/i.test(sql)) commits.push(sql);
    });
    // The requests come from another process, as they would from producers: sent from this
    // process, they would leave one by one as its own event loop turns.
    const script = `
      const [base, count] = process.argv.slice(1);
      const events = JSON.parse(process.env.EVENTS);
      const answers = await Promise.all(events.map(async (event) => {
        const response = await fetch(base + "/api/v1/lineage", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(event) });
        return { status: response.status, body: await response.json() };
      }));
      process.stdout.write(JSON.stringify(answers));`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script, base, String(REQUESTS)], {
      env: { ...process.env, EVENTS: JSON.stringify(Array.from({ length: REQUESTS }, (_, i) => event(i))) },
    });
    const answers = JSON.parse(stdout) as { status: number; body: { runUid: string } }[];
    off();
    expect(answers.map((answer) => answer.status)).toEqual(Array(REQUESTS).fill(200));
    expect(commits.length).toBeLessThan(REQUESTS);
    // Each request is answered with its own run.
    for (let i = 0; i < REQUESTS; i++) expect((await runByReference(svc, `group-${i}`)).uid).toBe(answers[i].body.runUid);
  });
});
