import { readRoute } from "@/lib/actions/http";
import { cacheVersion } from "@/lib/data/cache-version";

export const dynamic = "force-dynamic";

/** GET /api/v1/cache-version — a stamp of the cached repositories, change requests, rollback pins, teams and environments: it moves when anything the matrix shows may have; each matrix page is kept under it (/api/v1/matrix/stamp). */
export const GET = readRoute(async (prisma) => ({ version: await cacheVersion(prisma) }));
