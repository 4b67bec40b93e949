// What `track` keeps besides the command's outputs: the last megabyte of its output (the run's
// report) and the environment it ran in (node, OS, pip freeze, npm ls), written to the local
// log folder and registered as artifacts of that storage.
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** The run's report keeps this much of the command's output: its end. */
export const REPORT_BYTES = 1024 * 1024;

/** The last REPORT_BYTES of everything pushed, in order. */
export class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    // Drop whole chunks from the front while the rest still holds a full report.
    while (this.chunks.length > 1 && this.size - this.chunks[0].length >= REPORT_BYTES) {
      this.size -= this.chunks[0].length;
      this.chunks.shift();
    }
  }

  bytes(): Buffer {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - REPORT_BYTES));
  }
}

/** A tool's output, or null when it is missing, fails or takes longer than 20 s. */
function toolOutput(command: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 20_000, maxBuffer: 16 * 1024 * 1024, windowsHide: true }, (error, stdout) => {
      // npm ls exits 1 on extraneous or missing packages but still lists them.
      resolve(error && !stdout ? null : stdout.trim());
    });
  });
}

export async function captureEnvironment(): Promise<string> {
  const [pip, npm] = await Promise.all([toolOutput("pip", ["freeze"]), toolOutput("npm", ["ls", "--depth=0"])]);
  const sections = [
    `node ${process.version}`,
    `os ${os.type()} ${os.release()} ${os.arch()}`,
    pip != null ? `\n# pip freeze\n${pip}` : null,
    npm != null ? `\n# npm ls --depth=0\n${npm}` : null,
  ];
  return `${sections.filter((s) => s != null).join("\n")}\n`;
}

/** Where reports and environments are written: --log-dir, LINEAGE_LOG_DIR, or the user's data folder. */
export function logDir(option: string | undefined): string {
  const base = option ?? process.env.LINEAGE_LOG_DIR ?? path.join(process.env.XDG_DATA_HOME || path.join(os.homedir(), ".local", "share"), "lineage-registry");
  return path.resolve(base);
}

/** Writes a file below the log folder; returns its path. */
export function writeLogFile(root: string, key: string, content: string | Buffer): string {
  const target = path.join(root, ...key.split("/"));
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, content);
  return target;
}
