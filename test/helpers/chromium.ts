// Debian's Chromium for the browser specs, driven by playwright-core (which never downloads a
// browser). The flags keep a headless run on this closed network quiet: no background
// connections, no component updates, no sync.
import { existsSync } from "node:fs";
import { chromium, type BrowserContext } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const chromiumMissing = !existsSync(CHROMIUM);

/** Locally a missing browser skips the spec (with a message); in CI it fails it. */
export function skipWithoutChromium(spec: string): boolean {
  const skip = chromiumMissing && !process.env.CI;
  if (skip) process.stderr.write(`${spec} skipped: ${CHROMIUM} is missing (install Debian's chromium: apt-get install -y chromium)\n`);
  return skip;
}

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Chromium on the profile folder given (a persistent context is how playwright-core takes a
 * --user-data-dir: use a fresh folder per run), with extra command-line flags if any.
 */
export function launchChromium(
  profile: string,
  options: { args?: string[] } & Omit<NonNullable<Parameters<typeof chromium.launchPersistentContext>[1]>, "args" | "executablePath"> = {},
): Promise<BrowserContext> {
  const { args = [], ...rest } = options;
  return chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, ...rest, args: [...FLAGS, ...args] });
}
