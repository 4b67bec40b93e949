// The web UI under --auth token, in Chromium: the page asks for a token, keeps it in this tab's
// sessionStorage only (no cookie, no localStorage, no URL), and a 401 brings the prompt back.
// Also: --no-ui serves no page, and the API stays where it was.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken, createUser, revokeToken } from "../../src/auth/accounts.ts";
import { startTestService, TEST_DB } from "../harness.ts";
import { openWebSession, poll, skipWithoutChromium, type WebSession } from "./browser.ts";

const skip = skipWithoutChromium("test/web/auth.test.ts");

describe.skipIf(skip)(`the web UI with token authentication (${TEST_DB})`, () => {
  let web: WebSession;
  let reader: { secret: string; uid: string };
  let runUid: string;

  beforeAll(async () => {
    web = await openWebSession({ auth: "token" });
    await createUser(web.svc.db, { handle: "viewer" });
    const created = await createToken(web.svc.db, { userHandle: "viewer", scopes: ["read"] });
    reader = { secret: created.secret, uid: created.token.uid };
    const writer = await createToken(web.svc.db, { userHandle: "viewer", scopes: ["read", "write"] });
    const tracked = await web.svc.gql(
      `mutation { track(input: { transform: { name: "guarded" } }) { uid } }`,
      {},
      { authorization: `Bearer ${writer.secret}` },
    );
    runUid = tracked.data.track.uid;
  });

  afterAll(async () => {
    await web?.close();
  });

  it("asks for a token, keeps it in sessionStorage only, and asks again after a 401", async () => {
    const page = await web.newPage();
    await page.goto(`${web.base}/`);
    const prompt = page.getByRole("dialog", { name: "API token" });
    await prompt.waitFor();
    await prompt.getByLabel("Token").fill("lr_not-a-real-token");
    await prompt.getByRole("button", { name: "Use token" }).click();
    await poll(() => prompt.textContent()).toContain("refused");
    await prompt.getByLabel("Token").fill(reader.secret);
    await prompt.getByRole("button", { name: "Use token" }).click();
    await page.locator(`tr[data-uid="${runUid}"]`).waitFor();
    expect(await prompt.count()).toBe(0);

    // Where the token is, and where it is not.
    expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([reader.secret]);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(await page.evaluate(() => document.cookie)).toBe("");
    expect(await web.context.cookies()).toEqual([]);
    expect(page.url()).not.toContain(reader.secret);

    // Another page of this tab keeps it; a reload too.
    await page.locator(`tr[data-uid="${runUid}"] a.uid`).click();
    await page.getByTestId("run-status").waitFor();
    await page.reload();
    await page.getByTestId("run-status").waitFor();
    expect(await prompt.count()).toBe(0);

    // A new tab starts without it.
    const other = await web.newPage();
    await other.goto(`${web.base}/runs/${runUid}`);
    await other.getByRole("dialog", { name: "API token" }).waitFor();
    await other.close();

    // Revoked: the next request gets 401, the prompt comes back and the token is dropped.
    await revokeToken(web.svc.db, reader.uid);
    await page.goto(`${web.base}/`);
    await prompt.waitFor();
    expect(await prompt.textContent()).toContain("refused");
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.close();
  });

  it("logs no console error or page error besides the expected 401 answers", () => {
    expect(web.problems.filter((line) => !/status of 401/.test(line))).toEqual([]);
  });
});

describe("--no-ui", () => {
  it("serves no page at / and keeps the API and GraphiQL", async () => {
    const svc = await startTestService({ ui: false });
    try {
      expect((await svc.yoga.fetch("http://localhost/")).status).toBe(404);
      expect((await svc.yoga.fetch("http://localhost/runs/abc")).status).toBe(404);
      expect((await svc.yoga.fetch("http://localhost/graphql", { headers: { accept: "text/html" } })).status).toBe(200);
      expect((await svc.gql("{ me { handle } }")).data.me.handle).toBe("local");
    } finally {
      await svc.stop();
    }
  });
});
