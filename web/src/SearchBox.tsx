// Jumps to a record by uid, artifact or collection key, or transform name; several matches
// are listed to pick from.
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso/router";
import { gqlRaw } from "./api.ts";

interface Hit {
  href: string;
  /** a uid or an exact key or name: jumped to at once */
  exact: boolean;
  kind: string;
  label: string;
}

type Found = Record<
  string,
  | { uid: string; key?: string | null; name?: string }
  | { edges: { node: { uid: string; key?: string | null; name?: string; version?: string | null } }[] }
  | null
>;

const BY_LENGTH: Record<number, [string, string][]> = {
  20: [
    ["run", "runs"],
    ["artifact", "artifacts"],
    ["collection", "collections"],
  ],
  16: [
    ["artifact", "artifacts"],
    ["collection", "collections"],
    ["transform", "transforms"],
  ],
  12: [["transform", "transforms"]],
};

function searchQuery(text: string): string {
  const lookups = /^[A-Za-z0-9]+$/.test(text) ? (BY_LENGTH[text.length] ?? []) : [];
  const parts = lookups.map(([field]) => `${field}: ${field}(uid: $text) { uid }`);
  for (const [match, prefix] of [
    ["equals", "exact"],
    ["contains", "like"],
  ] as const) {
    parts.push(`${prefix}Artifacts: artifacts(first: 5, filter: { key: { ${match}: $text } }) { edges { node { uid key version } } }`);
    parts.push(`${prefix}Collections: collections(first: 5, filter: { key: { ${match}: $text } }) { edges { node { uid key version } } }`);
    parts.push(`${prefix}Transforms: transforms(first: 5, filter: { name: { ${match}: $text }, isLatest: true }) { edges { node { uid name version } } }`);
  }
  return `query Search($text: String!) { ${parts.join("\n")} }`;
}

function hitsOf(data: Found): Hit[] {
  const hits: Hit[] = [];
  const seen = new Set<string>();
  const add = (kind: string, path: string, uid: string, label: string, exact: boolean) => {
    if (seen.has(uid)) return;
    seen.add(uid);
    hits.push({ href: `/${path}/${uid}`, kind, label, exact });
  };
  for (const [field, path] of BY_LENGTH[20].concat(BY_LENGTH[16])) {
    const record = data[field];
    if (record && "uid" in record) add(field, path, record.uid, record.uid, true);
  }
  for (const prefix of ["exact", "like"]) {
    for (const [kind, path] of [
      ["Artifacts", "artifacts"],
      ["Collections", "collections"],
      ["Transforms", "transforms"],
    ]) {
      const list = data[`${prefix}${kind}`];
      if (!list || !("edges" in list)) continue;
      for (const { node } of list.edges) {
        add(
          kind.slice(0, -1).toLowerCase(),
          path,
          node.uid,
          `${node.key ?? node.name ?? node.uid}${node.version ? ` (${node.version})` : ""}`,
          prefix === "exact",
        );
      }
    }
  }
  return hits;
}

export function SearchBox() {
  const { route } = useLocation();
  const [text, setText] = useState("");
  const [hits, setHits] = useState<Hit[] | null>(null);
  const search = async (event: Event) => {
    event.preventDefault();
    const query = text.trim();
    if (!query) return;
    let body: { data?: Found };
    try {
      body = await gqlRaw<Found>(searchQuery(query), { text: query });
    } catch {
      // A 401 has brought the token prompt; anything else: nothing found.
      body = {};
    }
    const found = hitsOf(body.data ?? {});
    if (found.length === 1 || found[0]?.exact) {
      setHits(null);
      route(found[0].href);
    } else setHits(found);
  };
  return (
    <form class="search" role="search" onSubmit={(event) => void search(event)}>
      <input
        type="search"
        name="q"
        aria-label="Search by uid, key or transform name"
        placeholder="uid, key or transform name"
        value={text}
        onInput={(event) => setText(event.currentTarget.value)}
      />
      <button type="submit">Search</button>
      {hits && (
        <ul class="search-hits" aria-label="Search results">
          {hits.length === 0 && <li>Nothing found</li>}
          {hits.map((hit) => (
            <li key={hit.href}>
              <a href={hit.href} onClick={() => setHits(null)}>
                <span class="kind">{hit.kind}</span> {hit.label}
              </a>
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}
