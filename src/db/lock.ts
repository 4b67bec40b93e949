// One server per SQLite data dir: an exclusive SQLite lock on <data-dir>/server.lock, held for
// the life of the process. The operating system drops it when the process ends, however it
// ends (SIGKILL included), so a crash never leaves a stale lock behind.
import { closeSync, mkdirSync, openSync, readSync } from "node:fs";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";

export const LOCK_FILE = "server.lock";

export class DataDirLockedError extends Error {}

export interface DataDirLock {
  file: string;
  release(): void;
}

/**
 * Takes the data dir's lock or throws DataDirLockedError naming the dir and, when known, the
 * pid of the process holding it. Only the server takes it: the CLI and other tools open the
 * database as usual while a server runs.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const dir = path.resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  const db = new BetterSqlite3(file, { timeout: 0 });
  try {
    // In EXCLUSIVE locking mode a connection keeps the exclusive lock its first write takes
    // until it closes. The write records our pid in the file header (user_version).
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE");
    db.pragma(`user_version = ${process.pid}`);
    db.exec("COMMIT");
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === "SQLITE_BUSY") {
      const pid = holderPid(file);
      throw new DataDirLockedError(
        `the data dir ${dir} is in use by another lineage-registry server${pid ? ` (pid ${pid})` : ""}; stop it or start with another --data-dir`,
      );
    }
    throw error;
  }
  return { file, release: () => db.close() };
}

// The holder's pid is the database's user_version, bytes 60–63 of the file header (big-endian).
// The file can be read while another process holds the lock: SQLite's locks are advisory.
function holderPid(file: string): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const header = Buffer.alloc(4);
    if (readSync(fd, header, 0, 4, 60) !== 4) return undefined;
    return header.readUInt32BE(0) || undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
