// A transform: its fields, versions, runs (newest first, paged) and transform-level lineage.
import { useLocation } from "preact-iso/router";
import { useQuery } from "../api.ts";
import { formatTime } from "../format.ts";
import { Explorer } from "../graph/Explorer.tsx";
import { Field, VersionSwitch } from "./Artifact.tsx";
import { RunsTable, type RunRow } from "./RunsTable.tsx";
import { RecordList } from "./RecordList.tsx";

const TRANSFORM = `query Transform($uid: String!, $first: Int!) {
  transform(uid: $uid, includeTrashed: true) {
    uid name key version isLatest type description reference referenceType createdAt trashedAt
    createdBy { handle }
    versions { uid version isLatest }
    predecessors { uid name version } successors { uid name version }
  }
  runs(first: $first, filter: { transformUid: $uid }, orderBy: { field: STARTED_AT, direction: DESC }) {
    totalCount edges { node { uid status startedAt finishedAt reference params transform { uid name version } createdBy { handle } } }
  }
}`;

interface TransformAnswer {
  transform: {
    uid: string;
    name: string;
    key: string | null;
    version: string | null;
    isLatest: boolean;
    type: string;
    description: string | null;
    reference: string | null;
    referenceType: string | null;
    createdAt: string;
    trashedAt: string | null;
    createdBy: { handle: string };
    versions: { uid: string; version: string | null; isLatest: boolean }[];
    predecessors: { uid: string; name: string; version: string | null }[];
    successors: { uid: string; name: string; version: string | null }[];
  } | null;
  runs: { totalCount: number; edges: { node: RunRow }[] };
}

export function TransformPage({ uid }: { uid: string }) {
  const { query, path, route } = useLocation();
  const first = Math.min(500, Number(query.runs) || 25);
  const { data, error } = useQuery<TransformAnswer>(TRANSFORM, { uid, first });
  if (error) return <main class="error">{error.message}</main>;
  if (!data) return <main aria-busy="true">Loading…</main>;
  const transform = data.transform;
  if (!transform) return <main class="error">No transform {uid}.</main>;
  const links = (list: { uid: string; name: string; version: string | null }[]) =>
    list.map((item) => ({ href: `/transforms/${item.uid}`, uid: item.uid, label: item.name, detail: item.version ?? undefined }));
  return (
    <main>
      <h1>
        Transform <span data-testid="record-title">{transform.name}</span> {transform.version && <span class="muted">{transform.version}</span>}
      </h1>
      <dl class="fields">
        <Field name="uid" value={transform.uid} />
        <Field name="Key" value={transform.key} />
        <Field name="Type" value={transform.type} />
        <Field name="Version" value={`${transform.version ?? "—"}${transform.isLatest ? " (latest)" : ""}`} />
        <Field
          name="Reference"
          value={transform.reference ? `${transform.reference}${transform.referenceType ? ` (${transform.referenceType})` : ""}` : null}
        />
        <Field name="Description" value={transform.description} />
        <Field name="Created" value={`${formatTime(transform.createdAt)} by ${transform.createdBy.handle}`} />
      </dl>
      <div class="columns">
        <VersionSwitch versions={transform.versions} current={transform.uid} path="transforms" />
        <RecordList title="Predecessors" testId="predecessors" items={links(transform.predecessors)} />
        <RecordList title="Successors" testId="successors" items={links(transform.successors)} />
      </div>
      <h2>
        Runs <span class="muted">({data.runs.totalCount})</span>
      </h2>
      <RunsTable rows={data.runs.edges.map((edge) => edge.node)} showTransform={false} />
      {data.runs.totalCount > first && (
        <button type="button" class="load-more" onClick={() => route(`${path}?runs=${first + 25}`, true)}>
          Show more runs
        </button>
      )}
      <h2>Transform lineage</h2>
      <Explorer uid={transform.uid} level="transform" defaultDirection="BOTH" />
    </main>
  );
}
