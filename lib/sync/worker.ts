import PgBoss from "pg-boss";
import { getPrisma } from "@/lib/db/client";
import { syncAllRepositories, syncRepositoryNow } from "./sync-now";

// Background sync runs on pg-boss, a job queue kept in the same Postgres: with several portal
// processes on one database each job runs once, and the advisory lock inside syncRepository keeps
// two syncs of one repository from overlapping whatever triggered them (schedule, Refresh, webhook).
export const SYNC_ALL = "ferry-sync-all";
export const SYNC_ONE = "ferry-sync-repository";

let boss: PgBoss | undefined;

/** Minutes between periodic syncs (cron has minute granularity). */
export function syncIntervalMinutes(env: Record<string, string | undefined> = process.env): number {
  const seconds = Number(env.FERRY_SYNC_INTERVAL_SECONDS ?? 120);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(59, Math.max(1, Math.round(seconds / 60))) : 2;
}

export async function startSyncWorker(connectionString: string): Promise<PgBoss> {
  if (boss) return boss;
  const instance = new PgBoss({ connectionString, application_name: "ferry-sync", max: 3 });
  instance.on("error", (error) => console.error("[sync] job queue error:", error instanceof Error ? error.message : error));
  await instance.start();
  await instance.createQueue(SYNC_ALL, { name: SYNC_ALL, policy: "singleton" });
  await instance.createQueue(SYNC_ONE, { name: SYNC_ONE, policy: "stately" });

  await instance.work(SYNC_ALL, async () => {
    const results = await syncAllRepositories(getPrisma());
    for (const r of results) if (r.status === "error") console.warn(`[sync] ${r.repository}: ${r.error}`);
  });
  await instance.work<{ repository: string }>(SYNC_ONE, async ([job]) => {
    if (job) await syncRepositoryNow(getPrisma(), job.data.repository);
  });
  await instance.schedule(SYNC_ALL, `*/${syncIntervalMinutes()} * * * *`, {});
  boss = instance;
  return instance;
}

/** Queues a sync of one repository (used by webhooks); repeated requests collapse into one job. */
export async function enqueueRepositorySync(repository: string): Promise<void> {
  if (!boss) throw new Error("The sync worker is not running in this process.");
  await boss.send(SYNC_ONE, { repository }, { singletonKey: repository });
}

export async function stopSyncWorker(): Promise<void> {
  await boss?.stop({ graceful: true, timeout: 5_000 });
  boss = undefined;
}
