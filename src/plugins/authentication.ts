// Yoga plugin that decides who a request acts as: the local user with every scope when
// authentication is off, otherwise the user of the bearer token (or UNAUTHENTICATED).
import type { Plugin } from "graphql-yoga";
import { createAuthenticator } from "../auth/accounts.ts";
import type { AuthMode } from "../config.ts";
import type { Actor, Context } from "../context.ts";
import type { Database } from "../db/database.ts";
import { DomainError } from "../domain/errors.ts";
import { toGraphQLError } from "./errors.ts";

export function useAuthentication(options: { mode: AuthMode; db: Database; localUser: Actor }): Plugin<Context> {
  const authenticate = createAuthenticator(options.db);
  return {
    async onContextBuilding({ context, extendContext }) {
      if (options.mode === "off") {
        extendContext({ user: options.localUser });
        return;
      }
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
