// Structured logging with pino: one JSON object per line on stdout (`level` as a word, `time`
// as ISO 8601, `msg`), credentials in headers redacted wherever they appear, a child logger per
// request carrying its id, and an adapter through which Yoga's own messages come out alike.
import type { YogaLogger } from "graphql-yoga";
import { pino, stdSerializers, type Logger as PinoLogger } from "pino";

export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type Logger = PinoLogger;

/**
 * Header values that are credentials, wherever a logged object carries headers (a request, a
 * response, an error's request): bearer tokens and cookies never reach the log.
 */
export const REDACTED_PATHS = ["authorization", "cookie", "set-cookie"].flatMap((name) => [
  `headers["${name}"]`,
  `*.headers["${name}"]`,
  `*.*.headers["${name}"]`,
]);

/**
 * A logger at `level` writing each line to `write` (default: stdout, synchronously, so that the
 * last lines before process.exit are not lost).
 */
export function createLogger(level: LogLevel = "info", write?: (line: string) => void): Logger {
  const destination = write ? { write } : pino.destination({ dest: 1, sync: true });
  return pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      errorKey: "error",
      serializers: { error: stdSerializers.err },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    },
    destination,
  );
}

/**
 * Yoga and its plugins call `logger.error(error)` or `logger.debug("text", detail…)`; pino wants
 * fields first and reads further arguments as format values. This keeps errors as `error`
 * fields (with the GraphQL path) and other arguments as `detail`. An error found in
 * `requestLoggers` (the request-log plugin maps each result error to its request's logger) is
 * logged through that logger, so the line carries the request id.
 */
export function yogaLogger(logger: Logger, requestLoggers: WeakMap<object, Logger> = new WeakMap()): YogaLogger {
  const forward =
    (level: "debug" | "info" | "warn" | "error") =>
    (...args: unknown[]) => {
      if (!logger.isLevelEnabled(level)) return;
      const [first, ...rest] = args;
      if (first instanceof Error) {
        const path = (first as { path?: unknown }).path;
        (requestLoggers.get(first) ?? logger)[level]({ error: first, path: Array.isArray(path) ? path.join(".") : undefined }, first.message);
      } else if (rest.length) logger[level]({ detail: rest.map((item) => (item instanceof Error ? stdSerializers.err(item) : item)) }, String(first));
      else logger[level](String(first));
    };
  return { debug: forward("debug"), info: forward("info"), warn: forward("warn"), error: forward("error") };
}
