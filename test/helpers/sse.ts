// Test helper for subscriptions over Server-Sent Events (GraphQL over SSE, distinct
// connections mode): opens one, reads its `next` events in order, and drops it.
export interface SseMessage<T = any> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, any> }[];
}

export interface SseSubscription<T = any> {
  /** The next `next` message, or an error after timeoutMs. */
  next(timeoutMs?: number): Promise<SseMessage<T>>;
  /** Resolves when no message arrives for ms (the ones that came are returned). */
  quiet(ms: number): Promise<SseMessage<T>[]>;
  /** The HTTP status of the answer. */
  readonly status: number;
  /** True once the server sent `complete` (or closed the stream). */
  readonly done: boolean;
  /** Drops the subscription as a client that goes away does. */
  close(): void;
}

type Fetch = (url: string, init: RequestInit) => Response | Promise<Response>;

export async function subscribeSse<T = any>(
  fetchFn: Fetch,
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<SseSubscription<T>> {
  const abort = new AbortController();
  const response = await fetchFn(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", ...headers },
    body: JSON.stringify({ query, variables }),
    signal: abort.signal,
  });
  if (!response.body) throw new Error(`no stream: ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const queue: SseMessage<T>[] = [];
  const waiters: (() => void)[] = [];
  let done = false;
  void (async () => {
    let buffered = "";
    try {
      for (;;) {
        const { value, done: ended } = await reader.read();
        if (ended) break;
        buffered += value;
        let end: number;
        while ((end = buffered.indexOf("\n\n")) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const event = /^event: (\w+)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event === "next" && data) queue.push(JSON.parse(data) as SseMessage<T>);
          if (event === "complete") done = true;
          waiters.splice(0).forEach((wake) => wake());
        }
      }
    } catch {
      // dropped by close()
    }
    done = true;
    waiters.splice(0).forEach((wake) => wake());
  })();
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  return {
    status: response.status,
    async next(timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (!queue.length && !done && Date.now() < deadline) await wait(deadline - Date.now());
      const message = queue.shift();
      if (!message) throw new Error(done ? "the subscription ended" : `no event within ${timeoutMs} ms`);
      return message;
    },
    async quiet(ms) {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return queue.splice(0);
    },
    get done() {
      return done;
    },
    close: () => {
      abort.abort();
      reader.cancel().catch(() => undefined);
    },
  };
}
