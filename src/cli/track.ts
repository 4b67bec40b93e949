// `lineage-registry track … -- COMMAND`: a process as a tracked run. Inputs are hashed and
// registered, the run starts under a uid chosen here (so a retried start cannot make two
// runs), the command runs with its streams passed through and signals forwarded, then the
// outputs that exist, the report and the environment are registered and the run finishes
// as the command ended. The command's exit code is the exit code.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { registerPath, type TrackedRun } from "../client/index.ts";
import { captureEnvironment, logDir, OutputTail, writeLogFile } from "./capture.ts";
import { HELP } from "./help.ts";
import { clientFor, errorLine, listOption, stringOption, UsageError, type ParsedCommand } from "./options.ts";
import { parseParams } from "./params.ts";

export const OPTIONS = {
  transform: { type: "string" },
  key: { type: "string" },
  version: { type: "string" },
  type: { type: "string" },
  input: { type: "string", multiple: true },
  output: { type: "string", multiple: true },
  param: { type: "string", multiple: true },
  "param-type": { type: "string", multiple: true },
  reference: { type: "string" },
  "reference-type": { type: "string" },
  "log-dir": { type: "string" },
  "no-environment": { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
} as const;

const FORWARDED: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"];

interface Ending {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** the command could not be started */
  error?: Error;
}

const exitCodeOf = (ending: Ending) => (ending.signal ? 128 + (constants.signals[ending.signal] ?? 0) : ending.error ? 127 : (ending.code ?? 1));
const statusOf = (ending: Ending): "COMPLETED" | "ERRORED" | "ABORTED" =>
  ending.signal ? "ABORTED" : ending.code === 0 && !ending.error ? "COMPLETED" : "ERRORED";

/**
 * Signals that arrive while the command runs go to it; before it starts, they stop the run;
 * after it ended, they wait for the run to be finished (the listener stays until then).
 */
class SignalForwarder {
  child: ChildProcess | null = null;
  received: NodeJS.Signals | null = null;
  private readonly listener = (signal: NodeJS.Signals) => {
    this.received ??= signal;
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  };
  constructor() {
    for (const signal of FORWARDED) process.on(signal, this.listener);
  }
  remove() {
    for (const signal of FORWARDED) process.off(signal, this.listener);
  }
}

function runCommand(command: string[], tail: OutputTail, forwarder: SignalForwarder): Promise<Ending> {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { stdio: ["inherit", "pipe", "pipe"] });
    forwarder.child = child;
    const pass = (target: NodeJS.WriteStream) => (chunk: Buffer) => {
      target.write(chunk);
      tail.push(chunk);
    };
    child.stdout.on("data", pass(process.stdout));
    child.stderr.on("data", pass(process.stderr));
    child.on("error", (error) => resolve({ code: null, signal: null, error }));
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
}

export async function run(parsed: ParsedCommand): Promise<number> {
  if (parsed.values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const name = stringOption(parsed, "transform");
  if (!name) throw new UsageError("track needs --transform NAME");
  if (parsed.rest.length === 0) throw new UsageError("track needs the command to run after --, e.g. lineage-registry track --transform step -- ./step.sh");
  if (parsed.positionals.length) throw new UsageError(`unexpected ${JSON.stringify(parsed.positionals[0])}: the command goes after --`);
  const params = parseParams(listOption(parsed, "param"), listOption(parsed, "param-type"));
  const say = (line: string) => parsed.values.quiet || process.stderr.write(`lineage-registry: ${line}\n`);
  const client = clientFor(parsed);
  const forwarder = new SignalForwarder();
  try {
    const environment = parsed.values["no-environment"] ? null : captureEnvironment();
    const tracked = await client.track({
      transform: { name, key: stringOption(parsed, "key"), version: stringOption(parsed, "version"), type: stringOption(parsed, "type") ?? "script" },
      params,
      inputs: listOption(parsed, "input"),
      reference: stringOption(parsed, "reference"),
      referenceType: stringOption(parsed, "reference-type"),
      hooks: false,
    });
    say(`run ${tracked.uid} started (${name})`);
    const tail = new OutputTail();
    const ending: Ending = forwarder.received ? { code: null, signal: forwarder.received } : await runCommand(parsed.rest, tail, forwarder);
    if (ending.error) {
      const line = `cannot run ${parsed.rest[0]}: ${(ending.error as NodeJS.ErrnoException).code === "ENOENT" ? "command not found" : ending.error.message}`;
      process.stderr.write(`lineage-registry: ${line}\n`);
      tail.push(Buffer.from(`${line}\n`));
    }
    return await record(tracked, parsed, ending, tail, environment, say);
  } finally {
    forwarder.remove();
  }
}

/** Registers outputs, report and environment, and finishes the run as the command ended. */
async function record(
  tracked: TrackedRun,
  parsed: ParsedCommand,
  ending: Ending,
  tail: OutputTail,
  environment: Promise<string> | null,
  say: (line: string) => unknown,
): Promise<number> {
  let status = statusOf(ending);
  let exitCode = exitCodeOf(ending);
  const root = logDir(stringOption(parsed, "log-dir"));
  let report: string | undefined;
  let environmentUid: string | undefined;
  try {
    for (const output of listOption(parsed, "output")) {
      if (existsSync(output)) await tracked.registerOutput(output);
      else say(`output ${output} was not written: not registered`);
    }
    const header = `# lineage-registry run ${tracked.uid}: ${parsed.rest.join(" ")}\n`;
    // The report and environment lie in the local log folder, a storage of their own; they
    // are attached by finishRun, not registered as the run's outputs.
    const key = `runs/${tracked.uid}/report.txt`;
    const reportFile = writeLogFile(root, key, Buffer.concat([Buffer.from(header), tail.bytes()]));
    report = (await registerPath(tracked.client, reportFile, { key, storageRoot: root, type: "report", progress: false })).uid;
    if (environment) {
      const envKey = `runs/${tracked.uid}/environment.txt`;
      const envFile = writeLogFile(root, envKey, await environment);
      environmentUid = (await registerPath(tracked.client, envFile, { key: envKey, storageRoot: root, type: "environment", progress: false })).uid;
    }
  } catch (error) {
    process.stderr.write(`lineage-registry: ${errorLine(error)}\n`);
    if (status === "COMPLETED") [status, exitCode] = ["ERRORED", 1];
  }
  try {
    await tracked.finish({ status, report, environment: environmentUid });
    say(`run ${tracked.uid} ${status}${ending.signal ? ` (${ending.signal})` : ` (exit code ${exitCodeOf(ending)})`}`);
  } catch (error) {
    process.stderr.write(`lineage-registry: could not finish run ${tracked.uid}: ${errorLine(error)}\n`);
    return exitCode === 0 ? 1 : exitCode;
  }
  return exitCode;
}
