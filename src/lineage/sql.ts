// Builds the one recursive SQL statement that walks the lineage graph (artifact/collection →
// run → artifact/collection) from one or many start nodes, in the SQLite or PostgreSQL dialect,
// and returns nodes with their label fields, the edges among them and per-start bookkeeping.
//
// The benchmark runs the very same text through the bare driver as its "floor", so this module
// depends on nothing but strings.

export type Dialect = "sqlite" | "postgresql";
export type NodeKindCode = "A" | "R" | "C";
export type DirectionCode = "U" | "D";

export type LineageStart =
  /** one start node named by uid (20 characters), or by a 16-character stem (the latest version) */
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

export function buildLineageSql(dialect: Dialect, options: LineageSqlOptions): { sql: string; params: unknown[] } {
  const binds = new Binds(dialect);
  const pg = dialect === "postgresql";
  const depth = int(options.depth, "depth");
  const maxNodes = int(options.maxNodes, "maxNodes");
  const starts = "uid" in options.start ? 1 : options.start.nodes.length;
  const budget = walkRowBudget(maxNodes, starts);
  const live = (alias: string) => (options.includeTrashed ? "" : ` AND ${alias}."trashedAt" IS NULL`);
  const liveNext = (step: Step) =>
    options.includeTrashed ? "" : step.nextTable ? ` AND (SELECT t."trashedAt" FROM ${step.nextTable} t WHERE t.id = ${step.next}) IS NULL` : live("x");
  const text = pg ? "::text" : "";
  // SQLite keeps the left table of a CROSS JOIN as the outer loop: the node list drives
  // primary-key lookups instead of a scan of the table probing the node list.
  const lookup = pg ? "JOIN" : "CROSS JOIN";
  const nullOf = (type: "text" | "int" | "timestamp") => (pg ? `NULL::${type}` : "NULL");
  const count = (expr: string) => (pg ? `(${expr})::int` : expr);
  const asText = (expr: string) => (pg ? `(${expr})::text` : `CAST(${expr} AS TEXT)`);
  // what flows into a node, as one text: "A12,A15,C3" (kind letter and id)
  const joined = (select: string) => (pg ? `(SELECT string_agg(s.x, ',') FROM (${select}) s)` : `(SELECT group_concat(s.x, ',') FROM (${select}) s)`);
  // a run's start time in UTC, to the minute, for its label
  const minute = (column: string) => (pg ? `to_char(${column}, 'YYYY-MM-DD HH24:MI')` : `strftime('%Y-%m-%d %H:%M', ${column})`);

  let seeds: string;
  if ("uid" in options.start) {
    const uid = options.start.uid;
    // A 16-character stem names the latest version of an artifact or collection family.
    const byUid = (table: string, kind: NodeKindCode, versioned: boolean) =>
      uid.length === 16
        ? versioned
          ? `SELECT 0 AS root, '${kind}'${text} AS kind, id FROM "${table}" WHERE stem = ${binds.add(uid)} AND "isLatest" = TRUE${live(`"${table}"`)}`
          : null
        : `SELECT 0 AS root, '${kind}'${text} AS kind, id FROM "${table}" WHERE uid = ${binds.add(uid)}${live(`"${table}"`)}`;
    seeds = [byUid("Artifact", "A", true), byUid("Run", "R", false), byUid("Collection", "C", true)].filter(Boolean).join(" UNION ALL ");
  } else {
    const nodes = options.start.nodes;
    if (pg) {
      seeds = `SELECT s.root, s.kind, s.id FROM unnest(${binds.add(nodes.map((_, i) => i))}::int[], ${binds.add(nodes.map((n) => n.kind))}::text[], ${binds.add(nodes.map((n) => n.id))}::int[]) AS s(root, kind, id)`;
    } else {
      seeds = `SELECT CAST(key AS INTEGER) AS root, json_extract(value, '$[0]') AS kind, CAST(json_extract(value, '$[1]') AS INTEGER) AS id FROM json_each(${binds.add(JSON.stringify(nodes.map((n) => [n.kind, n.id])))})`;
    }
  }

  // `reach` orders the nodes of one distance for the maxNodes cut, so that every node kept has
  // the neighbour it was reached from kept before it (the graph stays connected): the start 0,
  // runs entered 0 (they open a distance), what a run reads or writes 1, and what a collection
  // holds (upstream) or an artifact belongs to (downstream) 2. No step from a node at 2 stays
  // at the same distance, so the neighbour of every node ranks strictly before it.
  const reach = (s: Step) => (s.inc === 1 ? 0 : s.from === "R" ? 1 : 2);
  const initial = options.directions.map((dir) => `SELECT root, kind, id, '${dir}'${text} AS dir, 0 AS distance, 0 AS reach FROM seeds`).join(" UNION ALL ");
  const steps = STEPS.filter((step) => options.directions.includes(step.dir));
  let recursive: string;
  if (pg) {
    // PostgreSQL allows one reference to the recursive table: every hop is a branch of one
    // LATERAL subquery, gated by the walk row's kind and direction.
    const branches = steps
      .map(
        (s) =>
          `SELECT '${s.to}'::text AS kind, ${s.next} AS id, ${s.inc} AS inc, ${reach(s)} AS reach FROM ${s.table} x WHERE w.kind = '${s.from}' AND w.dir = '${s.dir}' AND w.distance <= ${depth - s.inc} AND ${s.link}${liveNext(s)}`,
      )
      .join(" UNION ALL ");
    recursive = `SELECT w.root, s.kind, s.id, w.dir, w.distance + s.inc, s.reach FROM walk w CROSS JOIN LATERAL (${branches}) s`;
  } else {
    // SQLite runs each recursive SELECT once per queued row; its queue makes the walk breadth-first.
    recursive = steps
      .map(
        (s) =>
          `SELECT w.root, '${s.to}', ${s.next}, w.dir, w.distance + ${s.inc}, ${reach(s)} FROM walk w, ${s.table} x WHERE w.kind = '${s.from}' AND w.dir = '${s.dir}' AND w.distance <= ${depth - s.inc} AND ${s.link}${liveNext(s)}`,
      )
      .join(" UNION ");
  }

  // Whether depth cut the graph: a node first reached at the full depth (in its direction)
  // that has a run one step further. Checked with EXISTS, so the walk never holds that next
  // level, which can be far wider than the graph itself.
  const deeper = steps
    .filter((s) => s.inc === 1)
    .map((s) => `(w.kind = '${s.from}' AND w.dir = '${s.dir}' AND EXISTS (SELECT 1 FROM ${s.table} x WHERE ${s.link}${liveNext(s)}))`)
    .join(" OR ");
  // Each node row carries what flows into it (a run's inputs, an output's producing run, a
  // collection's producer and members) as id lists; the caller keeps the edges whose source is
  // a node too. This reads every edge through an index, with no join between node sets.
  const sql = `WITH RECURSIVE
seeds AS (${seeds}),
walk(root, kind, id, dir, distance, reach) AS (${initial} UNION ${recursive}${pg ? "" : ` LIMIT ${budget}`}),
raw AS (SELECT root, kind, id, dir, distance, reach FROM walk LIMIT ${budget}),
grouped AS (SELECT root, kind, id, MIN(distance) AS distance, MIN(distance * 3 + reach) AS rank_key
  FROM raw GROUP BY root, kind, id),
frontier AS (SELECT root, kind, id, dir FROM raw GROUP BY root, kind, id, dir HAVING MIN(distance) = ${depth}),
cut AS (SELECT w.root, MAX(CASE WHEN ${deeper || "1 = 0"} THEN 1 ELSE 0 END) AS deeper FROM frontier w GROUP BY w.root),
meta AS (SELECT g.root, ${count("COUNT(*)")} AS total, ${count("COALESCE(MAX(cut.deeper), 0)")} AS deeper FROM grouped g LEFT JOIN cut ON cut.root = g.root GROUP BY g.root),
ranked AS (SELECT root, kind, id, distance, ROW_NUMBER() OVER (PARTITION BY root ORDER BY rank_key, kind, id) AS rank FROM grouped),
nodes AS (SELECT root, kind, id, distance FROM ranked WHERE rank <= ${maxNodes})
SELECT 'A'${text} AS t, nd.root, nd.id, nd.distance, a.uid, COALESCE(a.key, a.uid) AS label, 'R' || ${asText(`a."runId"`)} AS inputs
  FROM nodes nd ${lookup} "Artifact" a ON a.id = nd.id WHERE nd.kind = 'A'
UNION ALL SELECT 'R', nd.root, nd.id, nd.distance, r.uid, tr.name || COALESCE(' ' || tr.version, '') || ' · ' || ${minute(`r."startedAt"`)},
    ${joined(`SELECT 'A' || ${asText(`l."artifactId"`)} AS x FROM "RunInputArtifact" l WHERE l."runId" = r.id UNION ALL SELECT 'C' || ${asText(`l."collectionId"`)} FROM "RunInputCollection" l WHERE l."runId" = r.id`)}
  FROM nodes nd ${lookup} "Run" r ON r.id = nd.id ${lookup} "Transform" tr ON tr.id = r."transformId" WHERE nd.kind = 'R'
UNION ALL SELECT 'C', nd.root, nd.id, nd.distance, c.uid, COALESCE(c.key, c.uid),
    ${joined(`SELECT 'R' || ${asText(`c."runId"`)} AS x WHERE c."runId" IS NOT NULL UNION ALL SELECT 'A' || ${asText(`l."artifactId"`)} FROM "CollectionArtifact" l WHERE l."collectionId" = c.id`)}
  FROM nodes nd ${lookup} "Collection" c ON c.id = nd.id WHERE nd.kind = 'C'
UNION ALL SELECT 'm', root, total, deeper, ${nullOf("text")}, ${nullOf("text")}, ${asText("(SELECT COUNT(*) FROM raw)")}
  FROM meta`;
  return { sql, params: binds.values };
}

/** One row of the statement above, as either driver returns it. */
export interface LineageRow {
  /** A, R, C: a node of that kind; m: bookkeeping for one start (id = nodes within depth,
   *  distance = 1 when a run lies beyond depth, inputs = raw walk rows) */
  t: NodeKindCode | "m";
  root: number | bigint;
  id: number | bigint;
  distance: number | bigint;
  uid: string | null;
  /** runs: transform name, version and start minute (UTC); artifacts and collections: key or uid */
  label: string | null;
  /** what flows into the node: kind letter and id, comma-separated ("A12,C3") */
  inputs: string | null;
}
