import { errorMessage, log } from "@/lib/observability/log";
import { describeStartError, setJobWorkerState } from "./job-worker-state";
import { startSyncWorker, stopSyncWorker } from "./worker";

/** Waits between attempts to start the worker: 1, 2, 4… seconds, then every 30 s. */
export function startRetrySeconds(attempt: number): number {
  return Math.min(30, 2 ** Math.max(0, attempt - 1));
}

/**
 * Starts this server process's share of background work; stops it with the process. A failed start
 * (the database down or still starting, a lock it waited for too long) is tried again in the
 * background until it succeeds: a worker process that gave up after one error would serve on
 * without ever taking a job, and the jobs of another worker that died would wait for nobody.
 * Until it has started, /api/health/ready answers 503 with the reason (see job-worker-state.ts).
 * Returns what stops it (the process's SIGTERM and SIGINT do the same).
 */
export async function startBackgroundWork(connectionString: string): Promise<() => Promise<void>> {
  let stopping = false;
  let retry: NodeJS.Timeout | undefined;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearTimeout(retry);
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
    setJobWorkerState({ state: "stopping" });
    await stopSyncWorker();
  };
  const onSignal = () => void stop();
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  let lastError: string | undefined;
  const attempt = async (n: number): Promise<void> => {
    setJobWorkerState({ state: "starting", attempt: n, ...(lastError ? { lastError } : {}) });
    try {
      await startSyncWorker(connectionString);
      if (stopping) return void (await stopSyncWorker());
      setJobWorkerState({ state: "started", attempt: n });
      log("info", "sync worker started", { attempt: n });
    } catch (error) {
      if (stopping) return;
      const seconds = startRetrySeconds(n);
      lastError = describeStartError(error);
      setJobWorkerState({ state: "retrying", attempt: n, error: lastError, retryInSeconds: seconds });
      // The portal still serves the cache meanwhile; only background refresh waits.
      log("error", "could not start the sync worker; trying again", { attempt: n, retry_in_seconds: seconds, error: errorMessage(error) });
      retry = setTimeout(() => void attempt(n + 1), seconds * 1000);
      retry.unref();
    }
  };
  // The first attempt is awaited (the worker runs before the first request); later ones are not.
  await attempt(1);
  return stop;
}
