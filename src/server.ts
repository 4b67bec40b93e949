// The only module that listens: reads flags and environment, starts the service, and
// shuts it down gracefully (in-flight requests finish, then the database closes).
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { isPostgresUrl } from "./db/database.ts";
import { createService } from "./service.ts";

const HELP = `lineage-registry: GraphQL service for runs, transforms, artifacts and their lineage

Usage: npm start -- [options]

Options (environment variable in brackets):
  --port <n>          port to listen on [PORT] (default 4000)
  --host <addr>       address to listen on [HOST] (default 127.0.0.1)
  --data-dir <dir>    folder of the embedded SQLite database and default storage [DATA_DIR] (default ./data)
  --database-url <u>  postgresql://… to run on PostgreSQL instead of SQLite [DATABASE_URL]
  --storage-root <r>  root of the default storage [STORAGE_ROOT] (default <data-dir>/storage)
  --no-graphiql       do not serve the GraphiQL IDE [GRAPHIQL=false]
  -h, --help          show this help
`;

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    host: { type: "string" },
    "data-dir": { type: "string" },
    "database-url": { type: "string" },
    "storage-root": { type: "string" },
    "no-graphiql": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
  strict: true,
});

if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const port = Number(values.port ?? process.env.PORT ?? 4000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid port: ${values.port ?? process.env.PORT}`);
  process.exit(2);
}
const host = values.host ?? process.env.HOST ?? "127.0.0.1";
const databaseUrl = values["database-url"] ?? process.env.DATABASE_URL;
if (databaseUrl && !isPostgresUrl(databaseUrl)) {
  console.error("DATABASE_URL must be a postgresql:// URL (leave it unset for the embedded SQLite database)");
  process.exit(2);
}

const service = await createService({
  databaseUrl,
  dataDir: values["data-dir"] ?? process.env.DATA_DIR ?? "data",
  storageRoot: values["storage-root"] ?? process.env.STORAGE_ROOT,
  graphiql: !(values["no-graphiql"] || process.env.GRAPHIQL === "false"),
});

const server = createServer(service.yoga);
server.listen(port, host, () => {
  const address = server.address();
  const bound = typeof address === "object" && address ? address.port : port;
  console.log(
    JSON.stringify({
      level: "info",
      msg: "lineage-registry listening",
      url: `http://${host.includes(":") ? `[${host}]` : host}:${bound}/graphql`,
      database: service.db.provider,
      location: service.db.location,
    }),
  );
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(JSON.stringify({ level: "info", msg: "shutting down", signal }));
  server.close(async () => {
    await service.close();
    process.exit(0);
  });
  server.closeIdleConnections();
  setTimeout(() => process.exit(1), 10_000).unref();
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
