// Authentication and scopes: bearer tokens (missing, bad, revoked, expired), read/write/admin
// on queries, mutations and admin operations, `me`, the CLI, and auth mode "off".
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createToken, createUser, TRUSTED_FOR_MS } from "../../src/auth/accounts.ts";
import { expectError, ok, startTestService, TEST_DB, type TestService } from "../harness.ts";

const run = promisify(execFile);
const TRACK = `mutation($name: String!) { track(input: { transform: { name: $name } }) { uid createdBy { handle } } }`;

describe("auth mode token", () => {
  let svc: TestService;
  const tokens: Record<string, string> = {};
  const bearer = (name: string) => ({ authorization: `Bearer ${tokens[name]}` });

  beforeAll(async () => {
    svc = await startTestService({ auth: "token" });
    await createUser(svc.db, { handle: "alice", name: "Alice" });
    await createUser(svc.db, { handle: "root", name: "Operator" });
    for (const [name, user, scopes] of [
      ["read", "alice", "read"],
      ["write", "alice", "write"],
      ["readWrite", "alice", "read,write"],
      ["admin", "root", "admin"],
    ] as const) {
      tokens[name] = (await createToken(svc.db, { userHandle: user, scopes })).secret;
    }
  });
  afterAll(async () => svc?.stop());

  it("refuses requests without a valid token, with 401 and nothing changed", async () => {
    const before = await svc.snapshot();
    const cases: [string, Record<string, string>][] = [
      ["no header", {}],
      ["empty bearer", { authorization: "Bearer " }],
      ["wrong scheme", { authorization: `Basic ${tokens.admin}` }],
      ["unknown token", { authorization: "Bearer lr_thisTokenWasNeverIssuedByThisRegistry000" }],
      ["token with a changed character", { authorization: `Bearer ${tokens.admin.slice(0, -1)}${tokens.admin.endsWith("a") ? "b" : "a"}` }],
    ];
    for (const [label, headers] of cases) {
      const response = await svc.yoga.fetch("http://localhost/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
        body: JSON.stringify({ query: TRACK, variables: { name: `refused-${label}` } }),
      });
      expect(response.status, label).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
      const body = await response.json();
      expect(body.data, label).toBeUndefined();
      expectError(body, "UNAUTHENTICATED");
    }
    expect(await svc.snapshot()).toEqual(before);
  });

  it("read tokens query but cannot write; write tokens write as their user", async () => {
    ok(await svc.gql(`{ runs { totalCount } }`, {}, bearer("read")));
    const before = await svc.snapshot();
    const refused = await svc.gql(TRACK, { name: "read-only" }, bearer("read"));
    expect(expectError(refused, "FORBIDDEN").message).toMatch(/needs the write scope/);
    expect(await svc.snapshot()).toEqual(before);

    // the run is recorded as alice's; the user record is not part of what track wrote, so a
    // write-only token reads it with a read token (scopes on mutation results)
    const tracked = ok(await svc.gql(`mutation { track(input: { transform: { name: "written" } }) { uid status } }`, {}, bearer("write"))).track;
    expect(tracked.status).toBe("STARTED");
    const creator = ok(await svc.gql(`query($uid: String!) { run(uid: $uid) { createdBy { handle } } }`, { uid: tracked.uid }, bearer("read"))).run;
    expect(creator.createdBy.handle).toBe("alice");
    const withoutRead = await svc.gql(TRACK, { name: "written" }, bearer("write"));
    const error = expectError(withoutRead, "FORBIDDEN");
    expect(error.path).toEqual(["track", "createdBy"]);
    expect(error.message).toMatch(/^Run\.createdBy needs the read scope/);
    expect(withoutRead.data).toBeNull();
    // write does not include read: a write-only token is for workflow tools, not dashboards
    expectError(await svc.gql(`{ runs { totalCount } }`, {}, bearer("write")), "FORBIDDEN");
  });

  it("me answers the caller, whatever its scopes", async () => {
    expect(ok(await svc.gql(`{ me { handle scopes } }`, {}, bearer("write"))).me).toEqual({ handle: "alice", scopes: ["WRITE"] });
    expect(ok(await svc.gql(`{ me { handle scopes } }`, {}, bearer("readWrite"))).me).toEqual({ handle: "alice", scopes: ["READ", "WRITE"] });
    expect(ok(await svc.gql(`{ me { handle scopes } }`, {}, bearer("admin"))).me).toEqual({ handle: "root", scopes: ["READ", "WRITE", "ADMIN"] });
  });

  it("admin operations need admin: users, tokens, permanent deletes, restoring others' records", async () => {
    const before = await svc.snapshot();
    expectError(await svc.gql(`mutation { createUser(input: { handle: "mallory" }) { uid } }`, {}, bearer("readWrite")), "FORBIDDEN");
    expectError(await svc.gql(`mutation { createApiToken(input: { user: "alice", scopes: [ADMIN] }) { secret } }`, {}, bearer("readWrite")), "FORBIDDEN");
    expectError(await svc.gql(`{ apiTokens { uid } }`, {}, bearer("readWrite")), "FORBIDDEN");
    expect(await svc.snapshot()).toEqual(before);

    const run = ok(await svc.gql(TRACK, { name: "to-delete" }, bearer("readWrite"))).track;
    expectError(await svc.gql(`mutation($uid: String!) { deleteRun(uid: $uid, permanent: true) { uid } }`, { uid: run.uid }, bearer("readWrite")), "FORBIDDEN");
    ok(await svc.gql(`mutation($uid: String!) { deleteRun(uid: $uid) { uid } }`, { uid: run.uid }, bearer("readWrite")));
    // restoring one's own record needs no admin; another user's does
    const other = ok(await svc.gql(TRACK, { name: "roots-run" }, bearer("admin"))).track;
    ok(await svc.gql(`mutation($uid: String!) { deleteRun(uid: $uid) { uid } }`, { uid: other.uid }, bearer("admin")));
    expectError(await svc.gql(`mutation($uid: String!) { restoreRun(uid: $uid) { uid } }`, { uid: other.uid }, bearer("readWrite")), "FORBIDDEN");
    ok(await svc.gql(`mutation($uid: String!) { restoreRun(uid: $uid) { uid } }`, { uid: run.uid }, bearer("readWrite")));
    ok(await svc.gql(`mutation($uid: String!) { deleteRun(uid: $uid, permanent: true) { uid } }`, { uid: run.uid }, bearer("admin")));
  });

  it("an admin issues a token over GraphQL; it works at once and stops at revocation", async () => {
    ok(await svc.gql(`mutation { createUser(input: { handle: "bot", name: "CI bot" }) { handle } }`, {}, bearer("admin")));
    const created = ok(
      await svc.gql(
        `mutation { createApiToken(input: { user: "bot", scopes: [READ, WRITE], name: "ci" }) { secret apiToken { uid name scopes status user { handle } } } }`,
        {},
        bearer("admin"),
      ),
    ).createApiToken;
    expect(created.secret).toMatch(/^lr_[0-9A-Za-z]{43}$/);
    expect(created.apiToken).toMatchObject({ name: "ci", scopes: ["READ", "WRITE"], status: "ACTIVE", user: { handle: "bot" } });

    // only the hash is stored
    const row = await svc.db.prisma.apiToken.findUniqueOrThrow({ where: { uid: created.apiToken.uid } });
    expect(row.secretHash).toBe(createHash("sha256").update(created.secret).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(created.secret.slice(3));

    const botHeaders = { authorization: `Bearer ${created.secret}` };
    expect(ok(await svc.gql(TRACK, { name: "bot-run" }, botHeaders)).track.createdBy.handle).toBe("bot");
    expect((await svc.db.prisma.apiToken.findUniqueOrThrow({ where: { uid: created.apiToken.uid } })).lastUsedAt).not.toBeNull();

    const listed = ok(await svc.gql(`{ apiTokens(user: "bot") { uid status } }`, {}, bearer("admin"))).apiTokens;
    expect(listed).toEqual([{ uid: created.apiToken.uid, status: "ACTIVE" }]);

    const revoked = ok(
      await svc.gql(`mutation($uid: String!) { revokeApiToken(uid: $uid) { status revokedAt } }`, { uid: created.apiToken.uid }, bearer("admin")),
    ).revokeApiToken;
    expect(revoked.status).toBe("REVOKED");
    const before = await svc.snapshot();
    expect(expectError(await svc.gql(TRACK, { name: "after-revoke" }, botHeaders), "UNAUTHENTICATED").message).toBe("token revoked");
    expect(await svc.snapshot()).toEqual(before);
    expectError(await svc.gql(`mutation { revokeApiToken(uid: "nosuchtoken0") { uid } }`, {}, bearer("admin")), "NOT_FOUND");
    expectError(
      await svc.gql(`mutation { createApiToken(input: { user: "bot", scopes: [READ], expiresIn: "soon" }) { secret } }`, {}, bearer("admin")),
      "VALIDATION_FAILED",
    );
    expectError(await svc.gql(`mutation { createUser(input: { handle: "bot" }) { uid } }`, {}, bearer("admin")), "CONFLICT");
  });

  it("an expired token is refused", async () => {
    const { secret, token } = await createToken(svc.db, { userHandle: "alice", scopes: "read", expiresIn: "1h" });
    ok(await svc.gql(`{ me { handle } }`, {}, { authorization: `Bearer ${secret}` }));
    expect(token.expiresAt).not.toBeNull();
    // Two hours later (the token was just trusted: its expiry is still checked on each request).
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 2 * 3_600_000);
      expect(expectError(await svc.gql(`{ me { handle } }`, {}, { authorization: `Bearer ${secret}` }), "UNAUTHENTICATED").message).toBe("token expired");
    } finally {
      vi.useRealTimers();
    }
  });

  it("the CLI creates users and tokens, lists and revokes them on the same database", async () => {
    const where = TEST_DB === "postgres" ? ["--database-url", svc.db.location] : ["--data-dir", path.dirname(svc.db.location)];
    const cli = (...args: string[]) =>
      run(process.execPath, ["--import", "tsx", "src/cli.ts", ...args, ...where, "--json"], { cwd: process.cwd(), env: { ...process.env, DATABASE_URL: "" } });

    const user = JSON.parse((await cli("user", "create", "--handle", "carol", "--name", "Carol")).stdout);
    expect(user).toMatchObject({ handle: "carol", name: "Carol" });
    const issued = JSON.parse((await cli("token", "create", "--user", "carol", "--scopes", "read,write", "--expires-in", "30d", "--name", "laptop")).stdout);
    expect(issued.token).toMatch(/^lr_/);
    expect(new Date(issued.expiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(ok(await svc.gql(`{ me { handle scopes } }`, {}, { authorization: `Bearer ${issued.token}` })).me).toEqual({
      handle: "carol",
      scopes: ["READ", "WRITE"],
    });

    const listed = JSON.parse((await cli("token", "list", "--user", "carol")).stdout);
    expect(listed).toEqual([expect.objectContaining({ uid: issued.uid, name: "laptop", status: "active", scopes: ["read", "write"] })]);
    expect(JSON.stringify(listed)).not.toContain(issued.token);

    await cli("token", "revoke", issued.uid);
    // Revoked by another process: the server refuses the token once the short while it trusts
    // a token it has just read is over.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + TRUSTED_FOR_MS);
      expectError(await svc.gql(`{ me { handle } }`, {}, { authorization: `Bearer ${issued.token}` }), "UNAUTHENTICATED");
    } finally {
      vi.useRealTimers();
    }

    await expect(cli("token", "create", "--user", "carol", "--scopes", "root")).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("unknown scope"),
    });
    await expect(cli("token", "create", "--user", "nobody", "--scopes", "read")).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("NOT_FOUND"),
    });
  });
});

describe("auth mode off", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ auth: "off" });
  });
  afterAll(async () => svc?.stop());

  it("acts as the local user with every scope, and ignores tokens", async () => {
    expect(ok(await svc.gql(`{ me { handle scopes } }`)).me).toEqual({ handle: "local", scopes: ["READ", "WRITE", "ADMIN"] });
    expect(ok(await svc.gql(TRACK, { name: "local-run" })).track.createdBy.handle).toBe("local");
    expect(ok(await svc.gql(`{ me { handle } }`, {}, { authorization: "Bearer whatever" })).me.handle).toBe("local");
  });
});
