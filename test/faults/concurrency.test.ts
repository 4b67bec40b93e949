// Concurrent writers with authentication on: 60 track + finishRun pairs from several users'
// tokens at once, plus refused writers mixed in; nothing is lost, every run is recorded as its
// token's user, and the refused requests write nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken, createUser } from "../../src/auth/accounts.ts";
import { startTestService, type GqlResult, type TestService } from "../harness.ts";

const WRITERS = 60;
const USERS = ["ana", "ben", "chen"];

describe("concurrent writers with tokens", () => {
  let svc: TestService;
  const writeTokens: { user: string; secret: string }[] = [];
  let readOnly: string;
  beforeAll(async () => {
    svc = await startTestService({ auth: "token", poolSize: 10 });
    for (const user of USERS) {
      await createUser(svc.db, { handle: user });
      // two tokens per user: concurrent lastUsedAt bookkeeping on the same user
      for (let i = 0; i < 2; i++) writeTokens.push({ user, secret: (await createToken(svc.db, { userHandle: user, scopes: "read,write" })).secret });
    }
    readOnly = (await createToken(svc.db, { userHandle: "ana", scopes: "read" })).secret;
  });
  afterAll(async () => svc?.stop());

  it(`lands ${WRITERS} concurrent track + finishRun pairs, each as its token's user`, async () => {
    const landed = (result: GqlResult<any>) => {
      if (result.errors?.length) {
        // under load a write may be refused as RETRYABLE; the client then tries again
        if (result.errors[0].extensions?.code !== "RETRYABLE") throw new Error(JSON.stringify(result.errors));
        return false;
      }
      return true;
    };
    const attempt = async <T>(fn: () => Promise<GqlResult<T>>): Promise<GqlResult<T>> => {
      for (let i = 0; ; i++) {
        const result = await fn();
        if (landed(result) || i >= 5) return result;
      }
    };
    const jobs = Array.from({ length: WRITERS }, async (_, i) => {
      const token = writeTokens[i % writeTokens.length];
      const headers = { authorization: `Bearer ${token.secret}` };
      const tracked = await attempt(() =>
        svc.gql(`mutation($n: String!) { track(input: { transform: { name: $n } }) { uid createdBy { handle } } }`, { n: `job-${i % 7}` }, headers),
      );
      expect(tracked.data.track.createdBy.handle).toBe(token.user);
      const finished = await attempt(() =>
        svc.gql(`mutation($uid: String!) { finishRun(input: { uid: $uid }) { status } }`, { uid: tracked.data.track.uid }, headers),
      );
      expect(finished.data.finishRun.status).toBe("COMPLETED");
      return { uid: tracked.data.track.uid as string, user: token.user };
    });
    const refused = Array.from({ length: 10 }, (_, i) =>
      svc.gql(`mutation($n: String!) { track(input: { transform: { name: $n } }) { uid } }`, { n: `refused-${i}` }, { authorization: `Bearer ${readOnly}` }),
    );
    const [runs, refusals] = await Promise.all([Promise.all(jobs), Promise.all(refused)]);
    for (const refusal of refusals) expect(refusal.errors?.[0].extensions?.code).toBe("FORBIDDEN");

    expect(new Set(runs.map((run) => run.uid)).size).toBe(WRITERS);
    const stored = await svc.db.prisma.run.findMany({ include: { createdBy: true, transform: true } });
    expect(stored).toHaveLength(WRITERS);
    for (const run of runs) {
      const row = stored.find((candidate) => candidate.uid === run.uid);
      expect(row?.createdBy.handle).toBe(run.user);
      expect(row?.status).toBe("COMPLETED");
      expect(row?.finishedAt).not.toBeNull();
    }
    for (const user of USERS) expect(stored.filter((row) => row.createdBy.handle === user)).toHaveLength(WRITERS / USERS.length);
    expect(await svc.db.prisma.transform.count({ where: { name: { startsWith: "refused-" } } })).toBe(0);
    // seven transforms, created once each despite the races on get-or-create
    expect(await svc.db.prisma.transform.count({ where: { name: { startsWith: "job-" } } })).toBe(7);
  });
});
