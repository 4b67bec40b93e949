// Yoga plugin that serves only requests addressed to a name the service is known by (its Host
// header): a page on a foreign name that an attacker points at 127.0.0.1 (DNS rebinding) is
// answered 421 Misdirected Request, before anything runs, on every route.
import { isIP } from "node:net";
import type { Plugin } from "graphql-yoga";
import { normalizeHostName } from "../config.ts";
import { isRefusal, refusal } from "./refusal.ts";

export interface HostCheckOptions {
  /** Names served besides the loopback ones (localhost, 127.x.x.x, [::1]), on any port. */
  allowedHosts?: readonly string[];
  /** Serve every Host name (loopback and allowedHosts then add nothing). */
  anyHost?: boolean;
}

// Only what a browser or an HTTP client puts in a Host header: a name or an IP literal and a
// port. Anything else (userinfo, paths) is refused rather than handed to a lenient URL parser.
const AUTHORITY = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(:\d{1,5})?$/;

/** The authority the request was addressed to: its Host header, or its URL's when there is none. */
export function requestAuthority(request: Request): string {
  return request.headers.get("host") ?? new URL(request.url).host;
}

/** The host name of an authority, normalised as browsers do (lower case, canonical IP literals); undefined if malformed. */
export function hostNameOf(authority: string): string | undefined {
  if (!AUTHORITY.test(authority)) return undefined;
  try {
    return new URL(`http://${authority}`).hostname;
  } catch {
    return undefined;
  }
}

/** Names that only ever mean this machine: no DNS answer can point them elsewhere. */
export function isLoopbackName(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || (isIP(hostname) === 4 && hostname.startsWith("127."));
}

export function useHostCheck(options: HostCheckOptions = {}): Plugin {
  const allowed = new Set((options.allowedHosts ?? []).map(normalizeHostName));
  const check = (request: Request, fetchAPI: { Response: typeof Response }) => {
    if (options.anyHost) return undefined;
    const authority = requestAuthority(request);
    const hostname = hostNameOf(authority);
    if (hostname && (isLoopbackName(hostname) || allowed.has(hostname))) return undefined;
    return refusal(
      fetchAPI,
      421,
      "MISDIRECTED_REQUEST",
      `this service does not answer to the host name ${JSON.stringify(authority)}: it serves loopback names (localhost, 127.0.0.1, [::1])` +
        `${allowed.size ? ` and ${[...allowed].join(", ")}` : ""}; start it with --allowed-host <name> to serve another name`,
    );
  };
  return {
    onRequest({ request, fetchAPI, endResponse }) {
      const refused = check(request, fetchAPI);
      if (refused) endResponse(refused);
    },
    // Yoga answers /health, CORS preflights and the GraphiQL page itself, before any plugin of
    // the application sees the request. Those answers compute nothing; they are replaced here,
    // so that every route refuses a foreign name alike.
    onResponse({ request, response, setResponse, fetchAPI }) {
      if (isRefusal(response)) return;
      const refused = check(request, fetchAPI);
      if (refused) setResponse(refused);
    },
  };
}
