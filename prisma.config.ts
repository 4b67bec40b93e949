// Prisma CLI configuration for the embedded SQLite provider (the default).
// engine "js" keeps every CLI command on the WebAssembly schema engine: nothing is downloaded.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  async adapter() {
    return new PrismaBetterSQLite3({ url: process.env.PRISMA_SQLITE_URL ?? "file:./data/prisma-cli.db" });
  },
});
