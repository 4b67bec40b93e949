// The operator's settings, one import away: query limits and authentication mode
// (config/limits.ts), network names (config/network.ts), and the loader that reads every setting
// from flags and environment (config/load.ts, definitions in config/settings.ts).
export * from "./config/limits.ts";
export * from "./config/network.ts";
export { ConfigError, loadConfig, loadLimits, resolveLimits, type Config } from "./config/load.ts";
