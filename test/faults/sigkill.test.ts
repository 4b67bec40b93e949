// A server killed with SIGKILL in the middle of a write burst: after a restart on the same
// database every acknowledged write is there, whole, and no write is half-applied.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scratchPostgresDatabase, startServerProcess, type ServerProcess } from "../helpers/server-process.ts";
import { contentHash, TEST_DB } from "../harness.ts";

const WRITERS = 16;
const ACKNOWLEDGED_BEFORE_KILL = 80;

describe("SIGKILL during a write burst", () => {
  let dataDir: string;
  let args: string[];
  let drop: (() => Promise<void>) | undefined;
  const servers: ServerProcess[] = [];
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "lr-kill-"));
    args = ["--data-dir", dataDir];
    if (TEST_DB === "postgres") {
      const scratch = await scratchPostgresDatabase();
      drop = scratch.drop;
      args.push("--database-url", scratch.url);
    }
  });
  afterAll(async () => {
    for (const server of servers) server.proc.kill("SIGKILL");
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps every acknowledged write and no partial one", async () => {
    const first = await startServerProcess(args);
    servers.push(first);
    const input = (await first.gql(`mutation { registerArtifact(input: { key: "in/reads.fq", hash: "${contentHash("reads")}" }) { uid } }`)).body.data
      .registerArtifact.uid;
    expect((await first.gql(`mutation { defineParam(input: { name: "seq", dtype: "int" }) { name } }`)).status).toBe(200);

    // Each writer tracks a run (transform, run, param link, input link: one transaction)
    // and finishes every other one; an answer with data is an acknowledgement.
    const tracked = new Map<string, number>();
    const finished = new Set<string>();
    let next = 0;
    let killed = false;
    const writer = async () => {
      while (!killed) {
        const seq = next++;
        try {
          const { body } = await first.gql(`mutation($input: TrackInput!) { track(input: $input) { uid } }`, {
            input: { transform: { name: `burst-${seq % 5}` }, params: { seq }, inputArtifactUids: [input] },
          });
          if (!body.data?.track) continue;
          tracked.set(body.data.track.uid, seq);
          if (seq % 2 === 0) {
            const done = await first.gql(`mutation($uid: String!) { finishRun(input: { uid: $uid }) { uid } }`, { uid: body.data.track.uid });
            if (done.body.data?.finishRun) finished.add(body.data.track.uid);
          }
        } catch {
          return; // the connection died with the server
        }
        if (!killed && tracked.size >= ACKNOWLEDGED_BEFORE_KILL) {
          killed = true;
          first.proc.kill("SIGKILL");
        }
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, writer));
    expect(await first.exited).toMatchObject({ signal: "SIGKILL" });
    expect(tracked.size).toBeGreaterThanOrEqual(ACKNOWLEDGED_BEFORE_KILL);

    const second = await startServerProcess(args);
    servers.push(second);
    const { body } = await second.gql(
      `query($n: Int) { runs(first: $n, filter: { transformName: { startsWith: "burst-" } }) { totalCount edges { node { uid status finishedAt params inputArtifacts { uid } transform { name } } } } }`,
      { n: 1000 },
    );
    expect(body.errors).toBeUndefined();
    const runs = new Map<string, any>(body.data.runs.edges.map((edge: { node: { uid: string } }) => [edge.node.uid, edge.node]));
    // every acknowledged write is there, with everything it wrote
    for (const [uid, seq] of tracked) {
      const run = runs.get(uid);
      expect(run, `acknowledged run ${uid}`).toBeDefined();
      expect(run.params).toEqual({ seq });
      expect(run.inputArtifacts).toEqual([{ uid: input }]);
      expect(run.transform.name).toBe(`burst-${seq % 5}`);
      if (finished.has(uid)) expect(run.status).toBe("COMPLETED");
    }
    // no run is half-written, acknowledged or not
    for (const run of runs.values()) {
      expect(Object.keys(run.params)).toEqual(["seq"]);
      expect(run.inputArtifacts).toHaveLength(1);
      expect(run.status === "COMPLETED").toBe(run.finishedAt !== null);
    }
    expect(body.data.runs.totalCount).toBeGreaterThanOrEqual(tracked.size);

    // and the restarted server takes writes again
    expect((await second.gql(`mutation { track(input: { transform: { name: "after-restart" } }) { uid } }`)).body.data.track.uid).toMatch(/^[0-9A-Za-z]{20}$/);
    second.proc.kill("SIGTERM");
    expect(await second.exited).toEqual({ code: 0, signal: null });
  });
});
