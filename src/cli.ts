// Operator's command line for users and API tokens, on the same database as the server
// (DATABASE_URL / --database-url for PostgreSQL, --data-dir for the embedded SQLite file).
import { createToken, createUser, listTokens, revokeToken, tokenStatus } from "./auth/accounts.ts";
import { optionLines } from "./config/docs.ts";
import { ConfigError, loadConfig } from "./config/load.ts";
import { openDatabase, type Database } from "./db/database.ts";
import { DomainError } from "./domain/errors.ts";
import { flags } from "./cli/flags.ts";

const HELP = `lineage-registry users and API tokens

Usage: npm run cli -- <command> [options]

Commands:
  user create --handle <h> [--name <n>]       create a user
  user list                                   list users
  token create --user <h> --scopes <s,…> [--expires-in 30d] [--name <n>]
                                              issue a token (scopes: read, write, admin); the
                                              token is printed once and only its hash is kept
  token revoke <uid>                          revoke a token at once
  token list [--user <h>]                     list tokens (never their secrets)

Database (as for the server; environment variable in brackets):
${optionLines("database")}
  --json                     print JSON instead of text
`;

function usage(message?: string): never {
  if (message) process.stderr.write(`error: ${message}\n\n`);
  process.stderr.write(HELP);
  process.exit(message ? 2 : 0);
}

/** The command's own options; the database settings are the server's (src/config/settings.ts). */
const COMMAND = {
  settings: ["dataDir", "databaseUrl"] as const,
  allowPositionals: true,
  options: flags(["handle", "name", "user", "scopes", "expires-in"], ["json"]),
};

function parseCommandLine() {
  try {
    return loadConfig(process.argv.slice(2), process.env, COMMAND);
  } catch (error) {
    if (error instanceof ConfigError) usage(error.message);
    throw error;
  }
}

const { config, options: values, positionals, help } = parseCommandLine();

const [noun, verb, argument] = positionals;
if (help || !noun) usage();

const print = (text: string, json: unknown) => process.stdout.write(values.json ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`);
const date = (value: Date | null) => (value ? value.toISOString() : "-");

async function userCreate(db: Database) {
  if (!values.handle) usage("user create needs --handle");
  const user = await createUser(db, { handle: values.handle, name: values.name });
  print(`created user ${user.handle} (uid ${user.uid})`, { uid: user.uid, handle: user.handle, name: user.name });
}

async function userList(db: Database) {
  const users = await db.prisma.user.findMany({ orderBy: { id: "asc" } });
  print(
    users.map((user) => `${user.uid}  ${user.handle.padEnd(20)} ${user.name ?? ""}`).join("\n"),
    users.map(({ uid, handle, name }) => ({ uid, handle, name })),
  );
}

async function tokenCreate(db: Database) {
  if (!values.user) usage("token create needs --user <handle>");
  if (!values.scopes) usage("token create needs --scopes, e.g. --scopes read or --scopes read,write");
  const { secret, token } = await createToken(db, { userHandle: values.user, scopes: values.scopes, name: values.name, expiresIn: values["expires-in"] });
  print(
    `created token ${token.uid} for ${token.user.handle} with scopes ${token.scopes}, expires ${date(token.expiresAt)}\n\n  ${secret}\n\nThis is the only time the token is shown; store it now. Send it as: Authorization: Bearer <token>`,
    { uid: token.uid, user: token.user.handle, scopes: token.scopes.split(","), expiresAt: token.expiresAt, token: secret },
  );
}

async function tokenRevoke(db: Database) {
  if (!argument) usage("token revoke needs the token's uid (see token list)");
  const token = await revokeToken(db, argument);
  print(`revoked token ${token.uid} of ${token.user.handle} at ${date(token.revokedAt)}`, { uid: token.uid, revokedAt: token.revokedAt });
}

async function tokenList(db: Database) {
  const tokens = await listTokens(db, { userHandle: values.user });
  const line = (t: (typeof tokens)[number]) =>
    `${t.uid}  ${t.user.handle.padEnd(16)} ${t.scopes.padEnd(16)} ${tokenStatus(t).padEnd(8)} expires ${date(t.expiresAt)}  last used ${date(t.lastUsedAt)}  ${t.name}`;
  print(
    tokens.length ? tokens.map(line).join("\n") : "no tokens",
    tokens.map((t) => ({
      uid: t.uid,
      name: t.name,
      user: t.user.handle,
      scopes: t.scopes.split(","),
      status: tokenStatus(t),
      createdAt: t.createdAt,
      expiresAt: t.expiresAt,
      revokedAt: t.revokedAt,
      lastUsedAt: t.lastUsedAt,
    })),
  );
}

const COMMANDS: Record<string, (db: Database) => Promise<void>> = {
  "user create": userCreate,
  "user list": userList,
  "token create": tokenCreate,
  "token revoke": tokenRevoke,
  "token list": tokenList,
};

async function run(db: Database) {
  const command = `${noun} ${verb ?? ""}`.trim();
  const handler = COMMANDS[command];
  if (!handler) usage(`unknown command "${command}"`);
  await handler(db);
}

const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  await run(db);
} catch (error) {
  process.stderr.write(`error: ${error instanceof DomainError ? `${error.message} (${error.code})` : (error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await db.close();
}
