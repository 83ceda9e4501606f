import { getPrisma } from "@/lib/db/client";
import { DATABASE_RETRY_AFTER_SECONDS, databaseErrorSummary } from "@/lib/db/unavailable";
import { checkReadiness, type Readiness } from "@/lib/db/readiness";
import { readSupervisorState } from "@/lib/db/supervisor-state";
import { jobWorkerState, jobWorkerUnreadyReason } from "@/lib/sync/job-worker-state";

export const dynamic = "force-dynamic";

/**
 * Readiness: the database answers, every migration of this build is applied, and in a process that runs
 * the job worker (FERRY_SYNC_WORKER not off) that worker has started. Public, like /api/health.
 */
export async function GET() {
  let result: Readiness;
  try {
    result = await checkReadiness(getPrisma());
  } catch (error) {
    // An unexpected database error (permissions, a broken bookkeeping table): not ready, and say why.
    result = { ready: false, reason: databaseErrorSummary(error) };
  }
  if (result.ready) {
    const worker = jobWorkerState();
    const workerReason = jobWorkerUnreadyReason(worker);
    if (!workerReason) return Response.json({ status: "ready", migrations: result.migrations, ...(worker ? { jobWorker: worker.state } : {}) });
    // A worker replica whose queue never started would take no job (its start is retried in the background).
    return Response.json({ status: "unready", reason: workerReason, jobWorker: worker!.state }, { status: 503, headers: { "retry-after": String(DATABASE_RETRY_AFTER_SECONDS) } });
  }
  const restarting = await embeddedRestart();
  return Response.json(
    { status: restarting ? "restarting" : "unready", reason: restarting ?? result.reason, ...(result.pending ? { pending: result.pending } : {}) },
    { status: 503, headers: { "retry-after": String(DATABASE_RETRY_AFTER_SECONDS) } },
  );
}

/** While the launcher restarts the embedded database, say so (it comes back by itself). */
async function embeddedRestart(): Promise<string | null> {
  if (process.env.FERRY_DB_MODE !== "embedded") return null;
  const state = await readSupervisorState();
  if (state?.state !== "restarting") return null;
  return `the embedded database stopped and is being restarted (attempt ${state.attempt} since ${state.since}${state.lastError ? `; last error: ${state.lastError}` : ""})`;
}
