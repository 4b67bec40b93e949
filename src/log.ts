// Structured logging: one JSON object per line on stdout, with a level threshold, usable as
// Yoga's logger so library messages come out in the same shape as ours.
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  /** Writes `{ level, time, msg, ...fields }`. */
  log(level: Exclude<LogLevel, "silent">, msg: string, fields?: Record<string, unknown>): void;
}

export function parseLogLevel(raw: string | undefined, fallback: LogLevel): LogLevel {
  if (!raw) return fallback;
  if (raw in RANK) return raw as LogLevel;
  throw new Error(`log level must be one of ${Object.keys(RANK).join(", ")}, got ${JSON.stringify(raw)}`);
}

export function createLogger(level: LogLevel = "info", write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  const threshold = RANK[level];
  const log = (lvl: Exclude<LogLevel, "silent">, msg: string, fields: Record<string, unknown> = {}) => {
    if (RANK[lvl] < threshold) return;
    write(`${JSON.stringify({ level: lvl, time: new Date().toISOString(), msg, ...fields })}\n`);
  };
  // Yoga and its plugins call logger.error(error) or logger.info("text", detail…).
  const fromArgs =
    (lvl: Exclude<LogLevel, "silent">) =>
    (...args: unknown[]) => {
      if (RANK[lvl] < threshold) return;
      const [first, ...rest] = args;
      if (first instanceof Error) log(lvl, first.message, { error: { name: first.name, stack: first.stack, code: (first as { code?: unknown }).code } });
      else
        log(
          lvl,
          String(first),
          rest.length ? { detail: rest.map((item) => (item instanceof Error ? { name: item.name, message: item.message, stack: item.stack } : item)) } : {},
        );
    };
  return { debug: fromArgs("debug"), info: fromArgs("info"), warn: fromArgs("warn"), error: fromArgs("error"), log };
}
