// Input links and latest flags of the families a batch touched, derived from stored facts in
// SQL: each reader's version — the newest version of its family made by another run that
// started at or before the read (ties: the later record), else the family's origin version —
// is picked by the database, so the work per batch does not grow with a family's history
// (docs/openlineage.md, "Delivery order does not matter").
import type { Database, Tx } from "../db/database.ts";
import type { Family } from "./families.ts";
import { HASH_TYPE, ORIGIN_PREFIX, originHash } from "./mapping.ts";
import type { Facets } from "./parse.ts";
import { Binds, insertRows, runStatement, selectRows } from "./sql.ts";
import { createVersions } from "./versions.ts";
import type { Change } from "../domain/write-context.ts";

interface ReaderRow {
  stem: string;
  /** null: a family no reader of the batch concerns (its latest flag is still settled). */
  runId: number | bigint | null;
  picked: number | bigint | null;
  origin: number | bigint | null;
  /** The reader's current links into the family, comma-separated artifact ids. */
  linked: string | null;
  produced: number | bigint | boolean;
}

const id = (value: number | bigint | null) => (value == null ? null : Number(value));

/**
 * The touched families (those the runs produced, and `inputStems`) with every reader the batch
 * may have changed — the runs' own reads of them, and reads at or after the start of a run that
 * produced a version of them — each with the version it read and the links it has.
 */
function readersSql(db: Database, runIds: number[], inputStems: string[]) {
  const b = new Binds(db.provider);
  const pg = db.provider === "postgresql";
  const runs = b.list(runIds, "int");
  const agg = (column: string) => (pg ? `string_agg(${column}::text, ',')` : `group_concat(${column}, ',')`);
  const sql = `
    WITH since AS (
      SELECT a.stem, MIN(r."startedAt") AS at FROM "Artifact" a JOIN "Run" r ON r.id = a."runId"
      WHERE a."runId" IN ${runs} AND a."hashType" = ${b.add(HASH_TYPE)} GROUP BY a.stem
    ),
    touched AS (SELECT stem FROM since UNION SELECT value AS stem FROM ${b.list(inputStems, "text")} AS i),
    readers AS (
      SELECT i."runId", i.stem, i."readAt" FROM "OpenLineageInput" i
      WHERE i."runId" IN ${b.list(runIds, "int")} AND i.stem IN (SELECT stem FROM touched)
      UNION
      -- CROSS JOIN: SQLite then walks the few families and looks their readers up by stem,
      -- instead of scanning every read ever recorded (PostgreSQL plans it as an inner join).
      SELECT i."runId", i.stem, i."readAt" FROM since s CROSS JOIN "OpenLineageInput" i WHERE i.stem = s.stem AND i."readAt" >= s.at
    )
    SELECT t.stem, rd."runId",
      (SELECT a.id FROM "Artifact" a JOIN "Run" r ON r.id = a."runId"
        WHERE a.stem = rd.stem AND a."trashedAt" IS NULL AND a."runId" <> rd."runId" AND r."startedAt" <= rd."readAt"
        ORDER BY r."startedAt" DESC, a.id DESC LIMIT 1) AS picked,
      (SELECT MIN(a.id) FROM "Artifact" a WHERE a.stem = t.stem AND a."trashedAt" IS NULL AND a."runId" IS NULL AND substr(a.hash, 1, ${ORIGIN_PREFIX.length}) = ${b.add(ORIGIN_PREFIX)}) AS origin,
      (SELECT ${agg('l."artifactId"')} FROM "RunInputArtifact" l JOIN "Artifact" a ON a.id = l."artifactId" WHERE l."runId" = rd."runId" AND a.stem = rd.stem) AS linked,
      EXISTS (SELECT 1 FROM "Artifact" a WHERE a.stem = t.stem AND a."trashedAt" IS NULL AND a."runId" IS NOT NULL) AS produced
    FROM touched t LEFT JOIN readers rd ON rd.stem = t.stem`;
  return { sql, values: b.values };
}

async function readers(db: Database, tx: Tx, runIds: number[], inputStems: string[]): Promise<ReaderRow[]> {
  const { sql, values } = readersSql(db, runIds, inputStems);
  return selectRows<ReaderRow>(db, tx, sql, values);
}

/**
 * Derives again the input links of every reader the batch may have changed: the batch's own
 * runs, and readers of the families its runs write (their versions' start times may have moved).
 * Returns the families it looked at, whose latest flags the caller settles (flagLatest).
 */
export async function deriveLinks(
  db: Database,
  tx: Tx,
  runIds: number[],
  inputFamilies: Map<string, Family>,
  originFacets: Map<string, Facets>,
  userId: number,
  changes?: Change[],
): Promise<string[]> {
  if (!runIds.length && !inputFamilies.size) return [];
  let rows = await readers(db, tx, runIds, [...inputFamilies.keys()]);
  const needOrigin = [...new Set(rows.filter((row) => row.runId != null && row.picked == null && row.origin == null).map((row) => row.stem))];
  if (needOrigin.length) {
    await createVersions(db, tx, await originVersions(tx, needOrigin, inputFamilies, originFacets), userId, changes);
    rows = await readers(db, tx, runIds, [...inputFamilies.keys()]);
  }
  const stale: { runId: number; artifactId: number }[] = [];
  const fresh: { runId: number; artifactId: number }[] = [];
  for (const row of rows) {
    if (row.runId == null) continue;
    const runId = Number(row.runId);
    const artifactId = (id(row.picked) ?? id(row.origin))!;
    const linked = (row.linked ?? "").split(",").filter(Boolean).map(Number);
    for (const other of linked) if (other !== artifactId) stale.push({ runId, artifactId: other });
    if (!linked.includes(artifactId)) fresh.push({ runId, artifactId });
  }
  if (stale.length) await tx.runInputArtifact.deleteMany({ where: { OR: stale } });
  await insertRows(db, tx, "RunInputArtifact", fresh);
  const origins = rows.filter((row) => row.origin != null && Boolean(Number(row.produced))).map((row) => id(row.origin)!);
  await dropUnreadOrigins(tx, [...new Set(origins)]);
  return [...new Set(rows.map((row) => row.stem))];
}

/** Origin versions of families first read before any run is known to have written them. */
async function originVersions(tx: Tx, stems: string[], inputFamilies: Map<string, Family>, originFacets: Map<string, Facets>) {
  const unknown = stems.filter((stem) => !inputFamilies.has(stem));
  const known = new Map(inputFamilies);
  if (unknown.length) {
    const rows = await tx.artifact.findMany({ where: { stem: { in: unknown } }, select: { stem: true, key: true, storageId: true }, distinct: ["stem"] });
    for (const row of rows) known.set(row.stem, { stem: row.stem, key: row.key ?? "", storageId: row.storageId, isNew: false });
  }
  return stems.map((stem) => ({
    family: known.get(stem)!,
    hash: originHash(stem),
    runId: null,
    facets: originFacets.get(stem) ?? {},
    size: null,
    nObservations: null,
    nObjects: null,
  }));
}

/** Drops origin versions nobody reads or refers to once a run's version of their family exists. */
async function dropUnreadOrigins(tx: Tx, ids: number[]): Promise<void> {
  if (!ids.length) return;
  await tx.artifact.deleteMany({
    where: {
      id: { in: ids },
      inputOfRuns: { none: {} },
      collections: { none: {} },
      metaOfCollections: { none: {} },
      reportOfRuns: { none: {} },
      environmentOfRuns: { none: {} },
      recreatingRuns: { none: {} },
    },
  });
}

/**
 * Flags the latest version of each family — the one whose run started last (ties: the later
 * record; versions without a run come last) — in one statement that writes only wrong flags.
 *
 * `batchRuns`, the runs a batch wrote, keeps the work per family independent of its history: a
 * run's start only ever moves earlier, so the latest is either the version flagged so far or one
 * of the batch's runs' versions — unless the flagged one belongs to a batch run (its start may
 * have moved back) or no run version is flagged yet; only those families are sorted whole.
 */
export async function flagLatest(db: Database, tx: Tx, stems: string[], batchRuns: number[] = []): Promise<void> {
  if (!stems.length) return;
  const b = new Binds(db.provider);
  // Parameters are bound in the order they appear (SQLite's ? are positional). The batch's
  // versions are found through their runs first, so that no family is walked for them.
  const produced = `SELECT x.id, x.stem, r."startedAt" FROM "Artifact" x JOIN "Run" r ON r.id = x."runId"
    WHERE x."runId" IN ${b.list(batchRuns, "int")} AND x."trashedAt" IS NULL`;
  const best = `SELECT s.value AS stem, CASE
      WHEN EXISTS (SELECT 1 FROM "Artifact" y WHERE y.stem = s.value AND y."isLatest" = TRUE AND y."trashedAt" IS NULL
                   AND y."runId" IS NOT NULL AND y."runId" NOT IN ${b.list(batchRuns, "int")})
      THEN (SELECT c.id FROM (
              SELECT x.id, r."startedAt" FROM "Artifact" x JOIN "Run" r ON r.id = x."runId"
              WHERE x.stem = s.value AND x."isLatest" = TRUE AND x."trashedAt" IS NULL
              UNION ALL
              SELECT p.id, p."startedAt" FROM produced p WHERE p.stem = s.value
            ) AS c ORDER BY c."startedAt" DESC, c.id DESC LIMIT 1)
      ELSE (SELECT x.id FROM "Artifact" x LEFT JOIN "Run" r ON r.id = x."runId"
            WHERE x.stem = s.value AND x."trashedAt" IS NULL ORDER BY r."startedAt" DESC NULLS LAST, x.id DESC LIMIT 1)
    END AS id
    FROM ${b.list(stems, "text")} AS s`;
  // MATERIALIZED: each family's best version is picked once, not once per version row (which
  // SQLite does when it flattens the subquery into the UPDATE, quadratic in a family's size).
  await runStatement(
    db,
    tx,
    `WITH produced AS MATERIALIZED (${produced}), b AS MATERIALIZED (${best})
     UPDATE "Artifact" AS a SET "isLatest" = (a.id = b.id) FROM b
     WHERE a.stem = b.stem AND a."trashedAt" IS NULL AND (a."isLatest" = TRUE OR a.id = b.id) AND a."isLatest" <> (a.id = b.id)`,
    b.values,
  );
}
