// A private PostgreSQL server for the fault specs: initdb in a temporary folder, a free port on
// 127.0.0.1, owned by the postgres OS user (initdb refuses root). The specs stop and start only
// the servers they made. A streaming replica of one is made with pg_basebackup -R.
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export const POSTGRES_BIN = "/usr/lib/postgresql/15/bin";

/** The server programs a spec needs that this machine lacks (empty when all are there). */
export function missingPostgresPrograms(...names: string[]): string[] {
  return names.filter((name) => !existsSync(path.join(POSTGRES_BIN, name)));
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

export class ThrowawayPostgres {
  readonly dir = mkdtempSync(path.join(tmpdir(), "lr-pg-"));
  readonly data = path.join(this.dir, "data");

  /** A new cluster (initdb), or, with `replicaOf`, a streaming standby of that running server. */
  constructor(
    readonly port: number,
    replicaOf?: ThrowawayPostgres,
  ) {
    chmodSync(this.dir, 0o755);
    chownSync(this.dir, Number(execFileSync("id", ["-u", "postgres"]).toString()), Number(execFileSync("id", ["-g", "postgres"]).toString()));
    if (replicaOf) {
      // -R writes standby.signal and primary_conninfo: the copy starts as a streaming replica.
      this.asPostgres(`${POSTGRES_BIN}/pg_basebackup`, [
        "-h",
        "127.0.0.1",
        "-p",
        String(replicaOf.port),
        "-U",
        "postgres",
        "-D",
        this.data,
        "-R",
        "-X",
        "stream",
        "--no-sync",
      ]);
    } else {
      this.asPostgres(`${POSTGRES_BIN}/initdb`, ["-D", this.data, "-U", "postgres", "-A", "trust", "--no-sync", "--no-instructions"]);
    }
  }
  get url() {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }
  start() {
    // wal_level replica and a few WAL senders (the defaults) let pg_basebackup and a standby connect.
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60 -c hot_standby_feedback=on`;
    this.asPostgres(`${POSTGRES_BIN}/pg_ctl`, ["-D", this.data, "-o", options, "-l", path.join(this.dir, "log"), "-w", "-t", "30", "start"]);
  }
  stop(mode: "fast" | "immediate" = "fast") {
    this.asPostgres(`${POSTGRES_BIN}/pg_ctl`, ["-D", this.data, "-m", mode, "-w", "-t", "30", "stop"]);
  }
  destroy() {
    try {
      this.stop("immediate");
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
  private asPostgres(command: string, args: string[]) {
    const asRoot = process.getuid?.() === 0;
    execFileSync(asRoot ? "runuser" : command, asRoot ? ["-u", "postgres", "--", command, ...args] : args, { stdio: "pipe", cwd: this.dir });
  }
}
