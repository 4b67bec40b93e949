// The runs table shared by the runs page and the transform page, and the live updates
// (runEvents) that keep the rows of running runs current.
import { gql } from "../api.ts";
import { formatDuration, formatTime, formatValue } from "../format.ts";
import { useRunEvents } from "../live.ts";

export interface RunRow {
  uid: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  reference: string | null;
  params: Record<string, unknown>;
  transform: { uid: string; name: string; version: string | null };
  createdBy: { handle: string };
}

export const RUN_FIELDS = "uid status startedAt finishedAt reference params transform { uid name version } createdBy { handle }";
export const STATUSES = ["STARTED", "COMPLETED", "ERRORED", "ABORTED", "SCHEDULED", "RESTARTED"];
export const ACTIVE = new Set(["STARTED", "SCHEDULED", "RESTARTED"]);

export function StatusBadge({ status }: { status: string }) {
  return <span class={`status status-${status.toLowerCase()}`}>{status.toLowerCase()}</span>;
}

export function ParamChips({ params }: { params: Record<string, unknown> }) {
  return (
    <ul class="chips">
      {Object.entries(params).map(([name, value]) => (
        <li key={name} class="chip">
          {name}={formatValue(value)}
        </li>
      ))}
    </ul>
  );
}

/** The current rows of these runs, by uid: one aliased lookup per run, in groups within the service's alias limit. */
async function fetchRuns(uids: string[]): Promise<RunRow[]> {
  const rows: RunRow[] = [];
  for (let start = 0; start < uids.length; start += 20) {
    const group = uids.slice(start, start + 20);
    const declarations = group.map((_, index) => `$u${index}: String!`).join(", ");
    const fields = group.map((_, index) => `r${index}: run(uid: $u${index}) { ${RUN_FIELDS} }`).join("\n");
    const answer = await gql<Record<string, RunRow | null>>(
      `query LiveRuns(${declarations}) { ${fields} }`,
      Object.fromEntries(group.map((uid, index) => [`u${index}`, uid])),
    );
    rows.push(...Object.values(answer).filter((row): row is RunRow => Boolean(row)));
  }
  return rows;
}

/**
 * Keeps the rows of runs still running current: each event of one of them replaces its row,
 * and when the stream (re)opens they are read again (an event may have passed meanwhile).
 */
export function useLiveRows(rows: RunRow[], setRows: (update: (rows: RunRow[]) => RunRow[]) => void) {
  const replace = (fresh: RunRow[]) => {
    const byUid = new Map(fresh.map((row) => [row.uid, row]));
    setRows((current) => (fresh.some((row) => current.some((old) => old.uid === row.uid)) ? current.map((row) => byUid.get(row.uid) ?? row) : current));
  };
  const active = rows.filter((row) => ACTIVE.has(row.status)).map((row) => row.uid);
  useRunEvents<RunRow>(
    RUN_FIELDS,
    active.length ? {} : null,
    (event) => event.run && replace([event.run]),
    // A failed read is left to the next event (a 401 has already brought the token prompt).
    () => void fetchRuns(active).then(replace, () => undefined),
  );
}

export function RunsTable({ rows, showTransform = true }: { rows: RunRow[]; showTransform?: boolean }) {
  return (
    <table class="runs">
      <thead>
        <tr>
          <th scope="col">Status</th>
          {showTransform && <th scope="col">Transform</th>}
          <th scope="col">Started</th>
          <th scope="col">Duration</th>
          <th scope="col">Created by</th>
          <th scope="col">Reference</th>
          <th scope="col">Params</th>
          <th scope="col">Run</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((run) => (
          <tr key={run.uid} data-uid={run.uid} data-status={run.status}>
            <td>
              <StatusBadge status={run.status} />
            </td>
            {showTransform && (
              <td>
                <a href={`/transforms/${run.transform.uid}`}>{run.transform.name}</a> <span class="muted">{run.transform.version}</span>
              </td>
            )}
            <td>{formatTime(run.startedAt)}</td>
            <td>{formatDuration(run.startedAt, run.finishedAt)}</td>
            <td>{run.createdBy.handle}</td>
            <td>{run.reference ?? ""}</td>
            <td>
              <ParamChips params={run.params} />
            </td>
            <td>
              <a href={`/runs/${run.uid}`} class="uid">
                {run.uid}
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
