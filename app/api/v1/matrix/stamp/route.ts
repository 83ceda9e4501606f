import { getApiActor, withDatabaseErrors } from "@/lib/actions/http";
import { authorize } from "@/lib/auth/policy";
import { getPrisma } from "@/lib/db/client";
import { cacheVersion } from "@/lib/data/cache-version";
import { getMatrixPageAt } from "@/lib/data/matrix-cache";
import { parseMatrixSearch } from "@/lib/data/matrix-query";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/matrix/stamp?<the page's filters> — a stamp of what that matrix page shows from the cache;
 * an open page polls it and re-renders when it moved. Between two moves of the cache version it is the
 * kept page's stamp: the same cost as /api/v1/cache-version.
 */
export const GET = withDatabaseErrors(async (request: Request) => {
  const prisma = getPrisma();
  const actor = await getApiActor(request, prisma);
  const decision = authorize(actor, "repository.read");
  if (!decision.allowed) return Response.json({ ok: false, error: decision.reason }, { status: actor ? 403 : 401 });
  const query = parseMatrixSearch(new URL(request.url).searchParams);
  const version = await cacheVersion(prisma);
  return Response.json({ ok: true, data: { stamp: (await getMatrixPageAt(prisma, query, version)).stamp } });
});
