import { getApiActor, withDatabaseErrors } from "@/lib/actions/http";
import { authorize } from "@/lib/auth/policy";
import { getPrisma } from "@/lib/db/client";
import { liveStateStamp } from "@/lib/data/live-sources";

export const dynamic = "force-dynamic";

/** GET /api/v1/live — a stamp of the stored live state; the matrix polls it and re-renders when it changes. */
export const GET = withDatabaseErrors(async (request: Request) => {
  const prisma = getPrisma();
  const actor = await getApiActor(request, prisma);
  const decision = authorize(actor, "repository.read");
  if (!decision.allowed) return Response.json({ ok: false, error: decision.reason }, { status: actor ? 403 : 401 });
  return Response.json({ ok: true, data: { stamp: await liveStateStamp(prisma) } });
});
