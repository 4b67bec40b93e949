// Log lines: JSON with the level as a word and an ISO time, credentials in headers redacted,
// the request id on every line of a request's child logger, and Yoga's messages in the same shape.
import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { createLogger, yogaLogger, type Logger } from "../../src/log.ts";

function capture(level: Parameters<typeof createLogger>[0] = "debug"): { logger: Logger; lines: Record<string, any>[] } {
  const lines: Record<string, any>[] = [];
  return { logger: createLogger(level, (line) => lines.push(JSON.parse(line))), lines };
}

describe("logger", () => {
  it("writes one JSON object per line with level, ISO time and msg, above its threshold only", () => {
    const { logger, lines } = capture("info");
    logger.debug("hidden");
    logger.info({ port: 4000 }, "listening");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "info", msg: "listening", port: 4000 });
    expect(new Date(lines[0].time).toISOString()).toBe(lines[0].time);
  });

  it("redacts authorization and cookie headers wherever a logged object carries them", () => {
    const { logger, lines } = capture();
    const headers = { authorization: "Bearer lr_secret", cookie: "session=secret", "set-cookie": "a=secret", accept: "application/json" };
    logger.info({ headers }, "top level");
    logger.info({ req: { headers } }, "one level down");
    logger.info({ error: { request: { headers } } }, "two levels down");
    const text = JSON.stringify(lines);
    expect(text).not.toContain("secret");
    expect(lines[0].headers).toEqual({ authorization: "[redacted]", cookie: "[redacted]", "set-cookie": "[redacted]", accept: "application/json" });
    expect(lines[1].req.headers.authorization).toBe("[redacted]");
    expect(lines[2].error.request.headers.cookie).toBe("[redacted]");
  });

  it("puts the request id on every line of a request's child logger", () => {
    const { logger, lines } = capture();
    const request = logger.child({ requestId: "dash-42" });
    request.info({ status: 200 }, "request");
    request.warn("slow");
    expect(lines.map((line) => line.requestId)).toEqual(["dash-42", "dash-42"]);
  });
});

describe("yogaLogger", () => {
  it("logs errors as error fields, other arguments as detail, and an error of a request through its logger", () => {
    const { logger, lines } = capture();
    const requestLoggers = new WeakMap<object, Logger>();
    const yoga = yogaLogger(logger, requestLoggers);
    const failure = new GraphQLError("Unexpected error.", { path: ["runs", 0, "uid"], originalError: new Error("boom") });
    requestLoggers.set(failure, logger.child({ requestId: "r-1" }));
    yoga.error(failure);
    yoga.error(new Error("outside any request"));
    yoga.debug("Parsing request", { size: 3 });
    expect(lines[0]).toMatchObject({ level: "error", msg: "Unexpected error.", requestId: "r-1", path: "runs.0.uid", error: { message: "Unexpected error." } });
    expect(lines[1]).toMatchObject({ level: "error", msg: "outside any request", error: { type: "Error" } });
    expect(lines[1].requestId).toBeUndefined();
    expect(lines[2]).toMatchObject({ level: "debug", msg: "Parsing request", detail: [{ size: 3 }] });
  });
});
