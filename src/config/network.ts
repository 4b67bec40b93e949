// Network settings in their canonical forms: listen addresses, browser origins (--cors-origin),
// Host names (--allowed-host) and comma-separated lists of them.
/** Whether a listen address only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127(\.\d{1,3}){3}$/.test(bare) || /^::ffff:127(\.\d{1,3}){3}$/.test(bare);
}

/**
 * A browser origin as browsers serialise it (`https://app.example`, `http://localhost:5173`),
 * for --cors-origin. "*" and "null" are refused: either would let any page drive the service.
 */
export function normalizeOrigin(raw: string): string {
  const value = raw.trim();
  const invalid = (why: string) => new Error(`CORS origin ${JSON.stringify(raw)} ${why}`);
  if (value === "*" || value.toLowerCase() === "null") throw invalid("would allow any page; name each origin, e.g. https://app.example");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid("is not an origin (scheme://host[:port], e.g. https://app.example)");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw invalid("must use http or https");
  if (url.username || url.password || url.search || url.hash || url.pathname !== "/") {
    throw invalid("must be scheme://host[:port] only, without a path");
  }
  return url.origin;
}

/** A Host name the service answers to (any port), for --allowed-host; lower-cased, IPv6 in brackets. */
export function normalizeHostName(raw: string): string {
  let value = raw.trim().toLowerCase();
  if (value.includes(":") && !value.startsWith("[") && /^[0-9a-f:.]+$/.test(value)) value = `[${value}]`;
  const invalid = (why: string) => new Error(`allowed host ${JSON.stringify(raw)} ${why}`);
  if (/^\[[0-9a-f:.]+\]:\d+$/.test(value) || /^[^[\]:]+:\d+$/.test(value)) throw invalid("must be a name without a port (every port is served)");
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)$/.test(value)) throw invalid("is not a host name (e.g. registry.internal or 10.0.0.5)");
  try {
    return new URL(`http://${value}`).hostname;
  } catch {
    throw invalid("is not a host name (e.g. registry.internal or 10.0.0.5)");
  }
}

/** A comma-separated list setting (CORS_ORIGINS, ALLOWED_HOSTS): repeated flags win over the environment. */
export function listSetting(flags: readonly string[] | undefined, env: string | undefined): string[] {
  const given = flags?.length ? flags : (env ?? "").split(",");
  return given.map((item) => item.trim()).filter(Boolean);
}
