// The explorer on a page of its own, for any artifact, collection or run uid.
import { Explorer } from "../graph/Explorer.tsx";

export function LineagePage({ uid }: { uid: string }) {
  return (
    <main class="wide">
      <h1>
        Lineage of <span class="uid">{uid}</span>
      </h1>
      <Explorer uid={uid} defaultDirection="BOTH" />
    </main>
  );
}
