// The settings as people read them: `--help` lines and the README's configuration and query
// limits tables, written from the definitions in settings.ts (scripts/config-docs.ts keeps the
// README's copy current and checks it).
import { DEFAULT_LIMITS, type Limits } from "./limits.ts";
import { isSwitch } from "./load.ts";
import { LIMIT_SETTINGS, SETTINGS, type SettingDefinition, type SettingKey } from "./settings.ts";

const entries = (scope?: SettingDefinition["scope"]) =>
  (Object.entries(SETTINGS) as [SettingKey, SettingDefinition][]).filter(([, setting]) => !scope || setting.scope === scope);

const flagOf = (setting: SettingDefinition) => `--${setting.flag}${setting.placeholder ? ` ${setting.placeholder}` : ""}`;
const envOf = (setting: SettingDefinition) => (isSwitch(setting) ? `${setting.env}=false` : setting.env);

/** Option lines for --help: flag, help, [variable], default. */
export function optionLines(scope?: SettingDefinition["scope"]): string {
  return entries(scope)
    .map(([, setting]) => {
      const env = setting.list ? `[${setting.env}, comma-separated]` : `[${envOf(setting)}]`;
      const shown = isSwitch(setting) || setting.shown.startsWith("–") ? "" : ` (default ${setting.shown})`;
      return `  ${flagOf(setting).padEnd(26)} ${setting.help}${setting.list ? "; repeatable" : ""} ${env}${shown}`;
    })
    .join("\n");
}

/** Lines of the LIMIT_* variables for --help, with their defaults. */
export function limitLines(): string {
  return (Object.entries(LIMIT_SETTINGS) as [keyof Limits, (typeof LIMIT_SETTINGS)[keyof Limits]][])
    .map(([key, limit]) => `  ${limit.env.padEnd(30)} ${limit.help.replace(/`/g, "")} [${DEFAULT_LIMITS[key]}]`)
    .join("\n");
}

export function serverHelp(): string {
  return `lineage-registry: GraphQL service for runs, transforms, artifacts and their lineage

Usage: npm start -- [options]

Options (environment variable in brackets; a flag wins over its variable):
${optionLines()}
  -h, --help                 show this help

Switches read from the environment take true/false, 1/0, yes/no or on/off.

Query limits (environment only; defaults in brackets):
${limitLines()}

Users and tokens: npm run cli -- --help
`;
}

/** The README's configuration table. */
export function configurationTable(): string {
  const rows = entries().map(([, setting]) => {
    const flag = `\`${flagOf(setting)}\`${setting.list ? " (repeatable)" : ""}`;
    const env = `\`${envOf(setting)}\`${setting.list ? " (comma-separated)" : ""}`;
    const shown = /[/<]|^\./.test(setting.shown) ? `\`${setting.shown}\`` : setting.shown;
    return `| ${flag} | ${env} | ${shown} | ${setting.help} |`;
  });
  return ["| flag | env | default | meaning |", "|---|---|---|---|", ...rows, "| – | `LIMIT_*` | see *Query limits* | query limits |"].join("\n");
}

/** The README's query limits table. */
export function limitsTable(): string {
  const rows = (Object.entries(LIMIT_SETTINGS) as [keyof Limits, (typeof LIMIT_SETTINGS)[keyof Limits]][]).map(
    ([key, limit]) => `| ${limit.help} | \`${limit.env}\` | ${DEFAULT_LIMITS[key]} | ${limit.onExcess} |`,
  );
  return ["| limit | env | default | on excess |", "|---|---|---:|---|", ...rows].join("\n");
}

/** Each generated README block, between `<!-- name:start -->` and `<!-- name:end -->` markers. */
export const README_BLOCKS: Readonly<Record<string, () => string>> = { "config-table": configurationTable, "limits-table": limitsTable };

/** The README with every generated block rewritten; throws when a block's markers are missing. */
export function renderReadme(readme: string): string {
  let text = readme;
  for (const [name, render] of Object.entries(README_BLOCKS)) {
    const start = `<!-- ${name}:start -->`;
    const end = `<!-- ${name}:end -->`;
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end} block`);
    text = `${text.slice(0, from + start.length)}\n${render()}\n${text.slice(to)}`;
  }
  return text;
}
