import pg from "pg";
import PgBoss from "pg-boss";
import { getPrisma, type PrismaClient } from "@/lib/db/client";
import { deleteExpiredSessions } from "@/lib/auth/session-store";
import { refreshAccessFromPolicyFile } from "@/lib/auth/reapply-policy";
import { refreshGroupsFromConfig } from "@/lib/auth/refresh-groups";
import { loadGroupPolicy } from "@/lib/auth/sign-in-config";
import { refreshChangeRequest, refreshOpenChanges } from "@/lib/changes/refresh-change";
import { refreshWatchedGates } from "@/lib/changes/merge-gates";
import { pruneExpiredDeliveries } from "@/lib/webhooks/deliveries";
import { refreshRepositoryChanges } from "@/lib/changes/poll-changes";
import { startLiveFollowers, stopLiveFollowers } from "@/lib/live/worker";
import { refreshRepositoryHistory } from "./history-job";
import { onRepositorySynced, syncAllRepositories, syncRepositoryNow } from "./sync-now";
import { jobTimeoutSeconds, maintenanceIntervalSeconds } from "./job-expiry";
import { nextLockedFollowUp, type RepositorySyncJob } from "./locked-follow-up";
import { syncCron } from "./sync-schedule";
import { errorMessage, log } from "@/lib/observability/log";
import { withLogContext } from "@/lib/observability/log-context";

// Background work runs on pg-boss, a job queue kept in the same Postgres: with several portal
// processes on one database each job runs once, and the advisory lock inside syncRepository keeps
// two syncs of one repository from overlapping whatever triggered them (schedule, Refresh, webhook).
export const SYNC_ALL = "ferry-sync-all";
export const SYNC_ONE = "ferry-sync-repository";
export const REFRESH_CHANGE = "ferry-refresh-change";
export const PRUNE = "ferry-prune";
/** Reads the cells' history of one repository (old commits, CPU-heavy): after a sync, off its path. */
export const CELL_HISTORY = "ferry-cell-history";
/** A history run that spent its budget asks for the next one this much later (seconds). */
const HISTORY_CONTINUE_AFTER_S = 2;
/** Hourly, off the full hour (when SYNC_ALL also runs). Like every pg-boss schedule, one process sends it. */
export const PRUNE_CRON = "7 * * * *";
/** Re-applies the group policy file to everyone who signed in with an identity provider. */
export const POLICY_REFRESH = "ferry-policy-refresh";
export const POLICY_REFRESH_CRON = "*/5 * * * *";

let boss: Promise<PgBoss> | undefined;
let working = false;
let stopFollowingSyncs: (() => void) | undefined;

/** Advisory-lock namespace of the job queue's set-up ("FRJQ"). */
export const QUEUE_SETUP_LOCK_NAMESPACE = 0x46524a51 & 0x7fffffff;
/**
 * How long a starting process waits for another one's set-up before it fails (and its start is retried).
 * The worker's startupProbe in deploy/ gives the first start more than this (scripts/helm-chart.test.ts).
 */
export const QUEUE_SETUP_WAIT_SECONDS = 60;

/**
 * Runs `setUp` holding a session advisory lock on a connection of its own, so processes that start
 * together (a rollout of several replicas, two workers on a fresh database) set pg-boss up one after
 * the other. Side by side, two create_queue calls for the same new queue deadlock in PostgreSQL (each
 * holds its queue row and waits for the other's lock on the queue table); the process that lost ran
 * on without a job worker, and a job of a worker killed later waited in `retry` with nobody to take it.
 */
async function oneSetUpAtATime<T>(connectionString: string, setUp: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`SET lock_timeout = '${QUEUE_SETUP_WAIT_SECONDS}s'`);
    await client.query("SELECT pg_advisory_lock($1::int, 0)", [QUEUE_SETUP_LOCK_NAMESPACE]);
    return await setUp();
  } finally {
    // Ending the session releases the lock, also when the set-up failed.
    await client.end().catch(() => undefined);
  }
}

/** The queue client of this process; started on first use, also in processes that run no worker. */
function queue(connectionString = process.env.DATABASE_URL): Promise<PgBoss> {
  if (!connectionString) return Promise.reject(new Error("DATABASE_URL is not set: the job queue needs the database."));
  boss ??= openJobQueue(connectionString).catch((error: unknown) => {
    boss = undefined;
    throw error;
  });
  return boss;
}

/** A started pg-boss client with Ferry's queues created and configured (one per process: see queue()). */
export function openJobQueue(connectionString: string): Promise<PgBoss> {
  return oneSetUpAtATime(connectionString, async () => {
    const expireInSeconds = jobTimeoutSeconds();
    const instance = new PgBoss({ connectionString, application_name: "ferry-jobs", max: 3, maintenanceIntervalSeconds: maintenanceIntervalSeconds(expireInSeconds) });
    instance.on("error", (error: unknown) => log("error", "job queue error", { error: errorMessage(error) }));
    await instance.start();
    try {
      await createQueues(instance, expireInSeconds);
    } catch (error) {
      // Not left running (maintenance, clock) beside the instance of the next attempt.
      await instance.stop({ graceful: false, wait: true }).catch(() => undefined);
      throw error;
    }
    return instance;
  });
}

async function createQueues(instance: PgBoss, expireInSeconds: number): Promise<void> {
  const queues: PgBoss.Queue[] = [
    { name: SYNC_ALL, policy: "singleton" },
    { name: SYNC_ONE, policy: "stately" },
    { name: REFRESH_CHANGE, retryLimit: 5, retryDelay: 5, retryBackoff: true },
    { name: PRUNE, policy: "singleton" },
    { name: POLICY_REFRESH, policy: "singleton" },
    // Stately: one run per repository at a time, and a sync during a run queues exactly one more.
    { name: CELL_HISTORY, policy: "stately" },
  ];
  for (const options of queues) {
    const withExpiry = { ...options, expireInSeconds };
    await instance.createQueue(options.name, withExpiry);
    // createQueue leaves an existing queue as it is: a database made by an older version gets the expiry too.
    await instance.updateQueue(options.name, withExpiry);
  }
}

/** Starts this process's job workers; when that fails part-way, nothing of it is left running, so it can be tried again. */
export async function startSyncWorker(connectionString: string): Promise<void> {
  if (working) return;
  working = true;
  try {
    await startWorkers(connectionString);
  } catch (error) {
    await stopSyncWorker().catch(() => undefined);
    throw error;
  }
}

async function startWorkers(connectionString: string): Promise<void> {
  const instance = await queue(connectionString);
  await work(instance, SYNC_ALL, async () => {
    const prisma = getPrisma();
    // Change requests first: a merge found here is then picked up by the sync right after.
    await refreshOpenChanges(prisma);
    const results = await syncAllRepositories(prisma);
    for (const r of results) if (r.status === "error") log("warn", "sync failed", { repository: r.repository, error: r.error });
    // Also repositories another process synced (a web replica's Refresh) or whose last run ran out of budget.
    for (const r of results) if (r.status === "synced" || r.status === "unchanged") await enqueueCellHistory(r.repository);
  });
  await work<RepositorySyncJob>(instance, SYNC_ONE, async ([job]) => {
    if (!job) return;
    const result = await syncRepositoryNow(getPrisma(), job.data.repository);
    if (result.status !== "locked") return;
    // The sync holding the lock may have read the branch before the push this job is for: ask again.
    const next = nextLockedFollowUp(job.data);
    if (!next) return log("info", "repository sync still locked; the sync holding the lock started after this request", { repository: job.data.repository });
    // Stately queue, singleton key: a request already waiting stands for this one too (sendAfter answers null).
    await instance.sendAfter(SYNC_ONE, next.data, { singletonKey: job.data.repository }, next.afterSeconds);
  });
  await work<{ repository: string; number: number }>(instance, REFRESH_CHANGE, async ([job]) => {
    if (!job) return;
    const refreshed = await refreshChangeRequest(getPrisma(), job.data.repository, job.data.number);
    if (refreshed?.newlyMerged) await enqueueRepositorySync(job.data.repository);
    // Reviews, checks and pipelines moved: the merge gates too (only of changes whose page was viewed).
    await refreshWatchedGates(getPrisma(), job.data.repository, job.data.number).catch((error: unknown) =>
      log("warn", "merge gates could not be read", { repository: job.data.repository, change: job.data.number, error: errorMessage(error) }),
    );
  });
  await work<{ repository: string }>(instance, CELL_HISTORY, async ([job]) => {
    if (!job) return;
    const name = job.data.repository;
    try {
      const done = await refreshRepositoryHistory(getPrisma(), name);
      if (done?.pending) await enqueueCellHistory(name, HISTORY_CONTINUE_AFTER_S);
    } catch (error) {
      // A cache beside the model: the next sync asks again; retrying a broken read at once would not help.
      log("warn", "cell history could not be read", { repository: name, error: errorMessage(error).split("\n")[0] });
    }
  });
  stopFollowingSyncs = onRepositorySynced((result) => {
    enqueueCellHistory(result.repository).catch((error: unknown) => log("warn", "could not queue the cells' history", { repository: result.repository, error: errorMessage(error) }));
    // The base moved: an open change may conflict now (a push webhook must not wait for the next poll).
    refreshRepositoryChanges(getPrisma(), result.repository).catch((error: unknown) => log("warn", "could not re-read the open changes", { repository: result.repository, error: errorMessage(error) }));
  });
  // Syncs that ran before this worker (the launcher's start-up sync) have their history read now.
  const active = await getPrisma().repository.findMany({ where: { archivedAt: null }, select: { name: true } });
  for (const repo of active) await enqueueCellHistory(repo.name);
  await work(instance, PRUNE, async () => {
    await pruneExpiredRows(getPrisma());
  });
  await instance.schedule(SYNC_ALL, syncCron(), {});
  await instance.schedule(PRUNE, PRUNE_CRON, {});
  await work(instance, POLICY_REFRESH, async () => {
    await refreshAccessFromPolicyFile(getPrisma(), () => loadGroupPolicy(), () => refreshGroupsFromConfig(getPrisma()));
  });
  await instance.schedule(POLICY_REFRESH, POLICY_REFRESH_CRON, {});
  // Live state (Argo CD) is followed by the same workers; a wrong liveSources entry must not stop syncing.
  await startLiveFollowers(instance, connectionString).catch((error: unknown) => log("error", "could not start following live-state sources", { error: errorMessage(error) }));
}

/** instance.work, with the queue and the job's id on every line its handler logs. */
function work<T extends object = object>(instance: PgBoss, name: string, handler: (jobs: PgBoss.Job<T>[]) => Promise<void>): Promise<string> {
  return instance.work<T>(name, (jobs) => withLogContext({ queue: name, job_id: jobs.map((job) => job.id).join(",") }, () => handler(jobs)));
}

/**
 * The PRUNE job: webhook delivery ids past their retention (see DELIVERY_RETENTION_MS) and expired
 * sessions. Revoked API tokens are kept: the audit log refers to them.
 */
export async function pruneExpiredRows(prisma: PrismaClient, now: Date = new Date()): Promise<{ deliveries: number; sessions: number }> {
  const deliveries = await pruneExpiredDeliveries(prisma, now);
  const sessions = await deleteExpiredSessions(prisma, now);
  return { deliveries, sessions };
}

/**
 * Queues a sync of one repository (webhooks, merges); repeated requests collapse into one job. One that
 * finds another sync holding the repository's lock runs again after it (see locked-follow-up.ts).
 */
export async function enqueueRepositorySync(repository: string): Promise<void> {
  const job: RepositorySyncJob = { repository };
  await (await queue()).send(SYNC_ONE, job, { singletonKey: repository });
}

/** Queues a read of one repository's cells' history; repeated requests collapse into one job. */
export async function enqueueCellHistory(repository: string, startAfterSeconds?: number): Promise<void> {
  await (await queue()).send(CELL_HISTORY, { repository }, { singletonKey: repository, ...(startAfterSeconds ? { startAfter: startAfterSeconds } : {}) });
}

/** Queues a refresh of one change request's state from its forge (pull/merge request webhooks). */
export async function enqueueChangeRefresh(repository: string, number: number): Promise<void> {
  await (await queue()).send(REFRESH_CHANGE, { repository, number });
}

export async function stopSyncWorker(): Promise<void> {
  stopLiveFollowers();
  stopFollowingSyncs?.();
  stopFollowingSyncs = undefined;
  const instance = await boss?.catch(() => undefined);
  boss = undefined;
  working = false;
  await instance?.stop({ graceful: true, timeout: 5_000 });
}
