// How far a read replica is behind (src/db/replicas.ts): measured by WAL positions against
// samples of the primary's, so an idle primary — whose last replayed transaction only grows
// older — never makes a caught-up replica look late.
import { describe, expect, it } from "vitest";
import { lsnBytes, replicaLagMs, type ReplicaStatus } from "../../src/db/replicas.ts";

const NOW = 1_000_000;
const status = (replayed: string | null, more: Partial<ReplicaStatus> = {}): ReplicaStatus => ({
  standby: true,
  replayed,
  replayedAll: false,
  sinceReplayMs: 600_000,
  ...more,
});
const samples = [
  { at: NOW - 3_000, lsn: lsnBytes("0/3000000") },
  { at: NOW - 2_000, lsn: lsnBytes("0/3000000") },
  { at: NOW - 1_000, lsn: lsnBytes("0/5000000") },
  { at: NOW - 10, lsn: lsnBytes("1/0") },
];

describe("replica lag", () => {
  it("reads pg_lsn text as bytes", () => {
    expect(lsnBytes("0/0")).toBe(0n);
    expect(lsnBytes("16/B374D848")).toBe(0x16b374d848n);
    expect(lsnBytes("1/0") > lsnBytes("0/FFFFFFFF")).toBe(true);
  });

  it("is 0 for a replica that has replayed the primary's newest position, however old its last transaction", () => {
    expect(replicaLagMs(status("1/0"), samples, 10_000, NOW)).toBe(0);
    expect(replicaLagMs(status("1/10"), samples, 10_000, NOW)).toBe(0);
  });

  it("is the age of the newest primary position the replica has replayed", () => {
    expect(replicaLagMs(status("0/5000000"), samples, 10_000, NOW)).toBe(1_000);
    expect(replicaLagMs(status("0/4000000"), samples, 10_000, NOW)).toBe(2_000);
  });

  it("is at least the age of the oldest sample when the replica is behind them all", () => {
    expect(replicaLagMs(status("0/1000000"), samples, 2_500, NOW)).toBe(3_000);
  });

  it("without samples: 0 once all received WAL is replayed, else the age of the last replayed transaction", () => {
    expect(replicaLagMs(status("0/1", { replayedAll: true }), [], 10_000, NOW)).toBe(0);
    expect(replicaLagMs(status("0/1", { sinceReplayMs: 4_200 }), [], 10_000, NOW)).toBe(4_200);
    expect(replicaLagMs(status(null, { sinceReplayMs: null }), [], 10_000, NOW)).toBe(Number.POSITIVE_INFINITY);
  });

  it("is 0 for a server that is no standby", () => {
    expect(replicaLagMs(status(null, { standby: false, sinceReplayMs: null }), samples, 10_000, NOW)).toBe(0);
  });
});
