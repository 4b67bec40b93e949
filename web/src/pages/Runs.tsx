// The home page: recent runs with the API's filters, sorting and cursor pagination. The
// filters live in the URL (shareable, survive a reload); running runs update by polling.
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso/router";
import { gql, useQuery } from "../api.ts";
import { formatDuration, formatTime, formatValue } from "../format.ts";
import { parseParamPredicate, runFilterOf, type RunsQuery } from "./run-filter.ts";

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

const RUN_FIELDS = "uid status startedAt finishedAt reference params transform { uid name version } createdBy { handle }";
const RUNS = `query Runs($filter: RunFilter, $orderBy: RunOrderBy, $first: Int, $after: String) {
  runs(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ${RUN_FIELDS} } }
  }
}`;

type RunsAnswer = { runs: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: RunRow }[] } };

export const STATUSES = ["STARTED", "COMPLETED", "ERRORED", "ABORTED", "SCHEDULED", "RESTARTED"];
const ACTIVE = new Set(["STARTED", "SCHEDULED", "RESTARTED"]);
const POLL_MS = 2000;

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

/** Refreshes the rows of runs still running every POLL_MS. */
function useLiveRows(rows: RunRow[], setRows: (update: (rows: RunRow[]) => RunRow[]) => void) {
  useEffect(() => {
    const active = rows.filter((row) => ACTIVE.has(row.status)).map((row) => row.uid);
    if (!active.length) return undefined;
    const timer = setTimeout(() => {
      fetchRuns(active).then(
        (fresh) => {
          const byUid = new Map(fresh.map((row) => [row.uid, row]));
          setRows((current) => current.map((row) => byUid.get(row.uid) ?? row));
        },
        // Try again at the next turn (a 401 has already brought the token prompt).
        () => setRows((current) => [...current]),
      );
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [rows, setRows]);
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

export function RunsPage() {
  const { query, route } = useLocation();
  const filters = query as RunsQuery;
  const predicate = parseParamPredicate(filters.param ?? "");
  const variables = {
    filter: runFilterOf(filters),
    orderBy: { field: filters.sort ?? "STARTED_AT", direction: filters.dir ?? "DESC" },
    first: Math.min(100, Number(filters.size) || 25),
  };
  const { data, error, loading } = useQuery<RunsAnswer>(RUNS, variables);
  const [rows, setRows] = useState<RunRow[]>([]);
  const [page, setPage] = useState<{ hasNextPage: boolean; endCursor: string | null }>({ hasNextPage: false, endCursor: null });
  useEffect(() => {
    if (!data) return;
    setRows(data.runs.edges.map((edge) => edge.node));
    setPage(data.runs.pageInfo);
  }, [data]);
  useLiveRows(rows, setRows);

  const set = (changes: Partial<Record<keyof RunsQuery, string>>) => {
    const params = new URLSearchParams(query);
    for (const [name, value] of Object.entries(changes)) {
      if (value) params.set(name, value);
      else params.delete(name);
    }
    const text = params.toString();
    route(text ? `/?${text}` : "/");
  };
  const loadMore = async () => {
    const more = await gql<RunsAnswer>(RUNS, { ...variables, after: page.endCursor });
    setRows((current) => current.concat(more.runs.edges.map((edge) => edge.node)));
    setPage(more.runs.pageInfo);
  };
  const statuses = (filters.status ?? "").split(",").filter(Boolean);

  return (
    <main>
      <h1>Runs</h1>
      <form
        key={JSON.stringify(filters)}
        class="filters"
        aria-label="Filter runs"
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          const text = (name: string) => {
            const value = form.get(name);
            return typeof value === "string" ? value.trim() : "";
          };
          set({
            transform: text("transform"),
            reference: text("reference"),
            param: text("param"),
            from: text("from"),
            to: text("to"),
          });
        }}
      >
        <fieldset class="statuses">
          <legend>Status</legend>
          {STATUSES.map((status) => (
            <label key={status}>
              <input
                type="checkbox"
                name="status"
                value={status}
                checked={statuses.includes(status)}
                onChange={(event) =>
                  set({ status: (event.currentTarget.checked ? statuses.concat(status) : statuses.filter((value) => value !== status)).join(",") })
                }
              />{" "}
              {status.toLowerCase()}
            </label>
          ))}
        </fieldset>
        <label>
          Transform <input name="transform" defaultValue={filters.transform ?? ""} placeholder="name contains" />
        </label>
        <label>
          Param <input name="param" defaultValue={filters.param ?? ""} placeholder="min_quality >= 20" aria-invalid={Boolean(filters.param && !predicate)} />
        </label>
        <label>
          Reference <input name="reference" defaultValue={filters.reference ?? ""} placeholder="exact reference" />
        </label>
        <label>
          Started from <input type="date" name="from" defaultValue={filters.from ?? ""} />
        </label>
        <label>
          to <input type="date" name="to" defaultValue={filters.to ?? ""} />
        </label>
        <button type="submit">Apply</button>
        <label>
          Sort{" "}
          <select
            name="sort"
            value={`${filters.sort ?? "STARTED_AT"} ${filters.dir ?? "DESC"}`}
            onChange={(event) => {
              const [sort, dir] = event.currentTarget.value.split(" ");
              set({ sort, dir });
            }}
          >
            <option value="STARTED_AT DESC">newest started first</option>
            <option value="STARTED_AT ASC">oldest started first</option>
            <option value="FINISHED_AT DESC">latest finished first</option>
            <option value="CREATED_AT DESC">newest created first</option>
          </select>
        </label>
        {filters.param && !predicate && (
          <p class="error">Param filter: write name, operator and value, such as min_quality &gt;= 20 (operators = != &gt; &gt;= &lt; &lt;=).</p>
        )}
      </form>
      {error && <p class="error">{error.message}</p>}
      {data && (
        <p class="count" aria-live="polite">
          <span data-testid="total-count">{data.runs.totalCount}</span> runs{loading ? " · loading…" : ""}
        </p>
      )}
      <RunsTable rows={rows} />
      {page.hasNextPage && (
        <button type="button" class="load-more" onClick={() => void loadMore()}>
          Load more
        </button>
      )}
    </main>
  );
}
