// /ready: 200 while the database answers a trivial query within a short deadline, 503 (with
// the reason) when it does not or while the service is shutting down. /health — the process
// is up — is Yoga's own endpoint.
import { useReadinessCheck, type Plugin } from "graphql-yoga";
import type { Context } from "../context.ts";
import type { Database } from "../db/database.ts";

export function useReadiness(options: { db: Database; isShuttingDown: () => boolean; timeoutMs?: number }): Plugin<Context> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  return useReadinessCheck({
    endpoint: "/ready",
    async check({ fetchAPI }) {
      const answer = (status: number, body: Record<string, unknown>) =>
        fetchAPI.Response.json({ ...body, database: options.db.provider }, { status, headers: { "cache-control": "no-store" } });
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
        return answer(503, { ready: false, reason: `database unreachable: ${(error as Error).message.split("\n")[0]}` });
      } finally {
        clearTimeout(timer);
      }
    },
  }) as Plugin<Context>;
}
