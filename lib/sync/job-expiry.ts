// How long a background job may stay "active" before pg-boss takes it back. pg-boss has no heartbeat:
// a process killed mid-job (SIGKILL, OOM, a node drained without grace) leaves its job active until it
// expires, and meanwhile the singleton and stately queues (the periodic sync, each repository's sync)
// start nothing else. pg-boss's own default is 15 minutes, found by its maintenance every 2 minutes:
// one lost worker stopped every periodic sync for up to 17 minutes. A job that really runs longer is
// only started a second time, which the per-repository advisory lock (sync-repository.ts) turns into a
// "locked" no-op while the first run still holds it.

const DEFAULT_SECONDS = 300;
/** pg-boss refuses maintenance intervals under a second; more often than every 30 s buys nothing. */
const MAX_MAINTENANCE_SECONDS = 30;

/** FERRY_JOB_TIMEOUT_SECONDS (default 300): how long a job may run before another worker takes it over. */
export function jobTimeoutSeconds(env: Record<string, string | undefined> = process.env): number {
  const raw = env.FERRY_JOB_TIMEOUT_SECONDS?.trim();
  const seconds = raw ? Math.round(Number(raw)) : NaN;
  return Number.isFinite(seconds) && seconds >= 1 ? seconds : DEFAULT_SECONDS;
}

/** How often pg-boss looks for expired jobs: a few times per timeout, so a lost job waits little beyond it. */
export function maintenanceIntervalSeconds(timeoutSeconds: number): number {
  return Math.max(1, Math.min(MAX_MAINTENANCE_SECONDS, Math.floor(timeoutSeconds / 4)));
}
