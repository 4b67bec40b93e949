// Command-line plumbing shared by the client commands: option parsing, the client they talk
// through, and errors printed as one line.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { LineageClient, LineageError } from "../client/index.ts";

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;

export const CLIENT_OPTIONS = {
  url: { type: "string" },
  token: { type: "string" },
  timeout: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies Options;

export interface ParsedCommand {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  /** what follows `--`: the wrapped command */
  rest: string[];
}

export function parseCommand(args: string[], options: Options): ParsedCommand {
  const split = args.indexOf("--");
  const own = split >= 0 ? args.slice(0, split) : args;
  try {
    const { values, positionals } = parseArgs({ args: own, options: { ...CLIENT_OPTIONS, ...options }, allowPositionals: true, strict: true });
    return { values, positionals, rest: split >= 0 ? args.slice(split + 1) : [] };
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (see lineage-registry --help)`);
  }
}

export const stringOption = (parsed: ParsedCommand, name: string): string | undefined => {
  const value = parsed.values[name];
  return typeof value === "string" ? value : undefined;
};

export const listOption = (parsed: ParsedCommand, name: string): string[] => {
  const value = parsed.values[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : typeof value === "string" ? [value] : [];
};

export function integerOption(parsed: ParsedCommand, name: string): number | undefined {
  const text = stringOption(parsed, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`--${name} takes a whole number, not ${JSON.stringify(text)}`);
  return Number(text);
}

export function clientFor(parsed: ParsedCommand): LineageClient {
  return new LineageClient({
    url: stringOption(parsed, "url") ?? process.env.LINEAGE_URL ?? undefined,
    token: stringOption(parsed, "token") ?? process.env.LINEAGE_TOKEN ?? undefined,
    timeoutMs: integerOption(parsed, "timeout"),
  });
}

/** One line on stderr: what failed, the service's code and the field at fault. */
export function printError(error: unknown): void {
  process.stderr.write(`lineage-registry: ${errorLine(error)}\n`);
}

export function errorLine(error: unknown): string {
  if (error instanceof LineageError) {
    const detail = [error.code, error.field && !error.message.startsWith(`${error.field}:`) ? `field ${error.field}` : null].filter(Boolean).join(", ");
    const hint =
      error.code === "UNAUTHENTICATED" ? "; pass a token with --token or LINEAGE_TOKEN" : error.code === "FORBIDDEN" ? "; the token lacks a scope" : "";
    return `${error.message.split("\n")[0]} (${detail})${hint}`;
  }
  return error instanceof Error ? error.message.split("\n")[0] : String(error);
}
