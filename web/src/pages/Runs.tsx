// The home page: recent runs with the API's filters, sorting and cursor pagination. The
// filters live in the URL (shareable, survive a reload); running runs update by polling.
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso/router";
import { gql, useQuery } from "../api.ts";
import { RUN_FIELDS, RunsTable, STATUSES, useLiveRows, type RunRow } from "./RunsTable.tsx";
import { parseParamPredicate, runFilterOf, type RunsQuery } from "./run-filter.ts";

const RUNS = `query Runs($filter: RunFilter, $orderBy: RunOrderBy, $first: Int, $after: String) {
  runs(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ${RUN_FIELDS} } }
  }
}`;

type RunsAnswer = { runs: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: RunRow }[] } };

type SetFilters = (changes: Partial<Record<keyof RunsQuery, string>>) => void;

/** The filter form; it is rebuilt from the URL whenever the URL changes. */
function RunFilters({ filters, set }: { filters: RunsQuery; set: SetFilters }) {
  const predicate = parseParamPredicate(filters.param ?? "");
  const statuses = (filters.status ?? "").split(",").filter(Boolean);
  return (
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
  );
}

export function RunsPage() {
  const { query, route } = useLocation();
  const filters = query as RunsQuery;
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

  const set: SetFilters = (changes) => {
    const params = new URLSearchParams(query);
    for (const [name, value] of Object.entries(changes)) {
      if (value) params.set(name, value);
      else params.delete(name);
    }
    const text = params.toString();
    route(text ? `/?${text}` : "/");
  };
  const [loadError, setLoadError] = useState("");
  const loadMore = async () => {
    try {
      const more = await gql<RunsAnswer>(RUNS, { ...variables, after: page.endCursor });
      setRows((current) => current.concat(more.runs.edges.map((edge) => edge.node)));
      setPage(more.runs.pageInfo);
      setLoadError("");
    } catch (failure) {
      setLoadError((failure as Error).message);
    }
  };
  return (
    <main>
      <h1>Runs</h1>
      <RunFilters filters={filters} set={set} />
      {(error ?? loadError) && <p class="error">{error?.message ?? loadError}</p>}
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
