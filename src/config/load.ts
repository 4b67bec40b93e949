// Reads the operator's settings from command-line flags and environment variables and validates
// them with the schemas of settings.ts. A flag wins over its variable; an empty variable counts
// as unset. The server reads every setting, the CLI the database ones next to its own options.
// A bad value is one line naming the flag or variable it came from (ConfigError).
import { parseArgs, type ParseArgsConfig } from "node:util";
import { z } from "zod";
import type { Limits } from "./limits.ts";
import { listSetting } from "./network.ts";
import { LIMIT_SETTINGS, limitOverridesSchema, limitsSchema, SETTINGS, type SettingDefinition, type SettingKey, type Settings } from "./settings.ts";

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig["options"]>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Every setting, plus the query limits (LIMIT_* variables). */
export type Config = Settings & { limits: Limits };
export type ConfigKey = keyof Config;

export interface CommandSpec<K extends ConfigKey, O extends ParseArgsOptionsConfig> {
  /** The settings this command reads (the others' flags are unknown to it). */
  settings: readonly K[];
  /** The command's own options, parsed alongside (not validated here). */
  options?: O;
  allowPositionals?: boolean;
}

type OptionValues<O extends ParseArgsOptionsConfig> = { [N in keyof O]?: O[N] extends { type: "boolean" } ? boolean : string };

export interface Loaded<K extends ConfigKey, O extends ParseArgsOptionsConfig> {
  config: Pick<Config, K>;
  /** The command's own options. */
  options: OptionValues<O>;
  positionals: string[];
  /** -h or --help was given: print the help, nothing else was validated. */
  help: boolean;
}

const ALL_SETTINGS = Object.keys(SETTINGS) as SettingKey[];
export const SERVER_COMMAND: CommandSpec<ConfigKey, Record<never, never>> = { settings: [...ALL_SETTINGS, "limits"] };

/** Parses argv (without the node and script paths) and env for the given command (default: the server). */
export function loadConfig<K extends ConfigKey = ConfigKey, O extends ParseArgsOptionsConfig = Record<never, never>>(
  argv: readonly string[],
  env: Env,
  command: CommandSpec<K, O> = SERVER_COMMAND as CommandSpec<K, O>,
): Loaded<K, O> {
  const keys = command.settings.filter((key): key is K & SettingKey => key !== "limits");
  const flagOptions: ParseArgsOptionsConfig = { ...command.options, help: { type: "boolean", short: "h" } };
  for (const key of keys) {
    const setting: SettingDefinition = SETTINGS[key];
    if (setting.flag) flagOptions[setting.flag] = isSwitch(setting) ? { type: "boolean" } : { type: "string", multiple: !!setting.list };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: flagOptions, allowPositionals: command.allowPositionals ?? false, strict: true });
  } catch (error) {
    // Unknown flags, a missing value, a stray positional: the user's mistake, said in one line.
    if (!String((error as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS_")) throw error;
    throw new ConfigError(`${(error as Error).message.split("\n")[0]} (see --help)`);
  }
  const { values, positionals } = parsed;
  const options = Object.fromEntries(Object.keys(command.options ?? {}).map((name) => [name, values[name]])) as OptionValues<O>;
  if (values.help) return { config: {} as Pick<Config, K>, options, positionals, help: true };

  // Where each value came from, to name it in an error.
  const source: Record<string, string> = {};
  const raw: Record<string, string | string[] | undefined> = {};
  for (const key of keys) {
    const setting: SettingDefinition = SETTINGS[key];
    const flag = setting.flag ? values[setting.flag] : undefined;
    const fromEnv = env[setting.env] === "" ? undefined : env[setting.env];
    if (flag !== undefined && !(Array.isArray(flag) && flag.length === 0)) {
      source[key] = `--${setting.flag}`;
      raw[key] = isSwitch(setting) ? "false" : Array.isArray(flag) ? listSetting(flag as string[], undefined) : (flag as string);
    } else if (fromEnv !== undefined) {
      source[key] = setting.env;
      raw[key] = setting.list ? listSetting(undefined, fromEnv) : fromEnv;
    }
  }
  const schema = z.object(Object.fromEntries(keys.map((key) => [key, SETTINGS[key].schema])));
  const config = check(schema, raw, (path) => source[String(path[0])] ?? String(path[0])) as Record<string, unknown>;
  if ((command.settings as readonly ConfigKey[]).includes("limits")) config.limits = loadLimits(env);
  return { config: config as Pick<Config, K>, options, positionals, help: false };
}

/** The LIMIT_* variables over the defaults. */
export function loadLimits(env: Env): Limits {
  const raw = Object.fromEntries(Object.entries(LIMIT_SETTINGS).map(([key, { env: name }]) => [key, env[name] === "" ? undefined : env[name]]));
  return check(limitsSchema, raw, (path) => LIMIT_SETTINGS[path[0] as keyof Limits].env);
}

/** Defaults, overridden by LIMIT_* environment variables, overridden by explicit values (createService's options). */
export function resolveLimits(overrides: Partial<Limits> = {}, env: Env = process.env): Limits {
  const given = Object.fromEntries(Object.entries(overrides).map(([key, value]) => [key, value === undefined ? undefined : String(value)]));
  const explicit = check(limitOverridesSchema, given, (path) => String(path[0]));
  return { ...loadLimits(env), ...Object.fromEntries(Object.entries(explicit).filter(([, value]) => value !== undefined)) };
}

function check<S extends z.ZodType>(schema: S, raw: unknown, nameOf: (path: PropertyKey[]) => string): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ConfigError(`${nameOf(issue.path)}: ${issue.message}`);
}

/** A setting whose flag only turns it off (--no-graphiql). */
export function isSwitch(setting: SettingDefinition): boolean {
  return !!setting.flag?.startsWith("no-");
}
