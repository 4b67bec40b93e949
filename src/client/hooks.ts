// Process hooks of a tracked run: an uncaught exception finishes it ERRORED, a terminating
// signal ABORTED, and then the process ends as it would have without the hooks (exit code 1,
// or death by the same signal).
export type FinalStatus = "COMPLETED" | "ERRORED" | "ABORTED";

const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** Installs the hooks; the returned function removes them (call it once the run is finished). */
export function finishOnExit(finish: (status: FinalStatus) => Promise<unknown>): () => void {
  const onException = (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    remove();
    void finish("ERRORED")
      .catch((finishError: unknown) => process.stderr.write(`could not finish the run: ${(finishError as Error).message}\n`))
      .finally(() => process.exit(1));
  };
  const onSignal = (signal: NodeJS.Signals) => {
    remove();
    void finish("ABORTED")
      .catch((finishError: unknown) => process.stderr.write(`could not finish the run: ${(finishError as Error).message}\n`))
      .finally(() => process.kill(process.pid, signal));
  };
  function remove() {
    process.off("uncaughtException", onException);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  }
  process.on("uncaughtException", onException);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return remove;
}
