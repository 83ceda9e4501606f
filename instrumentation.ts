// Runs once when a Next.js server process starts. The background sync worker lives here so that
// every portal process (one or many, on one database) takes part in the job queue.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString || process.env.FERRY_SYNC_WORKER === "off") return;
  const { startSyncWorker, stopSyncWorker } = await import("./lib/sync/worker");
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
