// Test helper for the web UI specs: builds the UI from web/src into a scratch folder, serves
// a harness service over HTTP on 127.0.0.1, and opens Debian's Chromium (playwright-core) on a
// fresh profile. Console errors and page errors of every page are collected.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";
import { buildWeb } from "../../web/build.ts";
import { startTestService, type TestService } from "../harness.ts";
import { CHROMIUM, chromiumMissing, launchChromium, skipWithoutChromium } from "../helpers/chromium.ts";
import type { ServiceOptions } from "../../src/service.ts";

export { CHROMIUM, chromiumMissing, skipWithoutChromium };

export interface WebSession {
  svc: TestService;
  base: string;
  context: BrowserContext;
  /** "console error" and "page error" lines seen so far, with the page's URL. */
  problems: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function openWebSession(options: Omit<ServiceOptions, "databaseUrl" | "dataDir" | "uiDir"> = {}): Promise<WebSession> {
  if (chromiumMissing) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does when it is absent)`);
  const dirs = [mkdtempSync(path.join(tmpdir(), "lr-web-dist-")), mkdtempSync(path.join(tmpdir(), "lr-web-profile-"))];
  const [dist, profile] = dirs;
  let svc: TestService | undefined;
  let server: Server | undefined;
  let context: BrowserContext | undefined;
  const close = async () => {
    const steps: (() => unknown)[] = [
      () => context?.close(),
      () => server && new Promise((resolve) => server!.close(resolve)),
      () => svc?.stop(),
      () => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })),
    ];
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        process.stderr.write(`web session cleanup: ${(error as Error).message}\n`);
      }
    }
  };
  try {
    await buildWeb(dist);
    const starting = [
      startTestService({ ...options, uiDir: dist }).then(async (started) => {
        svc = started;
        server = createServer((request, response) => void started.yoga(request, response));
        server.keepAliveTimeout = 1000;
        await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
      }),
      launchChromium(profile, { viewport: { width: 1280, height: 900 }, acceptDownloads: true }).then((launched) => (context = launched)),
    ];
    const failed = (await Promise.allSettled(starting)).find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
  } catch (error) {
    await close();
    throw error;
  }
  context!.setDefaultTimeout(20_000);
  const problems: string[] = [];
  const base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  return {
    svc: svc!,
    base,
    context: context!,
    problems,
    newPage: async () => {
      const page = await context!.newPage();
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(`console error on ${page.url()}: ${message.text()}`);
      });
      page.on("pageerror", (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
      return page;
    },
    close,
  };
}

/** Where the specs save screenshots: docs/screenshots with UPDATE_SCREENSHOTS=1, a scratch folder otherwise. */
export function screenshotPath(name: string): string {
  const dir = process.env.UPDATE_SCREENSHOTS === "1" ? path.resolve("docs", "screenshots") : path.join(tmpdir(), "lr-web-screenshots");
  mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

/**
 * expect.poll with room for a loaded machine (its default gives up after one second): pages
 * load, query and poll the service (every 2 s for live status) while other specs run.
 */
export function poll<T>(read: () => T | Promise<T>) {
  return expect.poll(read, { timeout: 20_000, interval: 100 });
}
