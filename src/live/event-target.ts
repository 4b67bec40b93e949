// Where live events travel: an in-process EventTarget (one instance hears only its own
// writes), or Redis publish/subscribe through @graphql-yoga/redis-event-target, so that a
// subscriber on one instance hears the writes every instance on the database serves.
import { setMaxListeners } from "node:events";
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { Redis } from "ioredis";
import type { Logger } from "../log.ts";

export interface EventChannel {
  target: EventTarget;
  /** Whether other instances hear what is published (Redis): then every change is announced. */
  shared: boolean;
  close(): Promise<void>;
}

/** Events of this instance only. */
export function inProcessChannel(): EventChannel {
  const target = new EventTarget();
  // One listener per subscription on one event type: many are expected, none is a leak.
  setMaxListeners(0, target);
  return { target, shared: false, close: () => Promise.resolve() };
}

/** Connects to Redis when a URL is given (a start fails if it cannot be reached); otherwise stays in-process. */
export async function openEventChannel(redisUrl: string | undefined, logger?: Logger): Promise<EventChannel> {
  if (!redisUrl) return inProcessChannel();
  // Reconnects by itself after a start; until then, a command waits at most a few retries.
  const options = { lazyConnect: true, maxRetriesPerRequest: 3, connectTimeout: 5_000 };
  const publishClient = new Redis(redisUrl, options);
  const subscribeClient = new Redis(redisUrl, options);
  for (const client of [publishClient, subscribeClient]) {
    client.on("error", (error: Error) => logger?.warn({ err: error }, "Redis connection error (live updates)"));
  }
  try {
    await Promise.all([publishClient.connect(), subscribeClient.connect()]);
  } catch (error) {
    publishClient.disconnect();
    subscribeClient.disconnect();
    throw new Error(`cannot reach Redis at ${redisUrl.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@")}: ${(error as Error).message}`);
  }
  return {
    target: createRedisEventTarget({ publishClient, subscribeClient }),
    shared: true,
    close: async () => {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}
