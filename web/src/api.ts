// The page's only way to the service: POST /graphql on its own origin. Under --auth token the
// bearer token lives in sessionStorage (this tab's session only: never in a URL or a cookie);
// a 401 drops it and asks for another one.
import { useEffect, useRef, useState } from "preact/hooks";
import { signal } from "./signal.ts";

const TOKEN_KEY = "lineage-registry.token";

export interface GqlError {
  message: string;
  extensions?: { code?: string; field?: string };
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Set when the service refused the token (or wanted one): the token prompt shows. */
export const authRequired = signal<{ refused: boolean } | null>(null);
/** Bumped when a token is entered: every query on the page runs again. */
export const authVersion = signal(0);

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string) {
  sessionStorage.setItem(TOKEN_KEY, token.trim());
  authRequired.set(null);
  authVersion.set(authVersion.get() + 1);
}

/** The answer, errors included (a lookup of several records may fail in part). */
export async function gqlRaw<T>(query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: GqlError[] }> {
  const token = storedToken();
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/graphql-response+json, application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }), credentials: "omit" });
  if (response.status === 401) {
    if (token) sessionStorage.removeItem(TOKEN_KEY);
    authRequired.set({ refused: Boolean(token) });
    throw new ApiError("the service asks for a token", "UNAUTHENTICATED");
  }
  return (await response.json()) as { data?: T; errors?: GqlError[] };
}

export async function gql<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const body = await gqlRaw<T>(query, variables);
  const error = body.errors?.[0];
  if (error) throw new ApiError(error.message, error.extensions?.code);
  return body.data as T;
}

export interface QueryState<T> {
  data?: T;
  error?: ApiError;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs a query when its variables change (compared as JSON) and again after a token is entered,
 * when `refreshKey` changes (the record it shows has changed) and when `reload` is called
 * (a live update said it changed: src/live.ts).
 */
export function useQuery<T>(query: string, variables: Record<string, unknown>, options: { refreshKey?: string } = {}): QueryState<T> {
  const key = JSON.stringify(variables);
  const refreshKey = options.refreshKey;
  const version = authVersion.use();
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean; key: string }>({ loading: true, key });
  const [tick, setTick] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const call = ++latest.current;
    setState((previous) => ({ ...previous, loading: true, key }));
    gql<T>(query, variables).then(
      (data) => call === latest.current && setState({ data, loading: false, key }),
      (error: unknown) => call === latest.current && setState({ error: error instanceof ApiError ? error : new ApiError(String(error)), loading: false, key }),
    );
  }, [query, key, version, tick, refreshKey]);
  const data = state.key === key ? state.data : undefined;
  return { data, error: state.key === key ? state.error : undefined, loading: state.loading, reload: () => setTick((value) => value + 1) };
}
