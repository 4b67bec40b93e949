// Settings: loadConfig reads flags over environment over defaults for the server and the CLI,
// parses switches and lists, and refuses a bad value with one line naming where it came from;
// --help and the README's tables come from the same definitions.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, isLoopbackHost, listSetting, normalizeHostName, normalizeOrigin, resolveLimits } from "../../src/config.ts";
import { renderReadme, serverHelp } from "../../src/config/docs.ts";
import { ConfigError, loadConfig } from "../../src/config/load.ts";
import { LIMIT_SETTINGS, SETTINGS } from "../../src/config/settings.ts";

const load = (argv: string[], env: Record<string, string> = {}) => loadConfig(argv, env).config;
const refusal = (argv: string[], env: Record<string, string> = {}) => {
  try {
    loadConfig(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain("\n");
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify({ argv, env })} to be refused`);
};

describe("loadConfig", () => {
  it("starts from the defaults", () => {
    expect(load([])).toEqual({
      port: 4000,
      host: "127.0.0.1",
      dataDir: "data",
      databaseUrl: undefined,
      readDatabaseUrls: [],
      readYourWritesWindowMs: 5_000,
      maxReplicaLagMs: 10_000,
      storageRoot: undefined,
      auth: "off",
      introspection: true,
      graphiql: true,
      ui: true,
      csrfPrevention: true,
      corsOrigins: [],
      allowedHosts: [],
      logLevel: "info",
      responseCacheTtlMs: 0,
      plannedPages: true,
      redisUrl: undefined,
      maxSubscriptionsPerConnection: 100,
      maxSubscriptionsPerToken: 100,
      shutdownTimeoutMs: 10_000,
      limits: DEFAULT_LIMITS,
    });
  });

  it("reads read replicas from repeated flags or READ_DATABASE_URLS, postgresql:// URLs only", () => {
    const urls = ["postgresql://r1/x", "postgres://r2/x"];
    expect(load(["--read-database-url", urls[0], "--read-database-url", urls[1]]).readDatabaseUrls).toEqual(urls);
    expect(load([], { READ_DATABASE_URLS: ` ${urls.join(" , ")} ` }).readDatabaseUrls).toEqual(urls);
    expect(load(["--max-replica-lag", "2500", "--read-your-writes-window", "0"])).toMatchObject({ maxReplicaLagMs: 2_500, readYourWritesWindowMs: 0 });
    expect(() => load(["--read-database-url", "mysql://r1/x"])).toThrow(/--read-database-url: must be a postgresql:\/\/ URL, got "mysql:\/\/r1\/x"/);
    expect(() => load([], { MAX_REPLICA_LAG_MS: "soon" })).toThrow(/MAX_REPLICA_LAG_MS: must be a whole number/);
  });

  it("takes a flag over its environment variable, and an empty variable as unset", () => {
    const env = { PORT: "5000", HOST: "", DATA_DIR: "/srv/env", DATABASE_URL: "postgres://db/x", AUTH: "token", LOG_LEVEL: "warn" };
    expect(load([], env)).toMatchObject({
      port: 5000,
      host: "127.0.0.1",
      dataDir: "/srv/env",
      databaseUrl: "postgres://db/x",
      auth: "token",
      logLevel: "warn",
    });
    expect(load(["--port", "0", "--data-dir", "/srv/flag", "--auth", "off", "--log-level", "debug"], env)).toMatchObject({
      port: 0,
      dataDir: "/srv/flag",
      auth: "off",
      logLevel: "debug",
    });
  });

  it("reads switches as words: false/0/no/off turn a feature off, true/1/yes/on keep it, in any case", () => {
    for (const word of ["false", "0", "no", "off", "FALSE", "Off"]) expect(load([], { GRAPHIQL: word }).graphiql, word).toBe(false);
    for (const word of ["true", "1", "yes", "on", "TRUE"]) expect(load([], { INTROSPECTION: word }).introspection, word).toBe(true);
    expect(load(["--no-csrf-prevention"], { CSRF_PREVENTION: "true" }).csrfPrevention).toBe(false);
    expect(load(["--no-graphiql", "--no-introspection"])).toMatchObject({ graphiql: false, introspection: false, csrfPrevention: true });
    expect(refusal([], { CSRF_PREVENTION: "maybe" })).toBe('CSRF_PREVENTION: must be true or false (also 1/0, yes/no, on/off), got "maybe"');
  });

  it("reads lists from repeated flags or a comma-separated variable, normalised", () => {
    expect(load([], { CORS_ORIGINS: " https://App.example/ , ,http://localhost:5173", ALLOWED_HOSTS: "Registry.LAN,fd00::1" })).toMatchObject({
      corsOrigins: ["https://app.example", "http://localhost:5173"],
      allowedHosts: ["registry.lan", "[fd00::1]"],
    });
    expect(load(["--cors-origin", "https://a.example", "--cors-origin", "https://b.example"], { CORS_ORIGINS: "https://env.example" }).corsOrigins).toEqual([
      "https://a.example",
      "https://b.example",
    ]);
  });

  it("refuses bad values with one line naming the flag or variable", () => {
    expect(refusal(["--port", "http"])).toBe('--port: must be a whole number from 0 to 65535, got "http"');
    expect(refusal([], { PORT: "70000" })).toMatch(/^PORT: must be a whole number from 0 to 65535/);
    expect(refusal(["--auth", "maybe"])).toBe('--auth: must be "off" or "token", got "maybe"');
    expect(refusal([], { LOG_LEVEL: "loud" })).toMatch(/^LOG_LEVEL: must be one of debug, info, warn, error, silent/);
    expect(refusal([], { DATABASE_URL: "mysql://db/x" })).toMatch(/^DATABASE_URL: must be a postgresql:\/\/ URL/);
    expect(refusal(["--shutdown-timeout=-1"])).toMatch(/^--shutdown-timeout: must be a whole number/);
    expect(refusal(["--redis-url", "127.0.0.1:6379"])).toBe('--redis-url: must be a redis:// or rediss:// URL, got "127.0.0.1:6379"');
    expect(refusal([], { MAX_SUBSCRIPTIONS_PER_TOKEN: "0" })).toMatch(/^MAX_SUBSCRIPTIONS_PER_TOKEN: must be a whole number from 1 to 1000000/);
    expect(refusal(["--cors-origin", "*"])).toMatch(/^--cors-origin: CORS origin "\*" would allow any page/);
    expect(refusal([], { ALLOWED_HOSTS: "registry.lan,registry.lan:8080" })).toMatch(
      /^ALLOWED_HOSTS: allowed host "registry.lan:8080" must be a name without a port/,
    );
    expect(refusal([], { LIMIT_MAX_DEPTH: "deep" })).toBe('LIMIT_MAX_DEPTH: must be a positive integer, got "deep"');
    expect(refusal(["--bogus"])).toMatch(/^Unknown option '--bogus'.*\(see --help\)$/);
  });

  it("answers -h/--help before validating anything else", () => {
    expect(loadConfig(["--help", "--port", "x"], {}).help).toBe(true);
    expect(loadConfig(["-h"], { PORT: "x" }).help).toBe(true);
  });

  it("reads only the settings a command asks for, next to the command's own options", () => {
    const command = {
      settings: ["dataDir", "databaseUrl"] as const,
      allowPositionals: true,
      options: { handle: { type: "string" }, json: { type: "boolean" } },
    } as const;
    const loaded = loadConfig(["user", "create", "--handle", "ada", "--json", "--data-dir", "/srv/x"], { PORT: "not read", DATABASE_URL: "" }, command);
    expect(loaded).toEqual({
      config: { dataDir: "/srv/x", databaseUrl: undefined },
      options: { handle: "ada", json: true },
      positionals: ["user", "create"],
      help: false,
    });
    expect(() => loadConfig(["--port", "1"], {}, command)).toThrow(/Unknown option '--port'/);
  });
});

describe("limits", () => {
  it("reads limits from defaults, then LIMIT_* variables, then explicit values", () => {
    expect(resolveLimits({}, {})).toEqual(DEFAULT_LIMITS);
    expect(resolveLimits({}, { LIMIT_MAX_DEPTH: "7", LIMIT_MAX_PAGE_SIZE: "50" })).toMatchObject({
      maxDepth: 7,
      maxPageSize: 50,
      maxCost: DEFAULT_LIMITS.maxCost,
    });
    expect(resolveLimits({ maxDepth: 3 }, { LIMIT_MAX_DEPTH: "7", LIMIT_MAX_COST: "9" })).toMatchObject({ maxDepth: 3, maxCost: 9 });
    expect(() => resolveLimits({}, { LIMIT_MAX_ALIASES: "0" })).toThrow(/LIMIT_MAX_ALIASES: must be a positive integer/);
    expect(() => resolveLimits({ maxDepth: 0 })).toThrow(/maxDepth: must be a positive integer/);
  });
});

describe("network names", () => {
  it("tells loopback addresses from the others", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"]) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ["0.0.0.0", "::", "10.0.0.5", "192.168.1.2", "example.org", "128.0.0.1", "127.0.0.1.example.org"])
      expect(isLoopbackHost(host), host).toBe(false);
  });

  it("normalises origins and host names, and refuses values that are none", () => {
    expect(normalizeOrigin("https://App.Example/")).toBe("https://app.example");
    expect(normalizeOrigin("http://localhost:5173")).toBe("http://localhost:5173");
    expect(normalizeOrigin("https://app.example:443")).toBe("https://app.example");
    for (const [raw, message] of [
      ["*", /would allow any page/],
      ["null", /would allow any page/],
      ["https://app.example/ui", /without a path/],
      ["app.example", /is not an origin/],
      ["ftp://app.example", /http or https/],
    ] as const) {
      expect(() => normalizeOrigin(raw), raw).toThrow(message);
    }
    expect(normalizeHostName("Registry.LAN")).toBe("registry.lan");
    expect(normalizeHostName("fd00::1")).toBe("[fd00::1]");
    for (const [raw, message] of [
      ["registry.lan:8080", /without a port/],
      ["evil/x", /is not a host name/],
      ["a@b", /is not a host name/],
    ] as const) {
      expect(() => normalizeHostName(raw), raw).toThrow(message);
    }
    expect(listSetting(undefined, " https://a.example, ,https://b.example ")).toEqual(["https://a.example", "https://b.example"]);
    expect(listSetting(["https://flag.example"], "https://env.example")).toEqual(["https://flag.example"]);
  });
});

describe("documentation from the definitions", () => {
  it("lists every flag and variable in --help", () => {
    const help = serverHelp();
    for (const setting of Object.values(SETTINGS)) {
      expect(help).toContain(`--${setting.flag}`);
      expect(help).toContain(setting.env);
    }
    for (const limit of Object.values(LIMIT_SETTINGS)) expect(help).toContain(limit.env);
  });

  it("has the README's configuration and limits tables current (npm run config-docs writes them)", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    expect(renderReadme(readme)).toBe(readme);
  });
});
