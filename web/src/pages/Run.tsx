// A run: its fields, params, inputs and outputs with links, and its lineage graph. The page
// reads the run again whenever a live update (runEvents) says it changed.
import { useQuery } from "../api.ts";
import { useRunEvents } from "../live.ts";
import { formatDuration, formatTime, formatValue } from "../format.ts";
import { Explorer } from "../graph/Explorer.tsx";
import { StatusBadge } from "./RunsTable.tsx";
import { RecordList, type RecordLink } from "./RecordList.tsx";

const RUN = `query Run($uid: String!) {
  run(uid: $uid, includeTrashed: true) {
    uid status startedAt finishedAt reference referenceType trashedAt params isConsecutive
    transform { uid name version type }
    createdBy { handle }
    report { uid key } environment { uid key }
    initiatedBy { uid transform { name } }
    initiatedRuns { uid status transform { name } }
    inputArtifacts { uid key version } inputCollections { uid key version }
    outputArtifacts { uid key version } outputCollections { uid key version }
    recreatedArtifacts { uid key version }
  }
}`;

interface Item {
  uid: string;
  key: string | null;
  version: string | null;
}

interface RunAnswer {
  run: {
    uid: string;
    status: string;
    startedAt: string;
    finishedAt: string | null;
    reference: string | null;
    referenceType: string | null;
    trashedAt: string | null;
    params: Record<string, unknown>;
    transform: { uid: string; name: string; version: string | null; type: string };
    createdBy: { handle: string };
    report: Item | null;
    environment: Item | null;
    initiatedBy: { uid: string; transform: { name: string } } | null;
    initiatedRuns: { uid: string; status: string; transform: { name: string } }[];
    inputArtifacts: Item[];
    inputCollections: Item[];
    outputArtifacts: Item[];
    outputCollections: Item[];
    recreatedArtifacts: Item[];
  } | null;
}

const items = (list: Item[], kind: "artifacts" | "collections"): RecordLink[] =>
  list.map((item) => ({
    href: `/${kind}/${item.uid}`,
    uid: item.uid,
    label: item.key ?? item.uid,
    detail: item.version ?? undefined,
    kind: kind.slice(0, -1),
  }));

export function RunPage({ uid }: { uid: string }) {
  const { data, error, reload } = useQuery<RunAnswer>(RUN, { uid });
  // Events of the runs of this run's transform; those of this run read it again, as does every
  // (re)opening of the stream (something may have changed while it was closed).
  const transformUid = data?.run?.transform.uid;
  useRunEvents<{ uid: string }>("uid", transformUid ? { transformUid } : null, (event) => event.run?.uid === uid && reload(), reload);
  if (error) return <main class="error">{error.message}</main>;
  if (!data) return <main aria-busy="true">Loading…</main>;
  const run = data.run;
  if (!run) return <main class="error">No run {uid}.</main>;
  return (
    <main>
      <h1>
        Run of <a href={`/transforms/${run.transform.uid}`}>{run.transform.name}</a>{" "}
        {run.transform.version && <span class="muted">{run.transform.version}</span>} <StatusBadge status={run.status} />
      </h1>
      <dl class="fields">
        <dt>uid</dt>
        <dd class="uid">{run.uid}</dd>
        <dt>Status</dt>
        <dd data-testid="run-status">{run.status}</dd>
        <dt>Started</dt>
        <dd>{formatTime(run.startedAt)}</dd>
        <dt>Finished</dt>
        <dd data-testid="run-finished">{formatTime(run.finishedAt)}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(run.startedAt, run.finishedAt)}</dd>
        <dt>Transform type</dt>
        <dd>{run.transform.type}</dd>
        <dt>Created by</dt>
        <dd>{run.createdBy.handle}</dd>
        {run.reference && (
          <>
            <dt>Reference</dt>
            <dd>
              {run.reference} {run.referenceType && <span class="muted">({run.referenceType})</span>}
            </dd>
          </>
        )}
        {run.report && (
          <>
            <dt>Report</dt>
            <dd>
              <a href={`/artifacts/${run.report.uid}`}>{run.report.key ?? run.report.uid}</a>
            </dd>
          </>
        )}
        {run.environment && (
          <>
            <dt>Environment</dt>
            <dd>
              <a href={`/artifacts/${run.environment.uid}`}>{run.environment.key ?? run.environment.uid}</a>
            </dd>
          </>
        )}
        {run.initiatedBy && (
          <>
            <dt>Initiated by</dt>
            <dd>
              <a href={`/runs/${run.initiatedBy.uid}`}>{run.initiatedBy.transform.name}</a> <span class="uid">{run.initiatedBy.uid}</span>
            </dd>
          </>
        )}
        {run.trashedAt && (
          <>
            <dt>In the trash since</dt>
            <dd>{formatTime(run.trashedAt)}</dd>
          </>
        )}
      </dl>
      <h2>Params</h2>
      {Object.keys(run.params).length ? (
        <table class="params">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(run.params).map(([name, value]) => (
              <tr key={name}>
                <td>{name}</td>
                <td>{formatValue(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">None.</p>
      )}
      <div class="columns">
        <RecordList title="Inputs" testId="inputs" items={[...items(run.inputArtifacts, "artifacts"), ...items(run.inputCollections, "collections")]} />
        <RecordList title="Outputs" testId="outputs" items={[...items(run.outputArtifacts, "artifacts"), ...items(run.outputCollections, "collections")]} />
      </div>
      {run.recreatedArtifacts.length > 0 && <RecordList title="Registered again" testId="recreated" items={items(run.recreatedArtifacts, "artifacts")} />}
      {run.initiatedRuns.length > 0 && (
        <RecordList
          title="Initiated runs"
          testId="initiated"
          items={run.initiatedRuns.map((step) => ({
            href: `/runs/${step.uid}`,
            uid: step.uid,
            label: step.transform.name,
            detail: step.status.toLowerCase(),
            kind: "run",
          }))}
        />
      )}
      <h2>Lineage</h2>
      <Explorer
        uid={run.uid}
        defaultDirection="BOTH"
        refreshKey={`${run.status}:${run.inputArtifacts.length + run.inputCollections.length}:${run.outputArtifacts.length + run.outputCollections.length}`}
      />
    </main>
  );
}
