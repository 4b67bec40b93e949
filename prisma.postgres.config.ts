// Prisma CLI configuration for PostgreSQL: the derived schema and its own migrations.
// The CLI runs offline with a stand-in for its native schema engine (see prisma/offline/cli-engine.ts).
import "./prisma/offline/cli-engine.ts";
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/postgres/schema.prisma",
  migrations: { path: "prisma/postgres/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
});
