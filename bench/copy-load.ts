// Streaming bulk load of a generated workload (bench/generate.ts) into PostgreSQL with COPY, for
// the scale benchmark: one COPY … FROM STDIN per table, all open at once and fed as the
// generator walks, so no table is ever held in memory; the tables' indexes and keys are dropped
// first and built after the load (a sorted build beats 10^8 index insertions), then ANALYZE.
// A progress line (runs, rows/s, ETA) goes to stderr.
import { once } from "node:events";
import type { Writable } from "node:stream";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { TABLE_NAMES, TABLES, workloadRows, type Columns, type Picks, type TableName, type WorkloadSize } from "./generate.ts";

const quoted = (name: string) => `"${name}"`;
const FLUSH_BYTES = 1 << 18;

/** One row in COPY's text format: tab-separated, \N for NULL, t/f for booleans. */
function copyLine(row: (string | number | boolean | null)[], columns: Columns): string {
  let line = "";
  for (let i = 0; i < row.length; i++) {
    const value = row[i];
    let text: string;
    if (value === null || value === undefined) text = "\\N";
    else if (columns[i][1] === "bool") text = value ? "t" : "f";
    else {
      text = String(value);
      if (/[\\\t\n\r]/.test(text)) text = text.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c] as string);
    }
    line += i === 0 ? text : `\t${text}`;
  }
  return `${line}\n`;
}

/** The statements that rebuild what `dropKeysAndIndexes` dropped, in the order to run them. */
export interface Rebuild {
  /** primary keys and indexes: independent of each other, built two at a time */
  indexes: { table: string; sql: string }[];
  /** foreign keys, added NOT VALID (checked for new rows); `validate` checks the loaded rows */
  foreignKeys: { table: string; name: string; sql: string }[];
}

/** Drops the foreign keys touching the loaded tables, their primary keys and their indexes. */
async function dropKeysAndIndexes(client: pg.Client): Promise<Rebuild> {
  const tables = TABLE_NAMES.map(quoted);
  const constraints = await client.query<{ tbl: string; name: string; type: string; def: string }>(
    `SELECT conrelid::regclass::text AS tbl, conname AS name, contype AS type, pg_get_constraintdef(oid) AS def FROM pg_constraint
     WHERE contype IN ('f', 'p') AND (conrelid::regclass::text = ANY($1) OR (contype = 'f' AND confrelid::regclass::text = ANY($1)))
     ORDER BY contype`,
    [tables],
  );
  const keyNames = new Set(constraints.rows.map((c) => c.name));
  const indexes = await client.query<{ tablename: string; indexname: string; indexdef: string }>(
    "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ANY($1)",
    [TABLE_NAMES],
  );
  const rebuild: Rebuild = { indexes: [], foreignKeys: [] };
  for (const c of constraints.rows) {
    await client.query(`ALTER TABLE ${c.tbl} DROP CONSTRAINT ${quoted(c.name)}`);
    const add = `ALTER TABLE ${c.tbl} ADD CONSTRAINT ${quoted(c.name)} ${c.def}`;
    if (c.type === "f") rebuild.foreignKeys.push({ table: c.tbl, name: c.name, sql: `${add} NOT VALID` });
    else rebuild.indexes.push({ table: c.tbl, sql: add });
  }
  for (const index of indexes.rows.filter((i) => !keyNames.has(i.indexname))) {
    await client.query(`DROP INDEX ${quoted(index.indexname)}`);
    rebuild.indexes.push({ table: quoted(index.tablename), sql: index.indexdef });
  }
  return rebuild;
}

/** A progress line on stderr: redrawn in place on a terminal, a line every 10 s in a log file. */
export function progressLine(totalRuns: number) {
  const started = performance.now();
  const tty = process.stderr.isTTY;
  let drawn = 0;
  return (runs: number, rows: number, force = false) => {
    const now = performance.now();
    if (!force && now - drawn < (tty ? 500 : 10_000)) return;
    drawn = now;
    const seconds = (now - started) / 1000;
    const eta = runs > 0 ? (seconds * (totalRuns - runs)) / runs : 0;
    const clock = (s: number) => `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
    const line = `  copy: ${runs.toLocaleString("en")}/${totalRuns.toLocaleString("en")} runs (${((100 * runs) / totalRuns).toFixed(1)}%), ${rows.toLocaleString("en")} rows, ${Math.round(rows / seconds).toLocaleString("en")} rows/s, elapsed ${clock(seconds)}, ETA ${clock(eta)}`;
    process.stderr.write(tty ? `\r${line.padEnd(120)}` : `${line}\n`);
  };
}

/** Opens one connection per table, each in a transaction with the table truncated and a COPY … FREEZE open. */
async function openWriters(url: string) {
  return Promise.all(
    TABLE_NAMES.map(async (name) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query("BEGIN");
      // truncated in the same transaction, so COPY can write the rows frozen and all-visible
      await client.query(`TRUNCATE ${quoted(name)}`);
      const columns = TABLES[name].map(([column]) => quoted(column)).join(", ");
      const stream: Writable = client.query(copyFrom(`COPY ${quoted(name)} (${columns}) FROM STDIN WITH (FREEZE)`));
      return { name, client, stream, buffer: "", rows: 0 };
    }),
  );
}

/** Streams the workload into the tables (their keys and indexes dropped); returns the picks and row counts. */
async function copyRows(url: string, size: WorkloadSize, owner: { userId: number; storageId: number }, until: number) {
  const writers = await openWriters(url);
  // the generator reads `runs` as it goes: lowering it ends the workload after the current project
  const live = { ...size };
  let cut = false;
  const stop = () => {
    cut = true;
  };
  process.once("SIGUSR2", stop);
  const byName = Object.fromEntries(writers.map((w) => [w.name, w])) as Record<TableName, (typeof writers)[number]>;
  let rows = 0;
  const draw = progressLine(size.runs);
  const steps = workloadRows(live, owner, (table, row) => {
    const writer = byName[table];
    writer.buffer += copyLine(row as (string | number | boolean | null)[], TABLES[table]);
    writer.rows++;
    rows++;
  });
  const flush = async (all: boolean) => {
    for (const writer of writers) {
      if (writer.buffer.length === 0 || (!all && writer.buffer.length < FLUSH_BYTES)) continue;
      const ok = writer.stream.write(writer.buffer);
      writer.buffer = "";
      if (!ok) await once(writer.stream, "drain");
    }
  };
  let step = steps.next();
  while (!step.done) {
    await flush(false);
    draw(step.value, rows);
    if ((cut || Date.now() > until) && live.runs > step.value) {
      live.runs = step.value;
      process.stderr.write(`\n  copy: stopped at ${step.value.toLocaleString("en")} runs (SIGUSR2 or --copy-until)\n`);
    }
    step = steps.next();
  }
  process.off("SIGUSR2", stop);
  await flush(true);
  draw(live.runs, rows, true);
  if (!process.stderr.isTTY) process.stderr.write("\n");
  for (const writer of writers) {
    writer.stream.end();
    await once(writer.stream, "finish");
    await writer.client.query("COMMIT");
    await writer.client.end();
  }
  return { picks: step.value, runs: live.runs, counts: Object.fromEntries(writers.map((w) => [w.name, w.rows])) as Record<TableName, number> };
}

/** Runs the rebuild statements, two connections at a time, the longest first; logs each one. */
async function rebuildIndexes(url: string, rebuild: Rebuild, log: (line: string) => void) {
  const queue = [...rebuild.indexes];
  const worker = async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("SET maintenance_work_mem = '1GB'");
    try {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const started = performance.now();
        await client.query(job.sql);
        log(`  built in ${((performance.now() - started) / 1000).toFixed(1)} s: ${job.sql}`);
      }
    } finally {
      await client.end();
    }
  };
  await Promise.all([worker(), worker()]);
}

export interface CopyLoadResult {
  picks: Picks;
  counts: Record<TableName, number>;
  rows: number;
  seconds: { copy: number; indexes: number; foreignKeys: number; analyze: number; total: number };
  rowsPerSecond: number;
}

/**
 * Loads a workload into an empty, migrated database. Foreign keys come back NOT VALID (the
 * service's writes are checked; the generated rows are consistent by construction) unless
 * `validate` is set, which checks every loaded row too. The COPY stops early, with fewer runs
 * than asked, at `until` (ms since the epoch) or on SIGUSR2; keys, indexes and ANALYZE follow.
 */
export async function copyLoad(
  url: string,
  size: WorkloadSize,
  owner: { userId: number; storageId: number },
  { validate = false, until = Infinity, log = (line: string) => process.stderr.write(`${line}\n`) } = {},
): Promise<CopyLoadResult> {
  const t0 = performance.now();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const lap = (since: number) => (performance.now() - since) / 1000;
  try {
    const rebuild = await dropKeysAndIndexes(admin);
    const { picks, counts } = await copyRows(url, size, owner, until);
    const rows = Object.values(counts).reduce((sum, n) => sum + n, 0);
    const copySeconds = lap(t0);
    log(`  copied ${rows.toLocaleString("en")} rows in ${copySeconds.toFixed(0)} s; building ${rebuild.indexes.length} keys and indexes`);
    const t1 = performance.now();
    await rebuildIndexes(url, rebuild, log);
    const t2 = performance.now();
    for (const fk of rebuild.foreignKeys) {
      await admin.query(fk.sql);
      if (validate) await admin.query(`ALTER TABLE ${fk.table} VALIDATE CONSTRAINT ${quoted(fk.name)}`);
    }
    for (const name of TABLE_NAMES.filter((table) => TABLES[table][0][0] === "id")) {
      await admin.query(`SELECT setval(pg_get_serial_sequence('${quoted(name)}', 'id'), GREATEST((SELECT MAX(id) FROM ${quoted(name)}), 1))`);
    }
    const t3 = performance.now();
    log(`  foreign keys ${validate ? "added and validated" : "added NOT VALID"} in ${lap(t2).toFixed(1)} s; ANALYZE`);
    await admin.query("ANALYZE");
    const seconds = { copy: copySeconds, indexes: (t2 - t1) / 1000, foreignKeys: (t3 - t2) / 1000, analyze: lap(t3), total: lap(t0) };
    return { picks, counts, rows, seconds, rowsPerSecond: rows / copySeconds };
  } finally {
    await admin.end();
  }
}
