import { getPrisma } from "@/lib/db/client";
import { DATABASE_RETRY_AFTER_SECONDS, databaseErrorSummary } from "@/lib/db/unavailable";
import { checkReadiness, type Readiness } from "@/lib/db/readiness";

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
  return Response.json(
    { status: "unready", reason: result.reason, ...(result.pending ? { pending: result.pending } : {}) },
    { status: 503, headers: { "retry-after": String(DATABASE_RETRY_AFTER_SECONDS) } },
  );
}
