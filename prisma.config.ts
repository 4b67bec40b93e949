// Prisma CLI configuration for the embedded SQLite provider (the default).
// The CLI runs offline with a stand-in for its native schema engine (see prisma/offline/cli-engine.ts).
import "./prisma/offline/cli-engine.ts";
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  // Used by the CLI only; the service opens its own file.
  datasource: { url: process.env.PRISMA_SQLITE_URL ?? "file:./data/prisma-cli.db" },
});
