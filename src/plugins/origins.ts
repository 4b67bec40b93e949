// CORS, closed by default: browsers may call the service from its own origin (GraphiQL, a web
// UI served by the same server) and from the origins the operator names; a request from any
// other origin is refused with 403 before anything runs, on every route.
import type { Plugin, YogaServerOptions } from "graphql-yoga";
import { normalizeOrigin } from "../config.ts";
import { requestAuthority } from "./hosts.ts";
import { isRefusal, refusal } from "./refusal.ts";

type CorsOption = NonNullable<YogaServerOptions<Record<string, unknown>, Record<string, unknown>>["cors"]>;

export interface OriginOptions {
  /** Origins besides the service's own whose pages may call it (`https://app.example`). */
  corsOrigins?: readonly string[];
}

/**
 * The origin a browser gives a page of this service: the scheme the request came in by and the
 * Host it was addressed to (which the host check has let through), so GraphiQL works at
 * http://127.0.0.1:PORT and at http://localhost:PORT alike. Behind a TLS-terminating proxy
 * the page's https origin differs from it: name it with --cors-origin.
 */
function ownOrigin(request: Request): string | undefined {
  try {
    return new URL(`${new URL(request.url).protocol}//${requestAuthority(request)}`).origin;
  } catch {
    return undefined;
  }
}

/** What an allowed origin's page may send and read. */
const CORS_HEADERS = {
  methods: ["GET", "POST"],
  // x-graphql-yoga-csrf: the CSRF-prevention header (CSRF_HEADER in yoga.ts), for GET requests.
  allowedHeaders: ["content-type", "accept", "authorization", "x-graphql-yoga-csrf", "x-request-id"],
  exposedHeaders: ["x-request-id"],
  // No Access-Control-Allow-Credentials: the service authenticates with bearer tokens, which
  // a page sends explicitly in the Authorization header (allowed above), never with cookies,
  // HTTP authentication or client certificates. Without it, a page cannot read an answer to
  // a request the browser sent with such ambient credentials (fetch credentials: "include").
  credentials: false,
  maxAge: 600,
};

export function useOriginCheck(options: OriginOptions = {}): { plugin: Plugin; cors: CorsOption } {
  const allowed = new Set((options.corsOrigins ?? []).map(normalizeOrigin));
  /** undefined: no Origin header (curl, server-to-server), nothing to decide. */
  const verdict = (request: Request): { origin: string; allowed: boolean } | undefined => {
    const origin = request.headers.get("origin");
    if (origin === null) return undefined;
    // "null" is the origin of sandboxed frames, file: pages and redirected requests: anyone can
    // make a browser send it, so it is never an allowed origin.
    if (origin === "null") return { origin, allowed: false };
    return { origin, allowed: allowed.has(origin) || origin === ownOrigin(request) };
  };
  const check = (request: Request, fetchAPI: { Response: typeof Response }) => {
    const found = verdict(request);
    if (!found || found.allowed) return undefined;
    return refusal(
      fetchAPI,
      403,
      "FORBIDDEN",
      `requests from the browser origin ${JSON.stringify(found.origin)} are not allowed; ` +
        "start the service with --cors-origin <origin> to allow a web application's origin",
    );
  };
  // Yoga's own CORS plugin writes the headers, for allowed origins only (no header at all for
  // others, so nothing is echoed to a page that is refused).
  const cors: CorsOption = (request: Request) => {
    const found = verdict(request);
    return found?.allowed ? { origin: [found.origin], ...CORS_HEADERS } : false;
  };
  const plugin: Plugin = {
    onRequest({ request, fetchAPI, endResponse }) {
      const refused = check(request, fetchAPI);
      if (refused) endResponse(refused);
    },
    onResponse({ request, response, setResponse, fetchAPI }) {
      // /health, preflights and the GraphiQL page are answered by Yoga before this plugin's onRequest: see hosts.ts.
      if (isRefusal(response)) {
        // Yoga's CORS plugin has run by now; a refusal lets no page read it, whichever check
        // refused it (a foreign Host makes a rebound page's origin look like the service's own).
        for (const name of [...response.headers.keys()]) if (name.startsWith("access-control-")) response.headers.delete(name);
      } else {
        const refused = check(request, fetchAPI);
        if (refused) {
          setResponse(refused);
          response = refused;
        }
      }
      // Whether a response is served, and its CORS headers, depend on the Origin: caches must key on it.
      if (!/\borigin\b/i.test(response.headers.get("vary") ?? "")) response.headers.append("vary", "Origin");
    },
  };
  return { plugin, cors };
}
