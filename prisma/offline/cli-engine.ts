// Points every Prisma CLI command at the stand-in schema engine (imported by both prisma.config.ts files).
// Prisma 7's CLI starts by fetching its native schema-engine binary from Prisma's own server, even for
// `generate` or `--help`; with no such server reachable (air-gapped machines, CI) every command would fail.
// The stand-in lets the commands that do not need the engine run and makes the others fail loudly;
// an engine set in the environment (a real binary on a connected machine) is kept.
import { fileURLToPath } from "node:url";

process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(new URL("./schema-engine-stand-in.mjs", import.meta.url));
