// The only module that listens: reads flags and environment, refuses unsafe settings, takes
// the port and (SQLite) the data dir's lock before it opens the database, starts the service,
// and shuts it down gracefully (not ready at once, in-flight requests finish, then the
// database closes).
import "./runtime-defaults.ts";
import { createServer, type RequestListener, type ServerResponse } from "node:http";
import net from "node:net";
import { isLoopbackHost } from "./config.ts";
import { serverHelp } from "./config/docs.ts";
import { ConfigError, loadConfig } from "./config/load.ts";
import { lockDataDir, type DataDirLock } from "./db/lock.ts";
import { createLogger } from "./log.ts";
import { createService, type Service } from "./service.ts";

function fail(message: string): never {
  process.stderr.write(`lineage-registry: ${message}\n`);
  process.exit(2);
}

let loaded;
try {
  loaded = loadConfig(process.argv.slice(2), process.env);
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}
if (loaded.help) {
  process.stdout.write(serverHelp());
  process.exit(0);
}
const config = loaded.config;
const { port, host, dataDir, databaseUrl, auth, shutdownTimeoutMs } = config;
if (auth === "off" && !isLoopbackHost(host)) {
  fail(
    `refusing to listen on ${host} with authentication off: anyone who can reach it could read and change every record.\n` +
      `Start with --auth token (AUTH=token) and create tokens with "npm run cli -- token create", or listen on 127.0.0.1.`,
  );
}

if (!databaseUrl && config.readDatabaseUrls.length > 0) {
  fail("--read-database-url (READ_DATABASE_URLS) needs --database-url: read replicas are a PostgreSQL setup; the embedded SQLite database has none");
}

const logger = createLogger(config.logLevel);

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
    readDatabaseUrls: config.readDatabaseUrls,
    maxReplicaLagMs: config.maxReplicaLagMs,
    readYourWritesWindowMs: config.readYourWritesWindowMs,
    dataDir,
    storageRoot: config.storageRoot,
    graphiql: config.graphiql,
    ui: config.ui,
    introspection: config.introspection,
    csrfPrevention: config.csrfPrevention,
    corsOrigins: config.corsOrigins,
    allowedHosts: config.allowedHosts,
    auth,
    limits: config.limits,
    responseCacheTtlMs: config.responseCacheTtlMs,
    plannedPages: config.plannedPages,
    redisUrl: config.redisUrl,
    maxSubscriptionsPerConnection: config.maxSubscriptionsPerConnection,
    maxSubscriptionsPerToken: config.maxSubscriptionsPerToken,
    logger,
    processMetrics: true,
  });
} catch (error) {
  const message = (error as Error).message.trim().split("\n")[0];
  failStart(message.startsWith("cannot reach Redis") ? message : `cannot open the database: ${message}`);
}
// Yoga answers its own errors, so the promise it returns settles without rejecting.
app = (request, response) => void service.yoga(request, response);
const address = server.address();
const boundPort = typeof address === "object" && address ? address.port : port;
logger.info(
  {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${boundPort}/graphql`,
    port: boundPort,
    database: service.db.provider,
    location: service.db.location,
    auth,
  },
  "lineage-registry listening",
);

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
  logger.info({ signal, inFlight: inFlight.size }, "shutting down");
  // http.Server#close would also destroy every connection it deems idle, including one whose
  // request is still unread in its socket buffer (the event loop was busy): close only the
  // listening socket, and the connections once no request is in flight.
  net.Server.prototype.close.call(server);
  for (const response of inFlight) if (!response.headersSent) response.setHeader("connection", "close");
  setTimeout(() => {
    logger.error({ timeoutMs: shutdownTimeoutMs, inFlight: inFlight.size }, "in-flight requests did not finish in time; exiting");
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
  logger.info({ signal: stopSignal }, "stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
