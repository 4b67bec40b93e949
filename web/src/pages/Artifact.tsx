// An artifact: key, storage, size, hash, its versions, the run that made it, the runs that
// read it, and the lineage graph centred on it (upstream first: where it came from).
import { useQuery } from "../api.ts";
import { formatSize, formatTime } from "../format.ts";
import { Explorer } from "../graph/Explorer.tsx";
import { RecordList } from "./RecordList.tsx";

const ARTIFACT = `query Artifact($uid: String!) {
  artifact(uid: $uid, includeTrashed: true) {
    uid key version isLatest description suffix type otype size hash hashType nObjects nObservations createdAt trashedAt
    storage { root type } createdBy { handle }
    run { uid status startedAt transform { name version } }
    inputOfRuns { uid status transform { name } }
    collections { uid key version }
    versions { uid version isLatest createdAt }
  }
}`;

interface RunRef {
  uid: string;
  status: string;
  transform: { name: string; version?: string | null };
}

interface ArtifactAnswer {
  artifact: {
    uid: string;
    key: string | null;
    version: string | null;
    isLatest: boolean;
    description: string | null;
    suffix: string;
    type: string | null;
    otype: string | null;
    size: string | number | null;
    hash: string | null;
    hashType: string | null;
    nObjects: number | null;
    nObservations: string | number | null;
    createdAt: string;
    trashedAt: string | null;
    storage: { root: string; type: string };
    createdBy: { handle: string };
    run: (RunRef & { startedAt: string }) | null;
    inputOfRuns: RunRef[];
    collections: { uid: string; key: string; version: string | null }[];
    versions: { uid: string; version: string | null; isLatest: boolean; createdAt: string }[];
  } | null;
}

export function Field({ name, value, testId }: { name: string; value: string | number | null | undefined; testId?: string }) {
  if (value == null || value === "") return null;
  return (
    <>
      <dt>{name}</dt>
      <dd data-testid={testId}>{String(value)}</dd>
    </>
  );
}

export function VersionSwitch({
  versions,
  current,
  path,
}: {
  versions: { uid: string; version: string | null; isLatest: boolean }[];
  current: string;
  path: string;
}) {
  return (
    <RecordList
      title={`Versions (${versions.length})`}
      testId="versions"
      items={versions.map((version, index) => ({
        href: `/${path}/${version.uid}`,
        uid: version.uid,
        label: version.version ?? `#${index + 1}`,
        detail: `${version.uid}${version.isLatest ? " · latest" : ""}`,
        current: version.uid === current,
      }))}
    />
  );
}

export function ArtifactPage({ uid }: { uid: string }) {
  const { data, error } = useQuery<ArtifactAnswer>(ARTIFACT, { uid });
  if (error) return <main class="error">{error.message}</main>;
  if (!data) return <main aria-busy="true">Loading…</main>;
  const artifact = data.artifact;
  if (!artifact) return <main class="error">No artifact {uid}.</main>;
  return (
    <main>
      <h1>
        Artifact <span data-testid="record-title">{artifact.key ?? artifact.uid}</span>
      </h1>
      <dl class="fields">
        <Field name="uid" value={artifact.uid} />
        <Field name="Version" value={`${artifact.version ?? "—"}${artifact.isLatest ? " (latest)" : ""}`} />
        <Field name="Storage" value={`${artifact.storage.root} (${artifact.storage.type})`} />
        <Field name="Size" value={formatSize(artifact.size)} testId="artifact-size" />
        <Field name="Hash" value={artifact.hash ? `${artifact.hash}${artifact.hashType ? ` (${artifact.hashType})` : ""}` : null} testId="artifact-hash" />
        <Field name="Suffix" value={artifact.suffix} />
        <Field name="Type" value={artifact.type} />
        <Field name="Object type" value={artifact.otype} />
        <Field name="Objects" value={artifact.nObjects} />
        <Field name="Observations" value={artifact.nObservations} />
        <Field name="Description" value={artifact.description} />
        <Field name="Created" value={`${formatTime(artifact.createdAt)} by ${artifact.createdBy.handle}`} />
        <Field name="In the trash since" value={artifact.trashedAt ? formatTime(artifact.trashedAt) : null} />
        <dt>Made by</dt>
        <dd data-testid="made-by">
          {artifact.run ? (
            <a href={`/runs/${artifact.run.uid}`}>
              {artifact.run.transform.name} {artifact.run.transform.version ?? ""} · {formatTime(artifact.run.startedAt)}
            </a>
          ) : (
            "an upload (no run)"
          )}
        </dd>
      </dl>
      <div class="columns">
        <VersionSwitch versions={artifact.versions} current={artifact.uid} path="artifacts" />
        <RecordList
          title="Read by runs"
          testId="read-by"
          items={artifact.inputOfRuns.map((run) => ({
            href: `/runs/${run.uid}`,
            uid: run.uid,
            label: run.transform.name,
            detail: run.status.toLowerCase(),
            kind: "run",
          }))}
        />
        <RecordList
          title="In collections"
          testId="collections"
          items={artifact.collections.map((collection) => ({
            href: `/collections/${collection.uid}`,
            uid: collection.uid,
            label: collection.key,
            detail: collection.version ?? undefined,
          }))}
        />
      </div>
      <h2>Lineage</h2>
      <Explorer uid={artifact.uid} defaultDirection="UPSTREAM" />
    </main>
  );
}
