// Shared by the benchmarks: percentiles of sequential requests, a keep-alive GraphQL client
// over loopback HTTP, and flag parsing.
import http from "node:http";

export interface Stats {
  p50: number;
  p95: number;
  n: number;
}

export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: round(at(0.5)), p95: round(at(0.95)), n: samples.length };
}

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));

export async function time(iterations: number, fn: (i: number) => Promise<unknown>, warmup = 3): Promise<Stats> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    await fn(i);
    samples.push(performance.now() - started);
  }
  return stats(samples);
}

export function flag(args: string[], name: string): string | undefined {
  return args.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1];
}

export function graphqlClient(url: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const once = (query: string, variables: Record<string, unknown>) =>
    new Promise<{ data?: any; errors?: unknown[] }>((resolve, reject) => {
      const body = JSON.stringify({ query, variables });
      const request = http.request(
        url,
        { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk) => chunks.push(chunk));
          response.on("end", () => {
            try {
              const result = JSON.parse(Buffer.concat(chunks).toString("utf8"));
              if (result.errors) reject(new Error(JSON.stringify(result.errors).slice(0, 500)));
              else resolve(result);
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          });
        },
      );
      request.on("error", reject);
      request.end(body);
    });
  // A keep-alive socket the server closed while the client sat idle (the naive baseline can
  // take a while) fails once with ECONNRESET; the request is then sent on a fresh socket.
  return (query: string, variables: Record<string, unknown> = {}) =>
    once(query, variables).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ECONNRESET") throw error;
      return once(query, variables);
    });
}

/**
 * How `npm start` runs the server (package.json): a bench that starts its own server process
 * passes these to node, then the server's flags.
 */
export const SERVER_ENTRY = ["--max-semi-space-size=32", "--import", "tsx", "src/server.ts"];
