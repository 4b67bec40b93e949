// /ready: 200 while the primary database answers a trivial query within a short deadline, 503
// (with the reason) when it does not or while the service is shutting down. The body lists
// every database with its state and lag, and where queries are read: a replica that is down
// or lags too far is skipped (reads fall back to the primary), which keeps the service ready.
// /health — the process is up — is Yoga's own endpoint.
import { useReadinessCheck, type Plugin } from "graphql-yoga";
import type { Context } from "../context.ts";
import type { Database, DatabaseState } from "../db/database.ts";

export function useReadiness(options: { db: Database; isShuttingDown: () => boolean; timeoutMs?: number }): Plugin<Context> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  return useReadinessCheck({
    endpoint: "/ready",
    async check({ fetchAPI }) {
      const answer = (status: number, body: Record<string, unknown>, primary: Partial<DatabaseState> = {}) => {
        const databases = options.db.states().map((state) => (state.role === "primary" ? { ...state, ...primary } : state));
        const replicas = databases.filter((state) => state.role === "replica");
        const reads = replicas.some((state) => state.state === "up") ? "replicas" : "primary";
        return fetchAPI.Response.json(
          { ...body, database: options.db.provider, databases, ...(replicas.length > 0 ? { reads } : {}) },
          { status, headers: { "cache-control": "no-store" } },
        );
      };
      if (options.isShuttingDown()) return answer(503, { ready: false, reason: "shutting down" });
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          options.db.prisma.$queryRawUnsafe("SELECT 1"),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return answer(200, { ready: true });
      } catch (error) {
        const reason = `database unreachable: ${(error instanceof Error ? error.message : String(error)).split("\n")[0]}`;
        return answer(503, { ready: false, reason }, { state: "down", lagSeconds: null, reason });
      } finally {
        clearTimeout(timer);
      }
    },
  }) as Plugin<Context>;
}
