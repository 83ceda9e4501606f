import { errorMessage, log } from "@/lib/observability/log";
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
 */
export async function startBackgroundWork(connectionString: string): Promise<void> {
  let stopping = false;
  let retry: NodeJS.Timeout | undefined;
  const stop = () => {
    stopping = true;
    clearTimeout(retry);
    void stopSyncWorker();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  const attempt = async (n: number): Promise<void> => {
    try {
      await startSyncWorker(connectionString);
      if (stopping) return void (await stopSyncWorker());
      log("info", "sync worker started", { attempt: n });
    } catch (error) {
      if (stopping) return;
      const seconds = startRetrySeconds(n);
      // The portal still serves the cache meanwhile; only background refresh waits.
      log("error", "could not start the sync worker; trying again", { attempt: n, retry_in_seconds: seconds, error: errorMessage(error) });
      retry = setTimeout(() => void attempt(n + 1), seconds * 1000);
      retry.unref();
    }
  };
  // The first attempt is awaited (the worker runs before the first request); later ones are not.
  await attempt(1);
}
