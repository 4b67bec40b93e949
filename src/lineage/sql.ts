// Builds the one recursive SQL statement that walks the lineage graph (artifact/collection →
// run → artifact/collection) from one or many start nodes, in the SQLite or PostgreSQL dialect,
// and returns nodes with their label fields, the edges among them and per-start bookkeeping.
//
// The benchmark runs the very same text through the bare driver as its "floor", so this module
// depends on nothing but strings (and the uid lengths).

import { STEM_LENGTH } from "../domain/uid.ts";

export type Dialect = "sqlite" | "postgresql";
export type NodeKindCode = "A" | "R" | "C";
export type DirectionCode = "U" | "D";

export type LineageStart =
  /** one start node named by uid, or by an artifact or collection stem (the latest version) */
  | { uid: string }
  /** many start nodes by internal id: each becomes its own graph (root = index in the list) */
  | { nodes: { kind: NodeKindCode; id: number }[] };

export interface LineageSqlOptions {
  start: LineageStart;
  directions: DirectionCode[];
  depth: number;
  maxNodes: number;
  includeTrashed: boolean;
}

/**
 * How many raw walk rows may be produced per start before the walk stops. A node can be
 * reached at several distances (diamonds of unequal length, planted cycles), so the walk keeps
 * (node, distance, reach) rows; this valve bounds the work on huge graphs. The walk is
 * breadth-first, so the rows before the valve are the nearest ones, each with the row it was
 * reached from. Hitting it marks the graph truncated.
 */
const WALK_ROWS_PER_NODE = 2;
export function walkRowBudget(maxNodes: number, starts: number): number {
  return (maxNodes * WALK_ROWS_PER_NODE + 16) * Math.max(1, starts);
}

interface Step {
  dir: DirectionCode;
  from: NodeKindCode;
  to: NodeKindCode;
  /** 1 when the step enters a run: distance counts runs. */
  inc: 0 | 1;
  /** the one table read for the hop, aliased x */
  table: string;
  /** the condition tying x to the walk row w */
  link: string;
  /** the neighbour's id in x */
  next: string;
  /** the neighbour's table when it is not x itself: its trash flag is read by primary key */
  nextTable?: string;
}

// Every hop of the bipartite graph, in each direction. Upstream follows data backwards
// (output → producing run → its inputs; collection → its producing run and members),
// downstream forwards. Each hop reads one table through an index; the trash check on the
// neighbour is a primary-key lookup, so no plan can turn it into a scan of a large table.
const STEPS: Step[] = [
  { dir: "U", from: "A", to: "R", inc: 1, table: `"Artifact"`, link: `x.id = w.id AND x."runId" IS NOT NULL`, next: `x."runId"`, nextTable: `"Run"` },
  { dir: "U", from: "C", to: "R", inc: 1, table: `"Collection"`, link: `x.id = w.id AND x."runId" IS NOT NULL`, next: `x."runId"`, nextTable: `"Run"` },
  { dir: "U", from: "C", to: "A", inc: 0, table: `"CollectionArtifact"`, link: `x."collectionId" = w.id`, next: `x."artifactId"`, nextTable: `"Artifact"` },
  { dir: "U", from: "R", to: "A", inc: 0, table: `"RunInputArtifact"`, link: `x."runId" = w.id`, next: `x."artifactId"`, nextTable: `"Artifact"` },
  { dir: "U", from: "R", to: "C", inc: 0, table: `"RunInputCollection"`, link: `x."runId" = w.id`, next: `x."collectionId"`, nextTable: `"Collection"` },
  { dir: "D", from: "A", to: "R", inc: 1, table: `"RunInputArtifact"`, link: `x."artifactId" = w.id`, next: `x."runId"`, nextTable: `"Run"` },
  { dir: "D", from: "A", to: "C", inc: 0, table: `"CollectionArtifact"`, link: `x."artifactId" = w.id`, next: `x."collectionId"`, nextTable: `"Collection"` },
  { dir: "D", from: "C", to: "R", inc: 1, table: `"RunInputCollection"`, link: `x."collectionId" = w.id`, next: `x."runId"`, nextTable: `"Run"` },
  { dir: "D", from: "R", to: "A", inc: 0, table: `"Artifact"`, link: `x."runId" = w.id`, next: `x.id` },
  { dir: "D", from: "R", to: "C", inc: 0, table: `"Collection"`, link: `x."runId" = w.id`, next: `x.id` },
];

/** Collects bind parameters in order and hands out the dialect's placeholder for each. */
class Binds {
  readonly values: unknown[] = [];
  constructor(private readonly dialect: Dialect) {}
  add(value: unknown): string {
    this.values.push(value);
    return this.dialect === "sqlite" ? "?" : `$${this.values.length}`;
  }
}

function int(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer`);
  return value;
}

/** The pieces of SQL that differ between the two dialects. */
function dialectOf(dialect: Dialect) {
  const pg = dialect === "postgresql";
  return {
    pg,
    text: pg ? "::text" : "",
    // SQLite keeps the left table of a CROSS JOIN as the outer loop: the node list drives
    // primary-key lookups instead of a scan of the table probing the node list.
    lookup: pg ? "JOIN" : "CROSS JOIN",
    nullOf: (type: "text" | "int" | "timestamp") => (pg ? `NULL::${type}` : "NULL"),
    count: (expr: string) => (pg ? `(${expr})::int` : expr),
    asText: (expr: string) => (pg ? `(${expr})::text` : `CAST(${expr} AS TEXT)`),
    // what flows into a node, as one text: "A12,A15,C3" (kind letter and id)
    joined: (select: string) => (pg ? `(SELECT string_agg(s.x, ',') FROM (${select}) s)` : `(SELECT group_concat(s.x, ',') FROM (${select}) s)`),
    // a run's start time in UTC, to the minute, for its label
    minute: (column: string) => (pg ? `to_char(${column}, 'YYYY-MM-DD HH24:MI')` : `strftime('%Y-%m-%d %H:%M', ${column})`),
  };
}
type SqlDialect = ReturnType<typeof dialectOf>;

/** The trash conditions of a walk: on a table alias, and on the neighbour a step reaches. */
function trashFilters(includeTrashed: boolean) {
  const live = (alias: string) => (includeTrashed ? "" : ` AND ${alias}."trashedAt" IS NULL`);
  const liveNext = (step: Step) =>
    includeTrashed ? "" : step.nextTable ? ` AND (SELECT t."trashedAt" FROM ${step.nextTable} t WHERE t.id = ${step.next}) IS NULL` : live("x");
  return { live, liveNext };
}
type TrashFilters = ReturnType<typeof trashFilters>;

/** The start rows (root, kind, id): one node by uid or stem, or many by internal id. */
function seedsSql(start: LineageStart, binds: Binds, d: SqlDialect, { live }: TrashFilters): string {
  if ("uid" in start) {
    const uid = start.uid;
    // A stem names the latest version of an artifact or collection family; runs have none.
    const byStem = uid.length === STEM_LENGTH.artifact;
    const byUid = (table: string, kind: NodeKindCode, versioned: boolean) =>
      byStem
        ? versioned
          ? `SELECT 0 AS root, '${kind}'${d.text} AS kind, id FROM "${table}" WHERE stem = ${binds.add(uid)} AND "isLatest" = TRUE${live(`"${table}"`)}`
          : null
        : `SELECT 0 AS root, '${kind}'${d.text} AS kind, id FROM "${table}" WHERE uid = ${binds.add(uid)}${live(`"${table}"`)}`;
    return [byUid("Artifact", "A", true), byUid("Run", "R", false), byUid("Collection", "C", true)].filter(Boolean).join(" UNION ALL ");
  }
  const nodes = start.nodes;
  if (d.pg) {
    return `SELECT s.root, s.kind, s.id FROM unnest(${binds.add(nodes.map((_, i) => i))}::int[], ${binds.add(nodes.map((n) => n.kind))}::text[], ${binds.add(nodes.map((n) => n.id))}::int[]) AS s(root, kind, id)`;
  }
  return `SELECT CAST(key AS INTEGER) AS root, json_extract(value, '$[0]') AS kind, CAST(json_extract(value, '$[1]') AS INTEGER) AS id FROM json_each(${binds.add(JSON.stringify(nodes.map((n) => [n.kind, n.id])))})`;
}

// `reach` orders the nodes of one distance for the maxNodes cut, so that every node kept has
// the neighbour it was reached from kept before it (the graph stays connected): the start 0,
// runs entered 0 (they open a distance), what a run reads or writes 1, and what a collection
// holds (upstream) or an artifact belongs to (downstream) 2. No step from a node at 2 stays
// at the same distance, so the neighbour of every node ranks strictly before it.
const reach = (s: Step) => (s.inc === 1 ? 0 : s.from === "R" ? 1 : 2);

/** The recursive member of the walk: every hop from a walk row w, within depth. */
function recursiveSql(steps: Step[], depth: number, d: SqlDialect, { liveNext }: TrashFilters): string {
  if (d.pg) {
    // PostgreSQL allows one reference to the recursive table: every hop is a branch of one
    // LATERAL subquery, gated by the walk row's kind and direction.
    const branches = steps
      .map(
        (s) =>
          `SELECT '${s.to}'::text AS kind, ${s.next} AS id, ${s.inc} AS inc, ${reach(s)} AS reach FROM ${s.table} x WHERE w.kind = '${s.from}' AND w.dir = '${s.dir}' AND w.distance <= ${depth - s.inc} AND ${s.link}${liveNext(s)}`,
      )
      .join(" UNION ALL ");
    return `SELECT w.root, s.kind, s.id, w.dir, w.distance + s.inc, s.reach FROM walk w CROSS JOIN LATERAL (${branches}) s`;
  }
  // SQLite runs each recursive SELECT once per queued row; its queue makes the walk breadth-first.
  return steps
    .map(
      (s) =>
        `SELECT w.root, '${s.to}', ${s.next}, w.dir, w.distance + ${s.inc}, ${reach(s)} FROM walk w, ${s.table} x WHERE w.kind = '${s.from}' AND w.dir = '${s.dir}' AND w.distance <= ${depth - s.inc} AND ${s.link}${liveNext(s)}`,
    )
    .join(" UNION ");
}

/**
 * The final SELECT: each kept node with its uid, label and what flows into it (a run's inputs,
 * an output's producing run, a collection's producer and members) as id lists — the caller
 * keeps the edges whose source is a node too, so every edge is read through an index, with no
 * join between node sets — and one summary row per start.
 */
function resultSql(d: SqlDialect): string {
  return `SELECT 'A'${d.text} AS t, nd.root, nd.id, nd.distance, a.uid, COALESCE(a.key, a.uid) AS label, 'R' || ${d.asText(`a."runId"`)} AS inputs
  FROM nodes nd ${d.lookup} "Artifact" a ON a.id = nd.id WHERE nd.kind = 'A'
UNION ALL SELECT 'R', nd.root, nd.id, nd.distance, r.uid, tr.name || COALESCE(' ' || tr.version, '') || ' · ' || ${d.minute(`r."startedAt"`)},
    ${d.joined(`SELECT 'A' || ${d.asText(`l."artifactId"`)} AS x FROM "RunInputArtifact" l WHERE l."runId" = r.id UNION ALL SELECT 'C' || ${d.asText(`l."collectionId"`)} FROM "RunInputCollection" l WHERE l."runId" = r.id`)}
  FROM nodes nd ${d.lookup} "Run" r ON r.id = nd.id ${d.lookup} "Transform" tr ON tr.id = r."transformId" WHERE nd.kind = 'R'
UNION ALL SELECT 'C', nd.root, nd.id, nd.distance, c.uid, COALESCE(c.key, c.uid),
    ${d.joined(`SELECT 'R' || ${d.asText(`c."runId"`)} AS x WHERE c."runId" IS NOT NULL UNION ALL SELECT 'A' || ${d.asText(`l."artifactId"`)} FROM "CollectionArtifact" l WHERE l."collectionId" = c.id`)}
  FROM nodes nd ${d.lookup} "Collection" c ON c.id = nd.id WHERE nd.kind = 'C'
UNION ALL SELECT 'm', root, total, deeper, ${d.nullOf("text")}, ${d.nullOf("text")}, ${d.asText("(SELECT COUNT(*) FROM raw)")}
  FROM meta`;
}

export function buildLineageSql(dialect: Dialect, options: LineageSqlOptions): { sql: string; params: unknown[] } {
  const binds = new Binds(dialect);
  const d = dialectOf(dialect);
  const depth = int(options.depth, "depth");
  const maxNodes = int(options.maxNodes, "maxNodes");
  const budget = walkRowBudget(maxNodes, "uid" in options.start ? 1 : options.start.nodes.length);
  const trash = trashFilters(options.includeTrashed);
  const seeds = seedsSql(options.start, binds, d, trash);
  const initial = options.directions.map((dir) => `SELECT root, kind, id, '${dir}'${d.text} AS dir, 0 AS distance, 0 AS reach FROM seeds`).join(" UNION ALL ");
  const steps = STEPS.filter((step) => options.directions.includes(step.dir));
  const recursive = recursiveSql(steps, depth, d, trash);
  // Whether depth cut the graph: a node first reached at the full depth (in its direction)
  // that has a run one step further. Checked with EXISTS, so the walk never holds that next
  // level, which can be far wider than the graph itself.
  const deeper = steps
    .filter((s) => s.inc === 1)
    .map((s) => `(w.kind = '${s.from}' AND w.dir = '${s.dir}' AND EXISTS (SELECT 1 FROM ${s.table} x WHERE ${s.link}${trash.liveNext(s)}))`)
    .join(" OR ");
  const sql = `WITH RECURSIVE
seeds AS (${seeds}),
walk(root, kind, id, dir, distance, reach) AS (${initial} UNION ${recursive}${d.pg ? "" : ` LIMIT ${budget}`}),
raw AS (SELECT root, kind, id, dir, distance, reach FROM walk LIMIT ${budget}),
grouped AS (SELECT root, kind, id, MIN(distance) AS distance, MIN(distance * 3 + reach) AS rank_key
  FROM raw GROUP BY root, kind, id),
frontier AS (SELECT root, kind, id, dir FROM raw GROUP BY root, kind, id, dir HAVING MIN(distance) = ${depth}),
cut AS (SELECT w.root, MAX(CASE WHEN ${deeper || "1 = 0"} THEN 1 ELSE 0 END) AS deeper FROM frontier w GROUP BY w.root),
meta AS (SELECT g.root, ${d.count("COUNT(*)")} AS total, ${d.count("COALESCE(MAX(cut.deeper), 0)")} AS deeper FROM grouped g LEFT JOIN cut ON cut.root = g.root GROUP BY g.root),
ranked AS (SELECT root, kind, id, distance, ROW_NUMBER() OVER (PARTITION BY root ORDER BY rank_key, kind, id) AS rank FROM grouped),
nodes AS (SELECT root, kind, id, distance FROM ranked WHERE rank <= ${maxNodes})
${resultSql(d)}`;
  return { sql, params: binds.values };
}
