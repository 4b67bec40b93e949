// Yoga plugin that decides who a request acts as: the local user with every scope when
// authentication is off, otherwise the user of the bearer token (or UNAUTHENTICATED).
import type { Plugin } from "graphql-yoga";
import { createAuthenticator } from "../auth/accounts.ts";
import type { AuthMode } from "../config.ts";
import type { Actor, Context } from "../context.ts";
import type { Database } from "../db/database.ts";

export function useAuthentication(options: { mode: AuthMode; db: Database; localUser: Actor }): Plugin<Context> {
  const authenticate = createAuthenticator(options.db);
  return {
    async onContextBuilding({ context, extendContext }) {
      if (options.mode === "off") {
        extendContext({ user: options.localUser });
        return;
      }
      // Thrown before execution starts: a refused request runs no resolver, so it changes nothing.
      const user = await authenticate(context.request.headers.get("authorization"));
      extendContext({ user });
    },
  };
}
