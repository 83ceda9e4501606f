// Runs once when a Next.js server process starts. The background sync worker lives here so that
// every portal process (one or many, on one database) takes part in the job queue.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString || process.env.FERRY_SYNC_WORKER === "off") return;
  const { startBackgroundWork } = await import("./lib/sync/start-in-server");
  await startBackgroundWork(connectionString);
}
