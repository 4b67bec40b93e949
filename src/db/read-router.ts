// Routes reads between the primary and its replicas: the driver adapter of the reader Prisma
// client, and the same rule for the raw lineage statements. A read goes to a replica the
// background check found fit; a read that fails there for a reason of the connection marks
// that replica down, and every failed replica read runs again on the primary (a read is safe
// to repeat), so a replica that stops costs no request.
import type {
  ConnectionInfo,
  IsolationLevel,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from "@prisma/driver-adapter-utils";
import pg from "pg";
import type { Replica, ReplicaSet } from "./replicas.ts";

/** Called once per statement with the name of the database that served it ("primary", "replica 1"…). */
export type StatementListener = (sql: string, served: string) => void;

/**
 * Runs a read on a fit replica, else (or after it failed there) on the primary. Only an error
 * of the statement itself (a SQLSTATE outside the connection classes) leaves the replica in
 * service; the read runs again on the primary in every case.
 */
export async function routeRead<T>(
  replicas: ReplicaSet | undefined,
  onReplica: (replica: Replica) => Promise<T>,
  onPrimary: () => Promise<T>,
  served: (name: string) => void,
): Promise<T> {
  const replica = replicas?.pick();
  if (replica && replicas) {
    try {
      const result = await onReplica(replica);
      served(replica.name);
      return result;
    } catch (error) {
      if (!isStatementError(error)) replicas.markDown(replica, error);
    }
  }
  const result = await onPrimary();
  served("primary");
  return result;
}

/** SQLSTATE classes of a lost or refused connection: 08 (connection exception), 57P (operator intervention). */
const CONNECTION_STATES = /^(08|57P)/;

function isStatementError(error: unknown): boolean {
  if (error instanceof pg.DatabaseError) return !!error.code && !CONNECTION_STATES.test(error.code);
  // The Prisma adapter's DriverAdapterError: its cause says what the server answered.
  if (!(error instanceof Error) || error.name !== "DriverAdapterError" || !("cause" in error)) return false;
  const cause = error.cause;
  if (typeof cause !== "object" || cause === null || !("kind" in cause)) return false;
  if (cause.kind === "TransactionWriteConflict") return true; // e.g. cancelled by a conflict with recovery
  return cause.kind === "postgres" && "code" in cause && typeof cause.code === "string" && !CONNECTION_STATES.test(cause.code);
}

/** The adapter factory of the reader client: statements go where routeRead sends them. */
export function readRouterFactory(primary: SqlDriverAdapterFactory, replicas: ReplicaSet, onStatement: StatementListener): SqlDriverAdapterFactory {
  return {
    provider: "postgres",
    adapterName: "lineage-registry-read-router",
    connect: async () => new ReadRouter(await primary.connect(), replicas, onStatement),
  };
}

class ReadRouter implements SqlDriverAdapter {
  readonly provider = "postgres" as const;
  readonly adapterName = "lineage-registry-read-router";

  constructor(
    private readonly primary: SqlDriverAdapter,
    private readonly replicas: ReplicaSet,
    private readonly onStatement: StatementListener,
  ) {}

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return routeRead(
      this.replicas,
      (replica) => replica.adapter.queryRaw(query),
      () => this.primary.queryRaw(query),
      (served) => this.onStatement(query.sql, served),
    );
  }

  // The reader client only reads; anything else it is asked goes to the primary.
  executeRaw(query: SqlQuery): Promise<number> {
    this.onStatement(query.sql, "primary");
    return this.primary.executeRaw(query);
  }

  executeScript(script: string): Promise<void> {
    return this.primary.executeScript(script);
  }

  startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    return this.primary.startTransaction(isolationLevel);
  }

  getConnectionInfo(): ConnectionInfo {
    return this.primary.getConnectionInfo?.() ?? { supportsRelationJoins: true };
  }

  dispose(): Promise<void> {
    return this.primary.dispose();
  }
}
