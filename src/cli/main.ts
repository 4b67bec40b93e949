// The `lineage-registry` command: client commands that talk to a server over HTTP (track,
// lineage, runs) and the operator's commands on the database (user, token: src/cli.ts).
import { HELP } from "./help.ts";
import { parseCommand, printError, UsageError } from "./options.ts";

const CLIENT_COMMANDS = {
  track: () => import("./track.ts"),
  lineage: () => import("./lineage.ts"),
  runs: () => import("./runs.ts"),
} as const;

const ADMIN_COMMANDS = new Set(["user", "token"]);

// Options that take a value, so that a value is not mistaken for the command's name.
const VALUE_OPTIONS = new Set(["--url", "--token", "--timeout", "--data-dir", "--database-url"]);

function commandName(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--") return undefined;
    if (VALUE_OPTIONS.has(argv[i])) i++;
    else if (!argv[i].startsWith("-")) return argv[i];
  }
  return undefined;
}

async function main(argv: string[]): Promise<number> {
  const name = commandName(argv);
  if (name === undefined || name === "help") {
    const asked = argv.length === 0 || name === "help" || argv.includes("--help") || argv.includes("-h");
    if (!asked) {
      printError(new UsageError("no command given (see lineage-registry --help)"));
      return 2;
    }
    process.stdout.write(HELP);
    return 0;
  }
  if (ADMIN_COMMANDS.has(name)) {
    // user, token and the database flags: the operator's command line, with these arguments.
    await import("../cli.ts");
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  }
  if (!(name in CLIENT_COMMANDS)) {
    printError(new UsageError(`unknown command ${JSON.stringify(name)} (see lineage-registry --help)`));
    return 2;
  }
  const command = await CLIENT_COMMANDS[name as keyof typeof CLIENT_COMMANDS]();
  const at = argv.indexOf(name);
  const args = [...argv.slice(0, at), ...argv.slice(at + 1)];
  try {
    return await command.run(parseCommand(args, command.OPTIONS));
  } catch (error) {
    printError(error);
    return error instanceof UsageError ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
