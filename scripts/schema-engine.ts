// Runs Prisma's schema engine in-process, as WebAssembly, to write migration SQL without the Prisma CLI.
// Prisma 7's CLI needs a native schema-engine binary that is downloaded from Prisma's own server, which
// offline machines and CI cannot reach; @prisma/schema-engine-wasm (pinned in package.json to the engines
// build that prisma@7.10.0 uses, so the SQL is what `prisma migrate diff --script` would print) ships
// the same engine compiled to WebAssembly, and talks to the database through a Prisma driver adapter.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import * as bindings from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { DiffTarget } from "@prisma/schema-engine-wasm";

export type Provider = "sqlite" | "postgresql";

export interface SchemaEngine {
  /** The SQL script migrating a database from one datamodel (null: an empty database) to another. */
  diff(from: string | null, to: string): Promise<string>;
  close(): Promise<void>;
}

let loaded: Promise<void> | undefined;

/** Instantiates the WebAssembly module once (its package entry imports the .wasm file, which Node cannot). */
function loadWasm(): Promise<void> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    // The package exports only its JavaScript; the .wasm file and package.json lie next to the bindings.
    const packageDir = path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
    // Another engines build could write other SQL than the CLI of the installed Prisma: refuse to run.
    const { version } = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as { version: string };
    const engines = createRequire(createRequire(require.resolve("prisma/package.json")).resolve("@prisma/engines/package.json"));
    const expected = (engines("@prisma/engines-version/package.json") as { version: string }).version;
    if (version !== expected) {
      throw new Error(`@prisma/schema-engine-wasm is ${version}, but the installed prisma uses engines ${expected}: pin it to ${expected}`);
    }
    const wasmFile = path.join(packageDir, "schema_engine_bg.wasm");
    const { instance } = await WebAssembly.instantiate(readFileSync(wasmFile), { "./schema_engine_bg.js": bindings });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
  })();
  return loaded;
}

/**
 * Opens an engine for a provider. Even a datamodel-to-datamodel diff asks the database a few questions
 * (its version, for one), so SQLite gets an in-memory database and PostgreSQL the server at databaseUrl;
 * nothing is written to either.
 */
export async function openSchemaEngine(provider: Provider, databaseUrl: string): Promise<SchemaEngine> {
  await loadWasm();
  // The pool is ours, so that close() can end it and let the process exit.
  const pool = provider === "postgresql" ? new pg.Pool({ connectionString: databaseUrl, max: 2 }) : null;
  const factory = pool ? new PrismaPg(pool) : new PrismaBetterSqlite3({ url: ":memory:" });
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  const log = (line: string) => {
    if (process.env.DEBUG) console.error(line);
  };
  const engine = await bindings.SchemaEngine.new({ datamodels: undefined }, log, adapter);
  const target = (datamodel: string | null, name: string): DiffTarget =>
    datamodel == null ? { tag: "empty" } : { tag: "schemaDatamodel", files: [{ path: `${name}.prisma`, content: datamodel }] };
  return {
    async diff(from, to) {
      const result = await engine.diff({
        from: target(from, "from"),
        to: target(to, "to"),
        script: true,
        exitCode: null,
        filters: { externalTables: [], externalEnums: [] },
      });
      // The CLI prints the script with a newline after it; the committed migrations were written so.
      return `${result.stdout ?? ""}\n`;
    },
    async close() {
      engine.free();
      await pool?.end();
    },
  };
}
