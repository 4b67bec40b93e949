// The GraphQL-over-HTTP application: schema, per-request context, error masking.
import { createYoga, type YogaServerInstance } from "graphql-yoga";
import type { Database } from "./db/database.ts";
import type { Actor, Context } from "./context.ts";
import { schema } from "./schema/index.ts";

export interface AppOptions {
  db: Database;
  localUser: Actor;
  defaultStorageId: number;
  graphiql?: boolean;
}

export function createApp(options: AppOptions): YogaServerInstance<Record<string, unknown>, Context> {
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: "/graphql",
    graphiql: options.graphiql ?? true,
    maskedErrors: true,
    landingPage: false,
    context: () => ({ db: options.db, user: options.localUser, defaultStorageId: options.defaultStorageId }),
  });
}
