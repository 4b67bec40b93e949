// A one-line progress bar on stderr for long hashes; silent off a TTY and for small inputs.
export interface Progress {
  advance(bytes: number): void;
  done(): void;
}

/** Shown only when the work reads more than this (about 100 MB) and stderr is a terminal. */
export const PROGRESS_THRESHOLD = 100 * 1000 * 1000;

const silent: Progress = { advance: () => undefined, done: () => undefined };

export function progressReporter(label: string, total: number, mode: "auto" | boolean): Progress {
  const show = mode === true || (mode === "auto" && total > PROGRESS_THRESHOLD && process.stderr.isTTY);
  if (!show || total <= 0) return silent;
  let seen = 0;
  let lastDrawn = -1;
  const draw = () => {
    const percent = Math.floor((seen / total) * 100);
    if (percent === lastDrawn) return;
    lastDrawn = percent;
    const width = 30;
    const filled = Math.round((percent / 100) * width);
    process.stderr.write(`\rhashing ${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${percent}%`);
  };
  return {
    advance(bytes) {
      seen += bytes;
      draw();
    },
    done() {
      if (lastDrawn >= 0) process.stderr.write("\n");
    },
  };
}
