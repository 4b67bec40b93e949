// Test harness: a fresh service per spec on the database named by TEST_DB (a temporary
// SQLite folder, or a new PostgreSQL database that is dropped afterwards), GraphQL through
// yoga.fetch, and SQL statement counting.
import { createService, type Service, type ServiceOptions } from "../src/service.ts";
import { scratchDataDir, scratchPostgresDatabase } from "./helpers/scratch-database.ts";

export { scratchPostgresDatabase } from "./helpers/scratch-database.ts";

export const TEST_DB = (process.env.TEST_DB ?? "sqlite") as "sqlite" | "postgres";

export interface TestService extends Service {
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResult<T>>;
  /** Runs fn and returns how many SQL statements it issued. */
  countStatements(fn: () => Promise<unknown>): Promise<{ count: number; statements: string[] }>;
  /** Row counts of every table, to assert that a rejected request changed nothing. */
  snapshot(): Promise<Record<string, number>>;
  url?: string;
  stop(): Promise<void>;
}

export interface GqlResult<T> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, any>; path?: string[] }[];
}

/**
 * options go to createService (auth mode, limits, introspection…); the database is the
 * harness's. readReplicas names read databases given the (PostgreSQL) database's URL.
 */
export async function startTestService(
  options: Omit<ServiceOptions, "databaseUrl" | "dataDir"> = {},
  readReplicas?: (databaseUrl: string) => string[],
): Promise<TestService> {
  const { dir: dataDir, remove } = scratchDataDir();
  const database = TEST_DB === "postgres" ? await scratchPostgresDatabase() : undefined;
  const readDatabaseUrls = database && readReplicas ? readReplicas(database.url) : options.readDatabaseUrls;
  const service: Service = await createService({ ...options, readDatabaseUrls, databaseUrl: database?.url, dataDir });
  const cleanup = async () => {
    await database?.drop();
    remove();
  };

  const gql = async (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const response = await service.yoga.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GqlResult<any>;
  };

  const countStatements = async (fn: () => Promise<unknown>) => {
    const statements: string[] = [];
    const off = service.db.onStatement((sql) => statements.push(sql));
    try {
      await fn();
    } finally {
      off();
    }
    const counted = statements.filter((sql) => !/^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/i.test(sql));
    return { count: counted.length, statements: counted };
  };

  const tables = Object.keys(service.db.prisma).filter((key) => !key.startsWith("$") && !key.startsWith("_"));
  const snapshot = async () => {
    const counts: Record<string, number> = {};
    for (const table of tables) {
      const delegate = (service.db.prisma as unknown as Record<string, { count?: () => Promise<number> }>)[table];
      if (delegate && typeof delegate.count === "function") counts[table] = await delegate.count();
    }
    return counts;
  };

  return {
    ...service,
    gql,
    countStatements,
    snapshot,
    stop: async () => {
      await service.close();
      await cleanup();
    },
  };
}

/** Asserts a GraphQL result failed with the given code and returns the first error. */
export function expectError(result: GqlResult<unknown>, code: string) {
  const error = result.errors?.[0];
  if (!error || error.extensions?.code !== code) {
    throw new Error(`expected an error with code ${code}, got ${JSON.stringify(result)}`);
  }
  return error;
}

/** Returns data, failing with the errors when there are any. */
export function ok<T>(result: GqlResult<T>): T {
  if (result.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}

/** A lamindb-like 22-character content hash for test content. */
export function contentHash(seed: string): string {
  return Buffer.from(`${seed}-------------------------`).toString("base64url").slice(0, 22);
}

/** Starts a run of the transform named (more TrackInput fields in extra) and returns its uid. */
export async function trackRun(svc: TestService, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const result = await svc.gql<{ track: { uid: string } }>(`mutation($input: TrackInput!) { track(input: $input) { uid } }`, {
    input: { transform: { name }, ...extra },
  });
  return ok(result).track.uid;
}

/** Registers an artifact `<seed>.txt` whose content hash derives from seed, and returns its uid. */
export async function registerArtifact(svc: TestService, seed: string, extra: Record<string, unknown> = {}): Promise<string> {
  const result = await svc.gql<{ registerArtifact: { uid: string } }>(`mutation($input: RegisterArtifactInput!) { registerArtifact(input: $input) { uid } }`, {
    input: { hash: contentHash(seed), key: `${seed}.txt`, ...extra },
  });
  return ok(result).registerArtifact.uid;
}
