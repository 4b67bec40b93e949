// Live updates: a GraphQL subscription over Server-Sent Events (a fetch stream, so that the
// bearer token and the CSRF header travel as on every other request). The stream is opened
// again after a drop, and `onOpen` runs each time it (re)opens, so that a page reads what it
// may have missed meanwhile.
import { useEffect, useRef } from "preact/hooks";
import { authVersion, storedToken } from "./api.ts";

const RETRY_MS = [1_000, 2_000, 5_000, 10_000];

/** One message of the stream: `next` events only (the server's pings are comments). */
function* messages(buffer: { text: string }): Generator<unknown> {
  let end: number;
  while ((end = buffer.text.indexOf("\n\n")) >= 0) {
    const block = buffer.text.slice(0, end);
    buffer.text = buffer.text.slice(end + 2);
    if (!/^event: next$/m.test(block)) continue;
    const data = /^data: (.*)$/m.exec(block)?.[1];
    if (data) yield JSON.parse(data);
  }
}

async function stream(query: string, variables: Record<string, unknown>, signal: AbortSignal, onData: (data: unknown) => void, onOpen: () => void) {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "text/event-stream" };
  const token = storedToken();
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }), credentials: "omit", signal });
  if (!response.ok || !response.body) throw new Error(`subscription refused: HTTP ${response.status}`);
  onOpen();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const buffer = { text: "" };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer.text += value;
    for (const message of messages(buffer)) {
      const { data, errors } = message as { data?: unknown; errors?: unknown[] };
      if (errors?.length) throw new Error("subscription refused");
      if (data) onData(data);
    }
  }
}

/** Subscribes until the returned function is called; a dropped or refused stream is tried again later. */
export function subscribe(query: string, variables: Record<string, unknown>, onData: (data: unknown) => void, onOpen: () => void = () => undefined) {
  const abort = new AbortController();
  void (async () => {
    for (let attempt = 0; !abort.signal.aborted; attempt++) {
      await stream(query, variables, abort.signal, onData, () => {
        attempt = 0;
        onOpen();
      }).catch(() => undefined);
      if (abort.signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]));
    }
  })();
  return () => abort.abort();
}

export interface RunEventOf<Run> {
  runEvents: { kind: string; run: Run | null };
}

/**
 * Calls onEvent with each run event matching filter while `filter` is not null (re-subscribing
 * when it changes or a token is entered), and onOpen whenever the stream (re)opens.
 */
export function useRunEvents<Run>(
  runFields: string,
  filter: Record<string, unknown> | null,
  onEvent: (event: RunEventOf<Run>["runEvents"]) => void,
  onOpen?: () => void,
) {
  const handlers = useRef({ onEvent, onOpen });
  handlers.current = { onEvent, onOpen };
  const version = authVersion.use();
  const key = filter ? JSON.stringify(filter) : null;
  useEffect(() => {
    if (key === null) return undefined;
    const query = `subscription LiveRuns($filter: RunEventFilter) { runEvents(filter: $filter) { kind run { ${runFields} } } }`;
    return subscribe(
      query,
      { filter: JSON.parse(key) as unknown },
      (data) => handlers.current.onEvent((data as RunEventOf<Run>).runEvents),
      () => handlers.current.onOpen?.(),
    );
  }, [runFields, key, version]);
}
