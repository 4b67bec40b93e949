// Yoga plugin that decides who a request acts as: the local user with every scope when
// authentication is off, otherwise the user of the bearer token (or UNAUTHENTICATED).
import type { Plugin } from "graphql-yoga";
import { createAuthenticator } from "../auth/accounts.ts";
import type { AuthMode } from "../config.ts";
import type { Actor, Context } from "../context.ts";
import type { Database } from "../db/database.ts";
import { DomainError } from "../domain/errors.ts";
import { toGraphQLError } from "./errors.ts";

/** The acting user of a request, from its Authorization header; throws UNAUTHENTICATED (a DomainError). */
export type RequestAuthenticator = (authorization: string | null) => Promise<Actor>;

export function createRequestAuthenticator(options: { mode: AuthMode; db: Database; localUser: Actor }): RequestAuthenticator {
  if (options.mode === "off") return () => Promise.resolve(options.localUser);
  return createAuthenticator(options.db);
}

export function useAuthentication(authenticate: RequestAuthenticator): Plugin<Context> {
  return {
    async onContextBuilding({ context, extendContext }) {
      // Thrown before execution starts: a refused request runs no resolver, so it changes nothing.
      // Mapped here, as a GraphQL error, so that Yoga answers it with its status and does not log
      // the refusal as an internal failure.
      const user = await authenticate(context.request.headers.get("authorization")).catch((error: unknown) => {
        throw error instanceof DomainError ? toGraphQLError(error) : error;
      });
      extendContext({ user });
    },
  };
}
