import pg from "pg";

/** "FRLV": the first key of the session advisory lock one live-state follower holds per source. */
const LIVE_LOCK_NAMESPACE = 0x46524c56 & 0x7fffffff;

/**
 * Runs `fn` only if no other process follows `source`: a session advisory lock on its own connection,
 * released when `fn` ends or the process dies (the connection closes), so another process takes over
 * at the next attempt. Returns false, without running `fn`, when another process holds it.
 */
export async function withSourceLock(connectionString: string, source: string, fn: () => Promise<void>): Promise<boolean> {
  const client = new pg.Client({ connectionString, application_name: `ferry-live-${source}` });
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::int, hashtext($2)) AS locked", [LIVE_LOCK_NAMESPACE, source]);
    if (!rows[0]?.locked) return false;
    await fn();
    return true;
  } finally {
    // Closing the session releases the lock.
    await client.end().catch(() => {});
  }
}
