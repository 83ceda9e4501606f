import { getPrisma } from "@/lib/db/client";
import { DATABASE_RETRY_AFTER_SECONDS, databaseErrorSummary } from "@/lib/db/unavailable";
import { checkReadiness, type Readiness } from "@/lib/db/readiness";
import { readSupervisorState } from "@/lib/db/supervisor-state";

export const dynamic = "force-dynamic";

/** Readiness: the database answers and every migration of this build is applied. Public, like /api/health. */
export async function GET() {
  let result: Readiness;
  try {
    result = await checkReadiness(getPrisma());
  } catch (error) {
    // An unexpected database error (permissions, a broken bookkeeping table): not ready, and say why.
    result = { ready: false, reason: databaseErrorSummary(error) };
  }
  if (result.ready) return Response.json({ status: "ready", migrations: result.migrations });
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
