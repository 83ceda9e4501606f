import { createHash } from "node:crypto";
import type { PrismaClient } from "@/lib/db/generated/client";

/**
 * A stamp of what the matrix shows from the cache: each repository's head and sync state, the change
 * requests (opened, merged, closed, conflicting, rewritten), the rollback pins, the teams (a sign-in can
 * add one) and the environments' order and protection. It moves when a sync brought a new commit or a
 * change request moved, and not on a sync that found nothing new, so an open matrix re-renders only when
 * there is something to see; each replica also keeps computed matrix pages under it (matrix-cache.ts).
 * One small query; hashed so it stays short.
 */
export async function cacheVersion(prisma: PrismaClient): Promise<string> {
  const [row] = await prisma.$queryRaw<{ repos: string | null; changes: string | null; open: string | null; pins: string | null; teams: string | null; envs: string | null }[]>`
    SELECT (SELECT string_agg("name" || ':' || COALESCE("headSha", '-') || ':' || ("syncError" IS NULL)::text || ':' || ("archivedAt" IS NULL)::text, ',' ORDER BY "name") FROM "Repository") AS repos,
           (SELECT count(*) || ':' || COALESCE(max("createdAt")::text, '-') || ':' || COALESCE(max("mergedAt")::text, '-') || ':' || COALESCE(max("closedAt")::text, '-') FROM "ChangeRequest") AS changes,
           (SELECT string_agg("id" || ':' || "state"::text || ':' || COALESCE("conflict"::text, '-') || ':' || COALESCE("headSha", '-'), ',' ORDER BY "id") FROM "ChangeRequest" WHERE "state" IN ('OPEN', 'DRAFT')) AS open,
           (SELECT count(*) || ':' || COALESCE(max("pinnedAt")::text, '-') FROM "RollbackPin") AS pins,
           (SELECT count(*)::text FROM "Team") AS teams,
           (SELECT string_agg("name" || ':' || "order" || ':' || "protected"::text, ',' ORDER BY "name") FROM "Environment") AS envs`;
  return createHash("sha256")
    .update(JSON.stringify([row?.repos ?? "", row?.changes ?? "", row?.open ?? "", row?.pins ?? "", row?.teams ?? "", row?.envs ?? ""]))
    .digest("hex")
    .slice(0, 24);
}
