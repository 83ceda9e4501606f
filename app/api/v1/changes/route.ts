import { getApiActor, withDatabaseErrors } from "@/lib/actions/http";
import { authorize } from "@/lib/auth/policy";
import { getPrisma } from "@/lib/db/client";
import { listChanges } from "@/lib/data/changes";

export const dynamic = "force-dynamic";

/** GET /api/v1/changes — change requests with their forge state, newest first (the Changes page polls it). */
export const GET = withDatabaseErrors(async (request: Request) => {
  const prisma = getPrisma();
  const actor = await getApiActor(request, prisma);
  const decision = authorize(actor, "repository.read");
  if (!decision.allowed) return Response.json({ ok: false, error: decision.reason }, { status: actor ? 403 : 401 });
  return Response.json({ ok: true, data: await listChanges(prisma) });
});
