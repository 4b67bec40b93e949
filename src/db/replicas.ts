// The read replicas of a PostgreSQL deployment: which of them may serve reads now. A check
// in the background (never per request) measures each replica's lag behind the primary; a
// replica that does not answer, or lags more than the configured bound, is skipped until a
// later check finds it fit again. See README (read replicas) for the rule.
import type { SqlDriverAdapter } from "@prisma/driver-adapter-utils";
import type pg from "pg";
import { postgresAdapter, ReadPool, redactUrl, type PoolSettings } from "./postgres.ts";

export type DatabaseRole = "primary" | "replica";

/** What /ready and /metrics tell of one database. */
export interface DatabaseState {
  name: string;
  role: DatabaseRole;
  location: string;
  /** up: serves reads; lagging: answers but is too far behind; down: does not answer. */
  state: "up" | "lagging" | "down";
  /** Seconds the replica is behind the primary, as last measured (0 for the primary); null before the first check or while down. */
  lagSeconds: number | null;
  reason?: string;
}

export interface Replica {
  name: string;
  adapter: SqlDriverAdapter;
  rows: ReadPool;
  state: DatabaseState;
}

export interface ReplicaOptions extends PoolSettings {
  maxLagMs: number;
  /** How often each replica's lag is measured. */
  checkIntervalMs: number;
}

/** One sample of the primary's WAL position: everything committed by `at` is at or before `lsn`. */
export interface WalSample {
  at: number;
  lsn: bigint;
}

/** A pg_lsn as text ("16/B374D848") as a number of bytes. */
export function lsnBytes(lsn: string): bigint {
  const [high, low] = lsn.split("/");
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

const REPLICA_STATUS = `SELECT pg_is_in_recovery() AS standby,
  pg_last_wal_replay_lsn()::text AS replayed,
  pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() AS "replayedAll",
  EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) * 1000 AS "sinceReplayMs"`;

export interface ReplicaStatus {
  standby: boolean;
  replayed: string | null;
  replayedAll: boolean | null;
  sinceReplayMs: number | null;
}

export class ReplicaSet {
  readonly replicas: Replica[];
  private readonly samples: WalSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private next = 0;
  private checking: Promise<void> | undefined;

  constructor(
    private readonly primary: pg.Pool,
    urls: readonly string[],
    private readonly options: ReplicaOptions,
    adapters: SqlDriverAdapter[],
  ) {
    this.replicas = urls.map((url, index) => ({
      name: `replica ${index + 1}`,
      adapter: adapters[index],
      rows: new ReadPool(url, options),
      state: { name: `replica ${index + 1}`, role: "replica", location: redactUrl(url), state: "down", lagSeconds: null, reason: "not checked yet" },
    }));
  }

  static async open(primary: pg.Pool, urls: readonly string[], options: ReplicaOptions): Promise<ReplicaSet> {
    const adapters = await Promise.all(urls.map((url) => postgresAdapter(url, options).connect()));
    const set = new ReplicaSet(primary, urls, options, adapters);
    await set.check();
    set.timer = setInterval(() => void set.check(), options.checkIntervalMs).unref();
    return set;
  }

  /** A replica fit to serve a read now (in turn, when several are), or undefined: read on the primary. */
  pick(): Replica | undefined {
    const fit = this.replicas.filter((replica) => replica.state.state === "up");
    if (fit.length === 0) return undefined;
    this.next = (this.next + 1) % fit.length;
    return fit[this.next];
  }

  /** A read on the replica failed for a reason of the connection: skip it until a check finds it back. */
  markDown(replica: Replica, error: unknown): void {
    replica.state = { ...replica.state, state: "down", lagSeconds: null, reason: firstLine(error) };
  }

  /** Measures every replica once; concurrent calls share the run under way. */
  check(): Promise<void> {
    this.checking ??= this.checkAll().finally(() => (this.checking = undefined));
    return this.checking;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
    for (const replica of this.replicas) {
      await replica.adapter.dispose();
      await replica.rows.end();
    }
  }

  private async checkAll(): Promise<void> {
    await this.samplePrimary();
    await Promise.all(this.replicas.map((replica) => this.checkOne(replica)));
  }

  private async samplePrimary(): Promise<void> {
    try {
      const { rows } = await withDeadline(this.primary.query<{ lsn: string }>("SELECT pg_current_wal_flush_lsn()::text AS lsn"), this.options.busyTimeoutMs);
      this.samples.push({ at: Date.now(), lsn: lsnBytes(rows[0].lsn) });
      // Samples older than the bound serve no decision: a replica behind them is skipped anyway.
      const horizon = Date.now() - this.options.maxLagMs - 2 * this.options.checkIntervalMs;
      while (this.samples.length > 2 && this.samples[0].at < horizon) this.samples.shift();
    } catch {
      // The primary's own state is /ready's business; lag is then judged on the replica alone.
    }
  }

  private async checkOne(replica: Replica): Promise<void> {
    try {
      const { rows } = await withDeadline(replica.rows.pool.query<ReplicaStatus>(REPLICA_STATUS), this.options.busyTimeoutMs);
      const lagMs = replicaLagMs(rows[0], this.samples, this.options.maxLagMs);
      const lagging = lagMs > this.options.maxLagMs;
      replica.state = {
        ...replica.state,
        state: lagging ? "lagging" : "up",
        lagSeconds: Number.isFinite(lagMs) ? lagMs / 1000 : null,
        reason: lagging ? `more than ${this.options.maxLagMs} ms behind the primary` : undefined,
      };
    } catch (error) {
      this.markDown(replica, error);
    }
  }
}

/**
 * How far a replica is behind, in milliseconds. A server that is no standby (a copy kept by
 * other means) is taken as current. Otherwise the replica holds everything the primary had
 * written at the newest sample whose position it has replayed: it is at most that old (0 when
 * that is the sample just taken). Without samples (primary unreachable), a replica that has
 * replayed all it received counts as current, else the age of the last transaction it replayed
 * is the lag (on an idle primary that age grows without any real lag, hence the positions first).
 */
export function replicaLagMs(status: ReplicaStatus, samples: readonly WalSample[], maxLagMs: number, now = Date.now()): number {
  if (!status.standby) return 0;
  if (status.replayed !== null && samples.length > 0) {
    const replayed = lsnBytes(status.replayed);
    const covered = [...samples].reverse().find((sample) => sample.lsn <= replayed);
    if (covered && covered === samples.at(-1)) return 0;
    if (covered) return now - covered.at;
    // Behind every sample kept: at least as old as the oldest one.
    const oldest = now - samples[0].at;
    if (oldest > maxLagMs) return oldest;
  }
  if (status.replayedAll) return 0;
  return status.sinceReplayMs ?? Number.POSITIVE_INFINITY;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).trim().split("\n")[0];
}

async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
