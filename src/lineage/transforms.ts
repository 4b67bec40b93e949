// Transform-level lineage: runs collapsed to their transforms, so a dashboard sees which
// pipeline feeds which, with how many runs, artifacts and collections stand behind each edge.
// One recursive statement finds the transforms, and the same statement counts the edges.
import type { Database } from "../db/database.ts";
import { checkDepth } from "./limits.ts";
import type { Dialect, DirectionCode } from "./sql.ts";
import { directionCodes, type LineageDirection } from "./traverse.ts";

/** At most this many transforms in one answer; more marks the graph truncated. */
export const MAX_TRANSFORM_NODES = 10_000;
/** Raw walk rows the transform walk may produce before it stops (a transform is reached along many paths). */
const TRANSFORM_WALK_ROWS = MAX_TRANSFORM_NODES * 16;

export interface TransformLineageNode {
  id: number;
  uid: string;
  name: string;
  version: string | null;
  /** transform hops from the start */
  distance: number;
  /** runs of this transform (outside the trash unless asked for) */
  runs: number;
  isStart: boolean;
}

export interface TransformLineageEdge {
  source: string;
  target: string;
  /** runs of the target transform that read something a run of the source produced */
  runs: number;
  /** distinct artifacts passed from source runs to target runs */
  artifacts: number;
  /** distinct collections passed from source runs to target runs */
  collections: number;
}

export interface TransformLineageGraph {
  nodes: TransformLineageNode[];
  edges: TransformLineageEdge[];
  truncated: boolean;
}

// A hop from a transform: its runs → what they passed on (artifact or collection) → the runs
// that read it → their transforms; upstream the same hop backwards. `pr` is the producing run,
// `cr` the consuming run, `a` what passed between them, `n` the transform reached.
const HOPS: { dir: DirectionCode; tables: string }[] = [
  {
    dir: "D",
    tables: `"Run" pr JOIN "Artifact" a ON a."runId" = pr.id JOIN "RunInputArtifact" l ON l."artifactId" = a.id JOIN "Run" cr ON cr.id = l."runId" JOIN "Transform" n ON n.id = cr."transformId"`,
  },
  {
    dir: "D",
    tables: `"Run" pr JOIN "Collection" a ON a."runId" = pr.id JOIN "RunInputCollection" l ON l."collectionId" = a.id JOIN "Run" cr ON cr.id = l."runId" JOIN "Transform" n ON n.id = cr."transformId"`,
  },
  {
    dir: "U",
    tables: `"Run" cr JOIN "RunInputArtifact" l ON l."runId" = cr.id JOIN "Artifact" a ON a.id = l."artifactId" JOIN "Run" pr ON pr.id = a."runId" JOIN "Transform" n ON n.id = pr."transformId"`,
  },
  {
    dir: "U",
    tables: `"Run" cr JOIN "RunInputCollection" l ON l."runId" = cr.id JOIN "Collection" a ON a.id = l."collectionId" JOIN "Run" pr ON pr.id = a."runId" JOIN "Transform" n ON n.id = pr."transformId"`,
  },
];

export function buildTransformLineageSql(
  dialect: Dialect,
  options: { transformId: number; directions: DirectionCode[]; depth: number; includeTrashed: boolean },
): { sql: string; params: unknown[] } {
  const pg = dialect === "postgresql";
  const { depth, transformId } = options;
  if (!Number.isSafeInteger(depth) || !Number.isSafeInteger(transformId)) throw new Error("depth and transformId must be integers");
  const live = (alias: string) => (options.includeTrashed ? "" : ` AND ${alias}."trashedAt" IS NULL`);
  const text = pg ? "::text" : "";
  const limit = TRANSFORM_WALK_ROWS;
  const hops = HOPS.filter((hop) => options.directions.includes(hop.dir));
  const anchor = (dir: DirectionCode) => (dir === "D" ? "pr" : "cr");
  const conditions = `${live("pr")}${live("cr")}${live("a")}${live("n")}`;
  const initial = options.directions.map((dir) => `SELECT ${transformId} AS id, '${dir}'${text} AS dir, 0 AS distance`).join(" UNION ALL ");
  const recursive = pg
    ? `SELECT s.id, w.dir, w.distance + 1 FROM walk w CROSS JOIN LATERAL (${hops
        .map((hop) => `SELECT n.id FROM ${hop.tables} WHERE w.dir = '${hop.dir}' AND ${anchor(hop.dir)}."transformId" = w.id${conditions}`)
        .join(" UNION ALL ")}) s WHERE w.distance <= ${depth}`
    : hops
        .map(
          (hop) =>
            `SELECT n.id, w.dir, w.distance + 1 FROM walk w, ${hop.tables} WHERE w.dir = '${hop.dir}' AND w.distance <= ${depth} AND ${anchor(hop.dir)}."transformId" = w.id${conditions}`,
        )
        .join(" UNION ");
  const nul = (type: string) => (pg ? `NULL::${type}` : "NULL");
  const int = (expr: string) => (pg ? `(${expr})::int` : expr);
  const passed = `SELECT pr."transformId" AS src, cr."transformId" AS dst, cr.id AS run, 'A' AS what, a.id AS item
      FROM found s JOIN "Run" pr ON pr."transformId" = s.id JOIN "Artifact" a ON a."runId" = pr.id JOIN "RunInputArtifact" l ON l."artifactId" = a.id JOIN "Run" cr ON cr.id = l."runId" JOIN found d ON d.id = cr."transformId"
      WHERE 1 = 1${live("pr")}${live("a")}${live("cr")}
    UNION ALL SELECT pr."transformId", cr."transformId", cr.id, 'C', a.id
      FROM found s JOIN "Run" pr ON pr."transformId" = s.id JOIN "Collection" a ON a."runId" = pr.id JOIN "RunInputCollection" l ON l."collectionId" = a.id JOIN "Run" cr ON cr.id = l."runId" JOIN found d ON d.id = cr."transformId"
      WHERE 1 = 1${live("pr")}${live("a")}${live("cr")}`;
  const sql = `WITH RECURSIVE
walk(id, dir, distance) AS (${initial} UNION ${recursive}${pg ? "" : ` LIMIT ${limit}`}),
raw AS (SELECT id, distance FROM walk LIMIT ${limit}),
grouped AS (SELECT id, MIN(distance) AS distance FROM raw GROUP BY id),
found AS (SELECT id, distance FROM grouped WHERE distance <= ${depth} ORDER BY distance, id LIMIT ${MAX_TRANSFORM_NODES}),
passed AS (${passed})
SELECT 'n'${text} AS t, f.id AS a, ${nul("int")} AS b, f.distance AS c, ${int(`(SELECT COUNT(*) FROM "Run" r WHERE r."transformId" = f.id${live("r")})`)} AS d, ${nul("int")} AS e, tr.uid, tr.name, tr.version
  FROM found f JOIN "Transform" tr ON tr.id = f.id
UNION ALL SELECT 'm', ${int("(SELECT COUNT(*) FROM grouped WHERE distance <= " + depth + ")")}, ${int("(SELECT COUNT(*) FROM raw)")}, (SELECT MAX(distance) FROM grouped), ${nul("int")}, ${nul("int")}, ${nul("text")}, ${nul("text")}, ${nul("text")}
UNION ALL SELECT 'e', src, dst, ${int("COUNT(DISTINCT run)")}, ${int("COUNT(DISTINCT CASE WHEN what = 'A' THEN item END)")}, ${int("COUNT(DISTINCT CASE WHEN what = 'C' THEN item END)")}, ${nul("text")}, ${nul("text")}, ${nul("text")}
  FROM passed GROUP BY src, dst`;
  return { sql, params: [] };
}

/**
 * One row of the statement above, as either driver returns it. The three kinds of row share
 * the statement's columns; `readRow` names what each column means for each kind.
 */
interface TransformLineageRow {
  /** n: a transform; m: the walk's summary; e: an edge between two transforms found */
  t: "n" | "m" | "e";
  a: number | bigint | null;
  b: number | bigint | null;
  c: number | bigint | null;
  d: number | bigint | null;
  e: number | bigint | null;
  uid: string | null;
  name: string | null;
  version: string | null;
}

/** A transform found by the walk. */
type FoundTransform = { kind: "node" } & Omit<TransformLineageNode, "isStart">;

/** How far the walk went: transforms within depth, raw walk rows, the greatest distance reached. */
interface WalkSummary {
  kind: "summary";
  withinDepth: number;
  walkRows: number;
  maxDistance: number;
}

/** Data passed from runs of one transform to runs of another, between internal ids. */
type PassedData = { kind: "edge"; sourceId: number; targetId: number } & Omit<TransformLineageEdge, "source" | "target">;

function readRow(row: TransformLineageRow): FoundTransform | WalkSummary | PassedData {
  const n = (value: number | bigint | null) => Number(value);
  if (row.t === "n") {
    return { kind: "node", id: n(row.a), uid: row.uid ?? "", name: row.name ?? "", version: row.version, distance: n(row.c), runs: n(row.d) };
  }
  if (row.t === "m") return { kind: "summary", withinDepth: n(row.a), walkRows: n(row.b), maxDistance: n(row.c) };
  return { kind: "edge", sourceId: n(row.a), targetId: n(row.b), runs: n(row.c), artifacts: n(row.d), collections: n(row.e) };
}

export async function transformLineage(
  db: Database,
  transformId: number,
  options: { direction: LineageDirection; depth: number; includeTrashed?: boolean; maxDepth?: number },
): Promise<TransformLineageGraph> {
  checkDepth(options.depth, options.maxDepth);
  const { sql, params } = buildTransformLineageSql(db.provider, {
    transformId,
    directions: directionCodes(options.direction),
    depth: options.depth,
    includeTrashed: options.includeTrashed ?? false,
  });
  const rows = (await db.queryRows<TransformLineageRow>(sql, params)).map(readRow);
  const nodes: TransformLineageNode[] = [];
  const passed: PassedData[] = [];
  let truncated = false;
  for (const row of rows) {
    if (row.kind === "node") {
      const { kind: _kind, ...node } = row;
      nodes.push({ ...node, isStart: row.id === transformId });
    } else if (row.kind === "summary") {
      truncated = row.withinDepth > MAX_TRANSFORM_NODES || row.walkRows >= TRANSFORM_WALK_ROWS || row.maxDistance > options.depth;
    } else {
      passed.push(row);
    }
  }
  const uidOf = new Map(nodes.map((node) => [node.id, node.uid]));
  const edges = passed
    .map(({ sourceId, targetId, runs, artifacts, collections }) => ({
      source: uidOf.get(sourceId) ?? "",
      target: uidOf.get(targetId) ?? "",
      runs,
      artifacts,
      collections,
    }))
    .filter((edge) => edge.source && edge.target)
    .sort((x, y) => x.source.localeCompare(y.source) || x.target.localeCompare(y.target));
  nodes.sort((x, y) => x.distance - y.distance || x.id - y.id);
  return { nodes, edges, truncated };
}
