import { readRoute } from "@/lib/actions/http";
import { cacheVersion } from "@/lib/data/cache-version";
import { getMatrixPageAt } from "@/lib/data/matrix-cache";
import { parseMatrixSearch } from "@/lib/data/matrix-query";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/matrix/stamp?<the page's filters> — a stamp of what that matrix page shows from the cache;
 * an open page polls it and re-renders when it moved. Between two moves of the cache version it is the
 * kept page's stamp: the same cost as /api/v1/cache-version.
 */
export const GET = readRoute(async (prisma, request) => {
  const query = parseMatrixSearch(new URL(request.url).searchParams);
  const version = await cacheVersion(prisma);
  return { stamp: (await getMatrixPageAt(prisma, query, version)).stamp };
});
