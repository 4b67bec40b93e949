// A seeded, deterministic generator of a realistic lineage workload — transform families with
// versions, pipelines up to 50 runs deep with fan-in and fan-out, shared references read by
// thousands of runs, collections, five params per run — bulk-loaded straight through the
// provider's driver (better-sqlite3 or pg) with a progress bar and its own rows/s figure.
// `workloadRows` emits the rows one by one for a streaming loader (bench/copy-load.ts);
// `generateWorkload` collects them in memory. Over 250 lines: the table layout (TABLES) is
// one long literal, and the generator reads best in one place.
import { createHash } from "node:crypto";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { hashValue, projections, type Dtype } from "../src/domain/params.ts";

export interface WorkloadSize {
  transforms: number;
  runs: number;
  /** approximate: outputs per run are drawn to average artifacts / runs, plus raw uploads */
  artifacts: number;
  /** deepest pipeline, in runs */
  maxDepth: number;
  /** shared reference artifacts (genomes, indexes) read across pipelines */
  references: number;
  seed: number;
  /** most outputs of the layer before that a run reads (default 3) */
  fanIn?: number;
}

export const FULL_SIZE: WorkloadSize = { transforms: 1000, runs: 100_000, artifacts: 300_000, maxDepth: 50, references: 20, seed: 42 };
export const SMALL_SIZE: WorkloadSize = { transforms: 1000, runs: 10_000, artifacts: 30_000, maxDepth: 50, references: 20, seed: 42 };

/** --small, --runs=N, --artifacts=N, --transforms=N, --max-depth=N, --references=N, --seed=N, --fan-in=N */
export function sizeFromArgs(args: string[]): WorkloadSize {
  const size = { ...(args.includes("--small") ? SMALL_SIZE : FULL_SIZE) };
  const flag = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1];
  const keys: [keyof WorkloadSize, string][] = [
    ["transforms", "transforms"],
    ["runs", "runs"],
    ["artifacts", "artifacts"],
    ["maxDepth", "max-depth"],
    ["references", "references"],
    ["seed", "seed"],
    ["fanIn", "fan-in"],
  ];
  for (const [key, name] of keys) {
    const value = flag(name);
    if (value !== undefined) size[key] = Number(value);
  }
  return size;
}

/** mulberry32: small, fast and good enough to make the same workload from the same seed. */
function rng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)],
  };
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

type ColumnType = "int" | "text" | "timestamp" | "bool" | "float" | "jsonb" | "bigint";
export type Columns = [string, ColumnType][];
interface Table {
  name: TableName;
  columns: Columns;
  rows: unknown[][];
}

/** The tables a workload fills, in an order that satisfies their foreign keys. */
export const TABLES = {
  Transform: [
    ["id", "int"],
    ["uid", "text"],
    ["stem", "text"],
    ["name", "text"],
    ["key", "text"],
    ["version", "text"],
    ["isLatest", "bool"],
    ["type", "text"],
    ["createdAt", "timestamp"],
    ["updatedAt", "timestamp"],
    ["createdById", "int"],
  ],
  Param: [
    ["id", "int"],
    ["name", "text"],
    ["dtype", "text"],
    ["createdAt", "timestamp"],
    ["createdById", "int"],
  ],
  ParamValue: [
    ["id", "int"],
    ["paramId", "int"],
    ["value", "jsonb"],
    ["hash", "text"],
    ["valueNumber", "float"],
    ["valueText", "text"],
    ["createdAt", "timestamp"],
    ["createdById", "int"],
  ],
  Run: [
    ["id", "int"],
    ["uid", "text"],
    ["transformId", "int"],
    ["startedAt", "timestamp"],
    ["finishedAt", "timestamp"],
    ["status", "text"],
    ["createdAt", "timestamp"],
    ["createdById", "int"],
  ],
  Artifact: [
    ["id", "int"],
    ["uid", "text"],
    ["stem", "text"],
    ["key", "text"],
    ["storageId", "int"],
    ["suffix", "text"],
    ["type", "text"],
    ["size", "bigint"],
    ["hash", "text"],
    ["runId", "int"],
    ["createdAt", "timestamp"],
    ["updatedAt", "timestamp"],
    ["createdById", "int"],
  ],
  Collection: [
    ["id", "int"],
    ["uid", "text"],
    ["stem", "text"],
    ["key", "text"],
    ["runId", "int"],
    ["createdAt", "timestamp"],
    ["updatedAt", "timestamp"],
    ["createdById", "int"],
  ],
  CollectionArtifact: [
    ["collectionId", "int"],
    ["artifactId", "int"],
    ["position", "int"],
  ],
  RunInputArtifact: [
    ["runId", "int"],
    ["artifactId", "int"],
  ],
  RunInputCollection: [
    ["runId", "int"],
    ["collectionId", "int"],
  ],
  RunParamValue: [
    ["runId", "int"],
    ["paramValueId", "int"],
  ],
} satisfies Record<string, Columns>;
export type TableName = keyof typeof TABLES;
export const TABLE_NAMES = Object.keys(TABLES) as TableName[];

/** Where generated rows go: one call per row, in id order within each table. */
export type RowSink = (table: TableName, row: unknown[]) => void;

export interface Picks {
  /** final outputs of the deepest pipelines (upstream starts) */
  deepOutputs: string[];
  /** raw inputs of the deepest pipelines (downstream starts) */
  deepInputs: string[];
  /** the most-read shared reference and how many runs read it */
  sharedReference: { uid: string; readers: number };
}

export interface Workload {
  tables: Table[];
  /** starting points for the benchmark */
  picks: Picks;
  counts: Record<string, number>;
}

const PARAMS: { name: string; dtype: Dtype; values: unknown[] }[] = [
  { name: "threads", dtype: "int", values: [1, 2, 4, 8, 16, 32] },
  { name: "learning_rate", dtype: "float", values: Array.from({ length: 20 }, (_, i) => Number((0.0005 * (i + 1)).toFixed(4))) },
  { name: "genome", dtype: "str", values: ["GRCh37", "GRCh38", "T2T-CHM13", "GRCm39", "dm6"] },
  { name: "batch_size", dtype: "int", values: [8, 16, 32, 64, 128, 256, 512, 1024] },
  { name: "debug", dtype: "bool", values: [false, true] },
];

const TRANSFORM_TYPES = ["pipeline", "notebook", "script", "function"];
const SUFFIXES = [".parquet", ".h5ad", ".bam", ".csv", ".zarr", ".pt"];
const BASE = Date.UTC(2025, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();

/** Transforms: families sharing a stem, 1–4 versions each, the last one latest. */
function emitTransforms(size: WorkloadSize, userId: number, uid: (length: number) => string, random: ReturnType<typeof rng>, emit: RowSink) {
  const families: number[][] = [];
  let count = 0;
  while (count < size.transforms) {
    const family = families.length;
    const stem = uid(12);
    const versions = Math.min(random.int(1, 4), size.transforms - count);
    const ids: number[] = [];
    for (let v = 0; v < versions; v++) {
      const id = ++count;
      const at = iso(BASE + family * 60_000 + v * 1000);
      const row = [id, `${stem}${BASE62[0]}${BASE62[0]}${BASE62[0]}${BASE62[v]}`, stem, `step-${family}`, `pipelines/step-${family}.py`];
      emit("Transform", [...row, String(v + 1), v === versions - 1, TRANSFORM_TYPES[family % 4], at, at, userId]);
      ids.push(id);
    }
    families.push(ids);
  }
  return families;
}

/** The five params and their values; returns the value ids of each param. */
function emitParams(userId: number, emit: RowSink) {
  PARAMS.forEach((param, i) => emit("Param", [i + 1, param.name, param.dtype, iso(BASE), userId]));
  let id = 0;
  return PARAMS.map((param, p) =>
    param.values.map((value) => {
      const projected = projections(param.dtype, value);
      emit("ParamValue", [++id, p + 1, JSON.stringify(value), hashValue(value), projected.valueNumber, projected.valueText, iso(BASE), userId]);
      return id;
    }),
  );
}

/**
 * Emits every row of the workload (deterministic for a seed; ids start at 1 in a fresh
 * database) and yields after each project, so that a streaming consumer can wait for its
 * writers; returns the benchmark's starting points.
 */
export function* workloadRows(size: WorkloadSize, owner: { userId: number; storageId: number }, emit: RowSink): Generator<number, Picks> {
  const random = rng(size.seed);
  const uid = (length: number) => {
    let out = "";
    for (let i = 0; i < length; i++) out += BASE62[Math.floor(random.next() * 62)];
    return out;
  };
  const { userId, storageId } = owner;
  const families = emitTransforms(size, userId, uid, random, emit);
  const valueIds = emitParams(userId, emit);
  const fanIn = size.fanIn ?? 3;
  const readers = new Array(size.references).fill(0);
  let artifactCount = 0;
  let runCount = 0;
  let collectionCount = 0;
  /** uids of the current project's artifacts (and of the references), for the picks */
  const uids = new Map<number, string>();

  const newArtifact = (key: string, runId: number | null, at: number) => {
    const id = ++artifactCount;
    const stem = uid(16);
    const suffix = SUFFIXES[id % SUFFIXES.length];
    const hash = createHash("sha256").update(`${size.seed}:${id}`).digest("base64url").slice(0, 22);
    const type = runId ? "dataset" : "upload";
    emit("Artifact", [
      id,
      `${stem}0000`,
      stem,
      `${key}${suffix}`,
      storageId,
      suffix,
      type,
      random.int(1_000, 5_000_000_000),
      hash,
      runId,
      iso(at),
      iso(at),
      userId,
    ]);
    uids.set(id, `${stem}0000`);
    return id;
  };

  const references = Array.from({ length: size.references }, (_, i) => newArtifact(`references/ref-${i}`, null, BASE));
  const referenceUids = references.map((id) => uids.get(id) as string);

  // Pipeline templates: a depth (most shallow, some deep, a few at the maximum), a width, and
  // one transform family per step.
  const templates = Array.from({ length: 200 }, (_, t) => {
    const roll = random.next();
    const depth = t < 5 ? size.maxDepth : roll < 0.6 ? random.int(2, 10) : roll < 0.9 ? random.int(10, 30) : random.int(30, size.maxDepth);
    const steps = Array.from({ length: depth }, (_, l) => families[(t * 13 + l * 7) % families.length]);
    return { depth, width: random.int(1, 4), steps };
  });

  const outputsPerRun = Math.max(1, size.artifacts / size.runs - 0.1);
  const deepProjects: { inputs: string[]; outputs: string[] }[] = [];
  for (let project = 0; runCount < size.runs; project++) {
    uids.clear();
    const template = templates[project % templates.length];
    const raw: number[] = [];
    let previous: { outputs: number[]; collection: number | null }[] = [];
    let last: number[] = [];
    for (let layer = 0; layer < template.depth && runCount < size.runs; layer++) {
      const current: { outputs: number[]; collection: number | null }[] = [];
      const width = Math.max(1, template.width + random.int(-1, 1));
      for (let w = 0; w < width && runCount < size.runs; w++) {
        const runId = ++runCount;
        const started = BASE + runId * 30_000;
        const family = template.steps[layer];
        // mostly the latest version of the step's transform, sometimes an older one
        const transformId = random.next() < 0.8 ? family[family.length - 1] : random.pick(family);
        const roll = random.next();
        const status = roll < 0.9 ? "COMPLETED" : roll < 0.97 ? "ERRORED" : "STARTED";
        const runUid = uid(20);
        const finished = status === "STARTED" ? null : iso(started + random.int(5_000, 3_600_000));
        emit("Run", [runId, runUid, transformId, iso(started), finished, status, iso(started), userId]);
        const read = new Set<number>();
        const readCollections = new Set<number>();
        if (layer === 0) {
          for (let i = random.int(1, 2); i > 0; i--) {
            const id = newArtifact(`raw/p${project}/sample-${raw.length}`, null, started - 1000);
            raw.push(id);
            read.add(id);
          }
        } else {
          // fan-in: one to `fanIn` outputs of the layer before; a collection read as a whole
          for (let i = random.int(1, fanIn); i > 0; i--) {
            const source = random.pick(previous);
            if (source.collection && random.next() < 0.5) readCollections.add(source.collection);
            else read.add(random.pick(source.outputs));
          }
        }
        if (random.next() < 0.15) {
          // shared references: a few are read by thousands of runs
          const ref = Math.floor(random.next() ** 3 * size.references);
          read.add(references[ref]);
          readers[ref]++;
        }
        for (const artifactId of read) emit("RunInputArtifact", [runId, artifactId]);
        for (const collectionId of readCollections) emit("RunInputCollection", [runId, collectionId]);
        for (let p = 0; p < PARAMS.length; p++) emit("RunParamValue", [runId, random.pick(valueIds[p])]);
        // fan-out: outputs average artifacts / runs
        const count = Math.max(1, Math.floor(outputsPerRun) + (random.next() < outputsPerRun % 1 ? 1 : 0));
        const outputs = Array.from({ length: count }, (_, i) => newArtifact(`results/p${project}/l${layer}/w${w}/out-${i}`, runId, started + 60_000));
        let collection: number | null = null;
        if (random.next() < 0.03) {
          collection = ++collectionCount;
          const stem = uid(16);
          const at = iso(started + 60_000);
          emit("Collection", [collection, `${stem}0000`, stem, `bundles/p${project}/l${layer}/w${w}`, runId, at, at, userId]);
          outputs.forEach((artifactId, position) => emit("CollectionArtifact", [collection, artifactId, position]));
        }
        current.push({ outputs, collection });
      }
      previous = current;
      last = current.flatMap((run) => run.outputs);
    }
    if (template.depth === size.maxDepth && deepProjects.length < 10 && last.length) {
      deepProjects.push({ inputs: raw.map((id) => uids.get(id) as string), outputs: last.map((id) => uids.get(id) as string) });
    }
    yield runCount;
  }

  const mostRead = readers.indexOf(Math.max(...readers));
  return {
    deepOutputs: deepProjects.map((p) => p.outputs[0]),
    deepInputs: deepProjects.map((p) => p.inputs[0]),
    sharedReference: { uid: referenceUids[mostRead], readers: readers[mostRead] },
  };
}

/** Builds every row in memory (deterministic for a seed); ids start at 1 in a fresh database. */
export function generateWorkload(size: WorkloadSize, owner: { userId: number; storageId: number }): Workload {
  const rows = Object.fromEntries(TABLE_NAMES.map((name) => [name, [] as unknown[][]])) as Record<TableName, unknown[][]>;
  const steps = workloadRows(size, owner, (table, row) => rows[table].push(row));
  let step = steps.next();
  while (!step.done) step = steps.next();
  const tables: Table[] = TABLE_NAMES.map((name) => ({ name, columns: TABLES[name], rows: rows[name] }));
  return { tables, picks: step.value, counts: Object.fromEntries(tables.map((table) => [table.name, table.rows.length])) };
}

/** A one-line progress bar on stderr. */
function progress(total: number) {
  const started = performance.now();
  let done = 0;
  let drawn = 0;
  return {
    add(rows: number, label: string) {
      done += rows;
      // redraw at most four times a second, and at the end
      if (done < total && performance.now() - drawn < 250) return;
      drawn = performance.now();
      const share = done / total;
      const width = 30;
      const bar = "#".repeat(Math.round(share * width)).padEnd(width, ".");
      const rate = done / ((performance.now() - started) / 1000);
      process.stderr.write(
        `\r  loading [${bar}] ${(share * 100).toFixed(0).padStart(3)}% ${done.toLocaleString("en")}/${total.toLocaleString("en")} rows, ${Math.round(rate).toLocaleString("en")} rows/s  ${label.padEnd(20)}`,
      );
    },
    end() {
      process.stderr.write("\n");
      const seconds = (performance.now() - started) / 1000;
      return { rows: done, seconds, rowsPerSecond: done / seconds };
    },
  };
}

const CHUNK = 5_000;

export interface LoadTarget {
  provider: "sqlite" | "postgresql";
  /** the SQLite file, or the PostgreSQL connection string */
  location: string;
}

/**
 * Writes the workload in bulk through the bare driver; returns rows, seconds and rows/s.
 * `analyze: false` leaves the planner without statistics, as on a database in its first minutes.
 */
export async function loadWorkload(target: LoadTarget, workload: Workload, { analyze = true } = {}) {
  const total = workload.tables.reduce((sum, table) => sum + table.rows.length, 0);
  const bar = progress(total);
  if (target.provider === "sqlite") {
    const sqlite = new BetterSqlite3(target.location);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = OFF");
    try {
      for (const table of workload.tables) {
        const names = table.columns.map(([name]) => `"${name}"`).join(", ");
        const insert = sqlite.prepare(`INSERT INTO "${table.name}" (${names}) VALUES (${table.columns.map(() => "?").join(", ")})`);
        const bools = table.columns.map(([, type]) => type === "bool");
        const write = sqlite.transaction((rows: unknown[][]) => {
          for (const row of rows) insert.run(row.map((value, i) => (bools[i] ? (value ? 1 : 0) : value)));
        });
        for (let start = 0; start < table.rows.length; start += CHUNK) {
          const rows = table.rows.slice(start, start + CHUNK);
          write(rows);
          bar.add(rows.length, table.name);
        }
      }
      sqlite.pragma("synchronous = NORMAL");
      if (analyze) sqlite.exec("ANALYZE");
    } finally {
      sqlite.close();
    }
  } else {
    const client = new pg.Client({ connectionString: target.location });
    await client.connect();
    try {
      for (const table of workload.tables) {
        const names = table.columns.map(([name]) => `"${name}"`).join(", ");
        const casts: Record<ColumnType, string> = {
          int: "int[]",
          text: "text[]",
          timestamp: "timestamp(3)[]",
          bool: "boolean[]",
          float: "float8[]",
          jsonb: "jsonb[]",
          bigint: "bigint[]",
        };
        const sql = `INSERT INTO "${table.name}" (${names}) SELECT * FROM unnest(${table.columns.map(([, type], i) => `$${i + 1}::${casts[type]}`).join(", ")})`;
        for (let start = 0; start < table.rows.length; start += CHUNK) {
          const rows = table.rows.slice(start, start + CHUNK);
          const columns = table.columns.map((_, i) => rows.map((row) => row[i]));
          await client.query(sql, columns);
          bar.add(rows.length, table.name);
        }
        if (table.columns[0][0] === "id") {
          await client.query(`SELECT setval(pg_get_serial_sequence('"${table.name}"', 'id'), GREATEST((SELECT MAX(id) FROM "${table.name}"), 1))`);
        }
      }
      if (analyze) await client.query("ANALYZE");
    } finally {
      await client.end();
    }
  }
  return bar.end();
}
