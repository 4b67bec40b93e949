// Test helpers for the client and the command: the service of the harness served over HTTP on
// a free port, and a TCP proxy in front of it that can drop a response (a lost answer).
import { createServer, type Server } from "node:http";
import net from "node:net";
import type { ServiceOptions } from "../../src/service.ts";
import { startTestService, type TestService } from "../harness.ts";

export interface HttpService extends TestService {
  url: string;
  stopHttp(): Promise<void>;
}

export async function startHttpService(options: Omit<ServiceOptions, "databaseUrl" | "dataDir"> = {}): Promise<HttpService> {
  const svc = await startTestService(options);
  const server: Server = createServer((request, response) => void svc.yoga(request, response));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    ...svc,
    url: `http://127.0.0.1:${port}/graphql`,
    async stopHttp() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await svc.stop();
    },
  };
}

export interface DroppingProxy {
  url: string;
  /** responses dropped so far */
  dropped(): number;
  close(): Promise<void>;
}

/**
 * Forwards TCP to `target`; the first response to a request whose bytes contain `marker` is
 * never delivered: the proxy closes the client's connection once the service answers, so the
 * request has reached the service (and committed) while its caller sees a dropped connection.
 */
export async function startDroppingProxy(target: string, marker: string, times = 1): Promise<DroppingProxy> {
  const upstream = new URL(target);
  let dropped = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const service = net.connect(Number(upstream.port), upstream.hostname);
    sockets.add(client).add(service);
    let dropNext = false;
    client.on("data", (chunk: Buffer) => {
      if (dropped < times && chunk.includes(marker)) dropNext = true;
      service.write(chunk);
    });
    service.on("data", (chunk: Buffer) => {
      if (dropNext) {
        dropNext = false;
        dropped++;
        client.destroy();
        service.destroy();
        return;
      }
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      service.destroy();
    };
    client.on("close", end).on("error", end);
    service.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    dropped: () => dropped,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
