// `lineage-registry runs`: the latest runs as a table (or JSON lines' worth of JSON).
import type { RunListItem, RunStatus } from "../client/index.ts";
import { HELP } from "./help.ts";
import { clientFor, integerOption, listOption, stringOption, UsageError, type ParsedCommand } from "./options.ts";

export const OPTIONS = {
  status: { type: "string", multiple: true },
  transform: { type: "string" },
  limit: { type: "string" },
  json: { type: "boolean" },
} as const;

const STATUSES: RunStatus[] = ["SCHEDULED", "STARTED", "RESTARTED", "COMPLETED", "ERRORED", "ABORTED"];

function table(runs: RunListItem[]): string {
  const rows = runs.map((run) => [
    run.uid,
    run.status,
    run.transform.name,
    run.transform.version ?? "",
    run.startedAt.replace("T", " ").slice(0, 19),
    run.finishedAt ? run.finishedAt.replace("T", " ").slice(0, 19) : "",
  ]);
  const header = ["UID", "STATUS", "TRANSFORM", "VERSION", "STARTED (UTC)", "FINISHED (UTC)"];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export async function run(parsed: ParsedCommand): Promise<number> {
  if (parsed.values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (parsed.positionals.length) throw new UsageError(`unexpected ${JSON.stringify(parsed.positionals[0])}`);
  const statuses = listOption(parsed, "status").flatMap((s) => s.split(",").map((one) => one.trim().toUpperCase()));
  const unknown = statuses.find((s) => !(STATUSES as string[]).includes(s));
  if (unknown) throw new UsageError(`--status ${unknown}: one of ${STATUSES.join(", ")}`);
  const transform = stringOption(parsed, "transform");
  const runs: RunListItem[] = [];
  const iterator = clientFor(parsed).runs({
    filter: { status: statuses.length ? (statuses as RunStatus[]) : undefined, transformName: transform ? { equals: transform } : undefined },
    orderBy: { field: "STARTED_AT", direction: "DESC" },
    limit: integerOption(parsed, "limit") ?? 50,
  });
  for await (const item of iterator) runs.push(item);
  process.stdout.write(parsed.values.json ? `${JSON.stringify(runs, null, 2)}\n` : runs.length ? `${table(runs)}\n` : "no runs\n");
  return 0;
}
