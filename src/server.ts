// The only module that listens: reads flags and environment, refuses unsafe settings, starts
// the service, and shuts it down gracefully (not ready at once, in-flight requests finish,
// then the database closes).
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { isLoopbackHost, LIMIT_ENV, listSetting, normalizeHostName, normalizeOrigin, parseAuthMode, resolveLimits } from "./config.ts";
import { isPostgresUrl } from "./db/database.ts";
import { createLogger, parseLogLevel } from "./log.ts";
import { createService } from "./service.ts";

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
const service = await createService({
  databaseUrl,
  dataDir: values["data-dir"] ?? process.env.DATA_DIR ?? "data",
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
});

const server = createServer(service.yoga);
// A client gets 10 s to send its headers and 30 s for its whole request: slow senders cannot
// hold connections open indefinitely (the handling time of a request is not limited here).
server.headersTimeout = 10_000;
server.requestTimeout = 30_000;
server.listen(port, host, () => {
  const address = server.address();
  const bound = typeof address === "object" && address ? address.port : port;
  logger.log("info", "lineage-registry listening", {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${bound}/graphql`,
    port: bound,
    database: service.db.provider,
    location: service.db.location,
    auth,
  });
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.log("info", "shutting down", { signal });
  service.beginShutdown();
  // Stop accepting connections; requests already received run to their end, then the
  // database closes. Idle keep-alive connections are closed now, busy ones after their answer.
  server.close(async () => {
    await service.close();
    logger.log("info", "stopped", { signal });
    process.exit(0);
  });
  server.closeIdleConnections();
  const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
  idleSweep.unref();
  setTimeout(() => {
    logger.log("error", "in-flight requests did not finish in time; exiting", { timeoutMs: shutdownTimeoutMs });
    process.exit(1);
  }, shutdownTimeoutMs).unref();
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
