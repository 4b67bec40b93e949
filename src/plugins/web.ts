// Yoga plugin that serves the web UI built into web/dist (see web/build.ts): the page for the
// client-side routes and its hashed assets, with a strict Content-Security-Policy. It runs after
// the host and origin checks, so the pages are refused exactly where the API is. The UI talks to
// the service only through /graphql.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "graphql-yoga";

export const WEB_DIST = fileURLToPath(new URL("../../web/dist", import.meta.url));

/** Routes the page answers itself (docs/architecture.md, "Web UI"); a uid is base62. */
const PAGE_ROUTES = /^\/(?:(?:runs|artifacts|collections|transforms|lineage)\/[A-Za-z0-9]{1,40}\/?)?$/;

/**
 * Scripts and styles only from the service's own files (no inline code, no eval), requests only
 * to the service itself, images also as data:/blob: URLs (PNG export), no framing, no plugins.
 */
export const WEB_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
};

interface WebFiles {
  index?: Uint8Array<ArrayBuffer>;
  assets: Map<string, { body: Uint8Array<ArrayBuffer>; type: string }>;
}

function loadFiles(dir: string): WebFiles {
  const assets = new Map<string, { body: Uint8Array<ArrayBuffer>; type: string }>();
  let index: Uint8Array<ArrayBuffer> | undefined;
  try {
    index = new Uint8Array(readFileSync(path.join(dir, "index.html")));
    for (const name of readdirSync(path.join(dir, "assets"))) {
      const type = TYPES[path.extname(name)];
      if (type) assets.set(name, { body: new Uint8Array(readFileSync(path.join(dir, "assets", name))), type });
    }
  } catch {
    // Not built: the page says how to build it.
  }
  return { index, assets };
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>lineage-registry</title>
<p>The web UI is not built. Run <code>npm run build:web</code> (npm ci and npm start do it), or use the API at <a href="/graphql">/graphql</a>.</p>`;

export function useWebUi(options: { dir?: string } = {}): Plugin {
  let files: WebFiles | undefined;
  const headers = (type: string, cache: string) => ({
    "content-type": type,
    "cache-control": cache,
    "content-security-policy": WEB_CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
  });
  return {
    onRequest({ request, url, fetchAPI, endResponse }) {
      if (request.method !== "GET" && request.method !== "HEAD") return;
      const isPage = PAGE_ROUTES.test(url.pathname);
      const asset = url.pathname.startsWith("/assets/") ? url.pathname.slice("/assets/".length) : undefined;
      if (!isPage && asset === undefined) return;
      files ??= loadFiles(options.dir ?? WEB_DIST);
      const body = (content: Uint8Array<ArrayBuffer> | string) => (request.method === "HEAD" ? null : content);
      if (isPage) {
        // The page names its assets by content hash, so it must never be cached stale.
        if (!files.index) endResponse(new fetchAPI.Response(body(NOT_BUILT), { status: 503, headers: headers("text/html; charset=utf-8", "no-store") }));
        else endResponse(new fetchAPI.Response(body(files.index), { headers: headers("text/html; charset=utf-8", "no-cache") }));
        return;
      }
      const found = asset ? files.assets.get(asset) : undefined;
      if (!found) {
        endResponse(new fetchAPI.Response(body("not found"), { status: 404, headers: headers("text/plain; charset=utf-8", "no-store") }));
        return;
      }
      endResponse(new fetchAPI.Response(body(found.body), { headers: headers(found.type, "public, max-age=31536000, immutable") }));
    },
  };
}
