import { startSyncWorker, stopSyncWorker } from "./worker";

/** Starts this server process's share of background work; stops it with the process. */
export async function startBackgroundWork(connectionString: string): Promise<void> {
  try {
    await startSyncWorker(connectionString);
  } catch (error) {
    // The portal still serves the cache; only background refresh is missing, and health says so.
    console.error("[sync] could not start the sync worker:", error instanceof Error ? error.message : error);
    return;
  }
  const stop = () => void stopSyncWorker();
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
