// The only module that listens: reads flags and environment, refuses unsafe settings, takes
// the port and (SQLite) the data dir's lock before it opens the database, starts the service,
// and shuts it down gracefully (not ready at once, in-flight requests finish, then the
// database closes).
import { createServer, type RequestListener, type ServerResponse } from "node:http";
import net from "node:net";
import { parseArgs } from "node:util";
import { isLoopbackHost, LIMIT_ENV, listSetting, normalizeHostName, normalizeOrigin, parseAuthMode, resolveLimits } from "./config.ts";
import { isPostgresUrl } from "./db/database.ts";
import { lockDataDir, type DataDirLock } from "./db/lock.ts";
import { createLogger, parseLogLevel } from "./log.ts";
import { createService, type Service } from "./service.ts";

const HELP = `lineage-registry: GraphQL service for runs, transforms, artifacts and their lineage

Usage: npm start -- [options]

Options (environment variable in brackets):
  --port <n>            port to listen on [PORT] (default 4000)
  --host <addr>         address to listen on [HOST] (default 127.0.0.1)
  --data-dir <dir>      folder of the embedded SQLite database and default storage [DATA_DIR] (default ./data)
  --database-url <u>    postgresql://… to run on PostgreSQL instead of SQLite [DATABASE_URL]
  --storage-root <r>    root of the default storage [STORAGE_ROOT] (default <data-dir>/storage)
  --auth <mode>         off | token [AUTH] (default off; off is refused unless --host is loopback)
  --no-introspection    refuse __schema/__type queries and hide field suggestions [INTROSPECTION=false]
  --no-graphiql         do not serve the GraphiQL IDE [GRAPHIQL=false]
  --no-csrf-prevention  accept simple (non-preflighted) requests without the x-graphql-yoga-csrf header [CSRF_PREVENTION=false]
  --cors-origin <o>     let pages of this browser origin call the service, e.g. https://app.example; repeatable
                        [CORS_ORIGINS, comma-separated] (default: none; the service's own origin is always allowed)
  --allowed-host <n>    serve requests addressed to this Host name besides localhost, 127.x.x.x and [::1]; repeatable
                        [ALLOWED_HOSTS, comma-separated] (auth off: other names get 421; auth token: any name unless given)
  --log-level <l>       debug | info | warn | error | silent [LOG_LEVEL] (default info)
  --response-cache-ttl <ms>  answer repeated queries from a per-caller cache for this long; every write empties it
                        [RESPONSE_CACHE_TTL_MS] (default 0: off)
  --shutdown-timeout <ms>  longest wait for in-flight requests on SIGTERM/SIGINT [SHUTDOWN_TIMEOUT_MS] (default 10000)
  -h, --help            show this help

Query limits (environment only; defaults in brackets):
${Object.entries(LIMIT_ENV)
  .map(([key, env]) => `  ${env.padEnd(26)} ${key} [${resolveLimits({}, {})[key as keyof typeof LIMIT_ENV]}]`)
  .join("\n")}

Users and tokens: npm run cli -- --help
`;

function fail(message: string): never {
  process.stderr.write(`lineage-registry: ${message}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "data-dir": { type: "string" },
      "database-url": { type: "string" },
      "storage-root": { type: "string" },
      auth: { type: "string" },
      "no-introspection": { type: "boolean" },
      "no-graphiql": { type: "boolean" },
      "no-csrf-prevention": { type: "boolean" },
      "cors-origin": { type: "string", multiple: true },
      "allowed-host": { type: "string", multiple: true },
      "log-level": { type: "string" },
      "shutdown-timeout": { type: "string" },
      "response-cache-ttl": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  }));
} catch (error) {
  fail(`${(error as Error).message}\n${HELP}`);
}

if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const port = Number(values.port ?? process.env.PORT ?? 4000);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid port: ${values.port ?? process.env.PORT}`);
const host = values.host ?? process.env.HOST ?? "127.0.0.1";
const databaseUrl = values["database-url"] ?? process.env.DATABASE_URL;
if (databaseUrl && !isPostgresUrl(databaseUrl)) fail("DATABASE_URL must be a postgresql:// URL (leave it unset for the embedded SQLite database)");
const shutdownTimeoutMs = Number(values["shutdown-timeout"] ?? process.env.SHUTDOWN_TIMEOUT_MS ?? 10_000);
if (!Number.isFinite(shutdownTimeoutMs) || shutdownTimeoutMs < 0) fail("the shutdown timeout must be a number of milliseconds");
const responseCacheTtlMs = Number(values["response-cache-ttl"] ?? process.env.RESPONSE_CACHE_TTL_MS ?? 0);
if (!Number.isInteger(responseCacheTtlMs) || responseCacheTtlMs < 0) fail("the response cache TTL must be a whole number of milliseconds");

let auth, logLevel, limits, corsOrigins, allowedHosts;
try {
  auth = parseAuthMode(values.auth ?? process.env.AUTH) ?? "off";
  corsOrigins = listSetting(values["cors-origin"], process.env.CORS_ORIGINS).map(normalizeOrigin);
  allowedHosts = listSetting(values["allowed-host"], process.env.ALLOWED_HOSTS).map(normalizeHostName);
  logLevel = parseLogLevel(values["log-level"] ?? process.env.LOG_LEVEL, "info");
  limits = resolveLimits();
} catch (error) {
  fail((error as Error).message);
}
if (auth === "off" && !isLoopbackHost(host)) {
  fail(
    `refusing to listen on ${host} with authentication off: anyone who can reach it could read and change every record.\n` +
      `Start with --auth token (AUTH=token) and create tokens with "npm run cli -- token create", or listen on 127.0.0.1.`,
  );
}

const logger = createLogger(logLevel);
const dataDir = values["data-dir"] ?? process.env.DATA_DIR ?? "data";

/** A start-up failure: one line on stderr, exit 1 (2 is for bad flags and settings). */
function failStart(message: string): never {
  process.stderr.write(`lineage-registry: ${message}\n`);
  process.exit(1);
}

// Requests are handed to the app between start-up and shutdown; before and after, and on
// connections kept alive into the shutdown, they are answered 503 and the connection closes.
let app: RequestListener | undefined;
let stopping = false;
const inFlight = new Set<ServerResponse>();
const server = createServer((request, response) => {
  if (!app || stopping) {
    request.resume();
    response.writeHead(503, { "content-type": "application/json; charset=utf-8", "retry-after": "1", connection: "close" });
    const message = `the server is ${app ? "shutting down" : "starting"}; retry the request`;
    response.end(JSON.stringify({ errors: [{ message, extensions: { code: "RETRYABLE" } }] }));
    return;
  }
  inFlight.add(response);
  response.once("close", () => {
    inFlight.delete(response);
    if (stopping) void finishShutdown();
  });
  app(request, response);
});
// A client gets 10 s to send its headers and 30 s for its whole request: slow senders cannot
// hold connections open indefinitely (the handling time of a request is not limited here).
server.headersTimeout = 10_000;
server.requestTimeout = 30_000;

// The port first: when it is taken, nothing is created or opened.
try {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  if (code === "EADDRINUSE") failStart(`cannot listen on ${where}: the port is already in use (another server?); stop it or choose another --port`);
  if (code === "EACCES") failStart(`cannot listen on ${where}: permission denied; choose a port above 1023`);
  if (code === "EADDRNOTAVAIL") failStart(`cannot listen on ${where}: ${host} is not an address of this machine`);
  failStart(`cannot listen on ${where}: ${(error as Error).message}`);
}

// One server per SQLite data dir, checked before the database is opened. Several servers on
// one PostgreSQL database are supported, so there is nothing to lock there.
let lock: DataDirLock | undefined;
if (!databaseUrl) {
  try {
    lock = lockDataDir(dataDir);
  } catch (error) {
    failStart((error as Error).message);
  }
}

let service: Service;
try {
  service = await createService({
    databaseUrl,
    dataDir,
    storageRoot: values["storage-root"] ?? process.env.STORAGE_ROOT,
    graphiql: !(values["no-graphiql"] || process.env.GRAPHIQL === "false"),
    introspection: !(values["no-introspection"] || process.env.INTROSPECTION === "false"),
    csrfPrevention: !(values["no-csrf-prevention"] || process.env.CSRF_PREVENTION === "false"),
    corsOrigins,
    allowedHosts,
    auth,
    limits,
    logger,
    processMetrics: true,
    responseCacheTtlMs,
  });
} catch (error) {
  failStart(`cannot open the database: ${(error as Error).message.trim().split("\n")[0]}`);
}
// Yoga answers its own errors, so the promise it returns settles without rejecting.
app = (request, response) => void service.yoga(request, response);
const address = server.address();
logger.log("info", "lineage-registry listening", {
  url: `http://${host.includes(":") ? `[${host}]` : host}:${typeof address === "object" && address ? address.port : port}/graphql`,
  port: typeof address === "object" && address ? address.port : port,
  database: service.db.provider,
  location: service.db.location,
  auth,
});

// Shutdown drains: /ready turns 503, the listening socket closes, requests in flight run to
// their end (answered with Connection: close), requests that arrive meanwhile on kept-alive
// connections are answered 503; then the remaining connections and the database close.
let stopSignal = "";
async function shutdown(signal: string) {
  if (stopSignal) return;
  stopSignal = signal;
  service.beginShutdown();
  // Two turns of the event loop first: a connection accepted in this turn has its request
  // read in the next one. After a long synchronous SQLite statement the signal may be handled
  // before requests that were sent well before it.
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
  stopping = true;
  logger.log("info", "shutting down", { signal, inFlight: inFlight.size });
  // http.Server#close would also destroy every connection it deems idle, including one whose
  // request is still unread in its socket buffer (the event loop was busy): close only the
  // listening socket, and the connections once no request is in flight.
  net.Server.prototype.close.call(server);
  for (const response of inFlight) if (!response.headersSent) response.setHeader("connection", "close");
  setTimeout(() => {
    logger.log("error", "in-flight requests did not finish in time; exiting", { timeoutMs: shutdownTimeoutMs, inFlight: inFlight.size });
    process.exit(1);
  }, shutdownTimeoutMs).unref();
  await finishShutdown();
}

let finishing = false;
async function finishShutdown() {
  if (finishing || inFlight.size > 0) return;
  finishing = true;
  server.closeIdleConnections();
  await service.close();
  lock?.release();
  logger.log("info", "stopped", { signal: stopSignal });
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
