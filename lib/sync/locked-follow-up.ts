import { SYNC_TIMEOUT_MS } from "./sync-repository";

// A sync asked for because the branch moved (a push webhook, a merge) that finds another sync holding the
// repository's lock may have come too late for that one: the holder may have read the branch head
// before the push. So the job asks for itself again, a little later, until it gets the lock: any sync
// that starts after the push reads it. Past the longest a sync can hold the lock, whoever holds it
// started after the push, and no follow-up is needed.

/** The repository-sync job's data; a follow-up carries when the lock was first found held. */
export interface RepositorySyncJob {
  repository: string;
  lockedSince?: string;
  followUp?: number;
}

/** Seconds before follow-up `n` (1-based): 1, 2, 4, 8, then every 15 s. */
export function lockedFollowUpSeconds(n: number): number {
  return Math.min(15, 2 ** Math.max(0, n - 1));
}

/** The next follow-up of a job whose sync found the lock held (`now`), or null once no holder can be older than the push. */
export function nextLockedFollowUp(job: RepositorySyncJob, now: Date = new Date()): { data: RepositorySyncJob; afterSeconds: number } | null {
  const lockedSince = job.lockedSince ?? now.toISOString();
  const followUp = (job.followUp ?? 0) + 1;
  const afterSeconds = lockedFollowUpSeconds(followUp);
  if (now.getTime() + afterSeconds * 1000 - Date.parse(lockedSince) > SYNC_TIMEOUT_MS) return null;
  return { data: { repository: job.repository, lockedSince, followUp }, afterSeconds };
}
