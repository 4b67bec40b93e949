// One JSON log line per HTTP request, tied together by a request id: the caller's
// X-Request-Id when it is well formed, a fresh UUID otherwise; echoed in the response. Each
// request gets a child logger carrying its id (ctx.log); the errors of its result are mapped to
// it, so that the failures Yoga logs when it masks them carry the id too (see yogaLogger).
import { randomUUID } from "node:crypto";
import type { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { directOperations, operationNameOf, operationOf } from "./operation.ts";
import type { Context } from "../context.ts";
import type { Logger } from "../log.ts";

interface RequestInfo {
  id: string;
  log: Logger;
  started: number;
  operationName?: string;
  operationType?: string;
  user?: string;
  errorCodes?: string[];
}

const ACCEPTED_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The distinct codes of a result's errors (UNKNOWN for an error without one). */
function errorCodesOf(result: unknown): string[] {
  const results: unknown[] = Array.isArray(result) ? result : [result];
  const codes = results.flatMap((item) =>
    item && typeof item === "object" && "errors" in item && Array.isArray(item.errors)
      ? (item.errors as GraphQLError[]).map((error) => (typeof error.extensions?.code === "string" ? error.extensions.code : "UNKNOWN"))
      : [],
  );
  return [...new Set(codes)];
}

/** What the log says of a request once it is answered. */
function responseLine(request: Request, url: URL, response: Response, info: RequestInfo, serverContext: unknown) {
  return {
    method: request.method,
    path: url.pathname,
    status: response.status,
    durationMs: Math.round((performance.now() - info.started) * 10) / 10,
    operationName: info.operationName,
    operationType: info.operationType,
    user: info.user,
    errorCodes: info.errorCodes,
    remote: (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req?.socket?.remoteAddress,
  };
}

/** `errorLoggers` receives each error of a result with the logger of its request. */
export function useRequestLog(logger: Logger, errorLoggers: WeakMap<object, Logger> = new WeakMap()): Plugin<Context> {
  const requests = new WeakMap<Request, RequestInfo>();
  const infoOf = (request: Request) => {
    let info = requests.get(request);
    if (!info) {
      const given = request.headers.get("x-request-id");
      const id = given && ACCEPTED_ID.test(given) ? given : randomUUID();
      info = { id, log: logger.child({ requestId: id }), started: performance.now() };
      requests.set(request, info);
    }
    return info;
  };
  return {
    onRequest({ request }) {
      infoOf(request);
    },
    onContextBuilding({ context, extendContext }) {
      const info = infoOf(context.request);
      extendContext({ requestId: info.id, log: info.log });
    },
    onExecute({ args }) {
      const context = args.contextValue;
      const info = infoOf(context.request);
      const operation = operationOf(args);
      info.operationName = operation?.name?.value ?? operationNameOf(args);
      info.operationType = operation?.operation;
      info.user = context.user?.handle;
      return {
        onExecuteDone({ result }) {
          // A stream of results (subscriptions, @defer) is left to Yoga's own logger.
          if (!("errors" in result)) return;
          for (const error of (result.errors ?? []) as readonly GraphQLError[]) errorLoggers.set(error, context.log);
        },
      };
    },
    onResultProcess({ request, result }) {
      const codes = errorCodesOf(result);
      if (codes.length) infoOf(request).errorCodes = codes;
    },
    onResponse({ request, response, serverContext }) {
      const info = infoOf(request);
      response.headers.set("x-request-id", info.id);
      const direct = directOperations.get(request);
      if (direct) {
        // A route that ran an operation without GraphQL (src/openlineage/http.ts).
        if (direct.executeMs !== undefined) [info.operationName, info.operationType] = [direct.name, direct.type];
        info.user = direct.user;
        info.errorCodes = direct.errorCodes;
        if (direct.error) info.log.error({ error: direct.error }, (direct.error as Error).message ?? "internal error");
      }
      const url = new URL(request.url, "http://localhost");
      // Probes and scrapes would drown the log: they are logged only at debug level.
      const routine = url.pathname === "/health" || url.pathname === "/ready" || url.pathname === "/metrics";
      const level = routine ? "debug" : response.status >= 500 ? "error" : "info";
      info.log[level](responseLine(request, url, response, info, serverContext), "request");
    },
  };
}
