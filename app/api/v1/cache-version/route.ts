import { getApiActor, withDatabaseErrors } from "@/lib/actions/http";
import { authorize } from "@/lib/auth/policy";
import { getPrisma } from "@/lib/db/client";
import { cacheVersion } from "@/lib/data/cache-version";

export const dynamic = "force-dynamic";

/** GET /api/v1/cache-version — a stamp of the cached repositories and change requests; the matrix polls it and re-renders when it moves. */
export const GET = withDatabaseErrors(async (request: Request) => {
  const prisma = getPrisma();
  const actor = await getApiActor(request, prisma);
  const decision = authorize(actor, "repository.read");
  if (!decision.allowed) return Response.json({ ok: false, error: decision.reason }, { status: actor ? 403 : 401 });
  return Response.json({ ok: true, data: { version: await cacheVersion(prisma) } });
});
