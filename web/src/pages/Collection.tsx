// A collection: its fields, member artifacts in order, versions, the run that made it, the
// runs that read it, and its lineage graph.
import { useQuery } from "../api.ts";
import { formatTime } from "../format.ts";
import { Explorer } from "../graph/Explorer.tsx";
import { Field, VersionSwitch } from "./Artifact.tsx";
import { RecordList } from "./RecordList.tsx";

const COLLECTION = `query Collection($uid: String!) {
  collection(uid: $uid, includeTrashed: true) {
    uid key version isLatest description hash reference referenceType createdAt trashedAt
    createdBy { handle }
    artifacts { uid key version }
    metaArtifact { uid key }
    run { uid status transform { name version } }
    inputOfRuns { uid status transform { name } }
    versions { uid version isLatest }
  }
}`;

interface CollectionAnswer {
  collection: {
    uid: string;
    key: string;
    version: string | null;
    isLatest: boolean;
    description: string | null;
    hash: string | null;
    reference: string | null;
    referenceType: string | null;
    createdAt: string;
    trashedAt: string | null;
    createdBy: { handle: string };
    artifacts: { uid: string; key: string | null; version: string | null }[];
    metaArtifact: { uid: string; key: string | null } | null;
    run: { uid: string; status: string; transform: { name: string; version: string | null } } | null;
    inputOfRuns: { uid: string; status: string; transform: { name: string } }[];
    versions: { uid: string; version: string | null; isLatest: boolean }[];
  } | null;
}

export function CollectionPage({ uid }: { uid: string }) {
  const { data, error } = useQuery<CollectionAnswer>(COLLECTION, { uid });
  if (error) return <main class="error">{error.message}</main>;
  if (!data) return <main aria-busy="true">Loading…</main>;
  const collection = data.collection;
  if (!collection) return <main class="error">No collection {uid}.</main>;
  return (
    <main>
      <h1>
        Collection <span data-testid="record-title">{collection.key}</span>
      </h1>
      <dl class="fields">
        <Field name="uid" value={collection.uid} />
        <Field name="Version" value={`${collection.version ?? "—"}${collection.isLatest ? " (latest)" : ""}`} />
        <Field name="Hash" value={collection.hash} />
        <Field
          name="Reference"
          value={collection.reference ? `${collection.reference}${collection.referenceType ? ` (${collection.referenceType})` : ""}` : null}
        />
        <Field name="Description" value={collection.description} />
        <Field name="Created" value={`${formatTime(collection.createdAt)} by ${collection.createdBy.handle}`} />
        <Field name="In the trash since" value={collection.trashedAt ? formatTime(collection.trashedAt) : null} />
        <dt>Made by</dt>
        <dd data-testid="made-by">
          {collection.run ? (
            <a href={`/runs/${collection.run.uid}`}>
              {collection.run.transform.name} {collection.run.transform.version ?? ""}
            </a>
          ) : (
            "no run"
          )}
        </dd>
        {collection.metaArtifact && (
          <>
            <dt>Meta artifact</dt>
            <dd>
              <a href={`/artifacts/${collection.metaArtifact.uid}`}>{collection.metaArtifact.key ?? collection.metaArtifact.uid}</a>
            </dd>
          </>
        )}
      </dl>
      <div class="columns">
        <RecordList
          title={`Artifacts (${collection.artifacts.length})`}
          testId="members"
          items={collection.artifacts.map((artifact) => ({
            href: `/artifacts/${artifact.uid}`,
            uid: artifact.uid,
            label: artifact.key ?? artifact.uid,
            detail: artifact.version ?? undefined,
          }))}
        />
        <VersionSwitch versions={collection.versions} current={collection.uid} path="collections" />
        <RecordList
          title="Read by runs"
          testId="read-by"
          items={collection.inputOfRuns.map((run) => ({
            href: `/runs/${run.uid}`,
            uid: run.uid,
            label: run.transform.name,
            detail: run.status.toLowerCase(),
            kind: "run",
          }))}
        />
      </div>
      <h2>Lineage</h2>
      <Explorer uid={collection.uid} defaultDirection="UPSTREAM" />
    </main>
  );
}
