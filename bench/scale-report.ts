// The Markdown tables of the scale benchmark (bench/scale.bench.ts).
import type { CopyLoadResult } from "./copy-load.ts";
import type { WorkloadSize } from "./generate.ts";
import type { SizeRow } from "./scale.bench.ts";
import type { QueryResult } from "./scale-queries.ts";

interface ScaleResults {
  database: string;
  loadedAt: string;
  size: WorkloadSize;
  load: Omit<CopyLoadResult, "picks">;
  queries: QueryResult[];
  writes: { connections: number; duration: number; reqPerSec: number; p50Ms: number; p99Ms: number; requests: number; failed: number };
  sizes: SizeRow[];
}

const mb = (bytes: number) => (bytes / 2 ** 20).toLocaleString("en", { maximumFractionDigits: 0 });
const per = (bytes: number, rows: number) => (rows > 0 ? Math.round(bytes / rows).toLocaleString("en") : "-");

function loadTable(r: ScaleResults): string[] {
  const { counts, rows, seconds, rowsPerSecond } = r.load;
  return [
    `Database \`${r.database}\`, loaded ${r.loadedAt}: ${counts.Run.toLocaleString("en")} runs, ${counts.Artifact.toLocaleString("en")} artifacts, ${counts.RunInputArtifact.toLocaleString("en")} input links, ${counts.RunParamValue.toLocaleString("en")} param links, ${counts.Collection.toLocaleString("en")} collections (${rows.toLocaleString("en")} rows; fan-in ≤ ${r.size.fanIn}).`,
    "",
    "| COPY | rows/s | keys and indexes | foreign keys | ANALYZE | total |",
    "|--:|--:|--:|--:|--:|--:|",
    `| ${seconds.copy.toFixed(0)} s | ${Math.round(rowsPerSecond).toLocaleString("en")} | ${seconds.indexes.toFixed(0)} s | ${seconds.foreignKeys.toFixed(0)} s | ${seconds.analyze.toFixed(0)} s | ${seconds.total.toFixed(0)} s |`,
  ];
}

function sizeTable(r: ScaleResults): string[] {
  const lines = ["| table | rows | total MB | heap MB | indexes MB | bytes/row (total) | bytes/row (indexes) |", "|---|--:|--:|--:|--:|--:|--:|"];
  for (const s of r.sizes.filter((row) => row.total > 1_000_000)) {
    lines.push(
      `| ${s.table} | ${s.rows.toLocaleString("en")} | ${mb(s.total)} | ${mb(s.heap)} | ${mb(s.indexes)} | ${per(s.total, s.rows)} | ${per(s.indexes, s.rows)} |`,
    );
  }
  const all = r.sizes.reduce((sum, s) => sum + s.total, 0);
  lines.push(`| all tables | | ${mb(all)} | | | ${per(all, r.load.counts.Run)} per run | |`);
  return lines;
}

export function scaleReport(r: ScaleResults): string {
  const lines = [...loadTable(r), "", ...sizeTable(r), ""];
  lines.push("| query | nodes / rows / count | p50 ms | p95 ms | n | SQL alone p50 ms (p95) |", "|---|--:|--:|--:|--:|--:|");
  for (const q of r.queries) {
    const sql = q.sql ? `${q.sql.p50} (${q.sql.p95})` : "–";
    lines.push(`| ${q.group}: ${q.name} | ${q.size} | ${q.stats.p50} | ${q.stats.p95} | ${q.stats.n} | ${sql} |`);
  }
  const w = r.writes;
  lines.push(
    "",
    `track + finishRun, ${w.connections} connections, ${w.duration} s: ${w.reqPerSec} req/s (p50 ${w.p50Ms} ms, p99 ${w.p99Ms} ms, ${w.requests} requests, ${w.failed} failed)`,
  );
  return lines.join("\n");
}
