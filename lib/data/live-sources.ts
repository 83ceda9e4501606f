import type { PrismaClient } from "@/lib/db/client";

export interface LiveSourceSummary {
  name: string;
  kind: string;
  lastContactAt: string | null;
  staleSince: string | null;
  lastError: string | null;
  placed: number;
  unplaced: number;
}

export interface UnplacedLiveObject {
  source: string;
  key: string;
  sync: string;
  health: string;
  reason: string;
  sources: { repoURL?: string; path?: string; chart?: string; targetRevision?: string }[];
}

/** Live-state sources with how many of their objects map to a cell. */
export async function listLiveSources(prisma: PrismaClient): Promise<LiveSourceSummary[]> {
  const [sources, counts] = await Promise.all([
    prisma.liveSource.findMany({ orderBy: { name: "asc" } }),
    prisma.liveApplication.groupBy({ by: ["sourceName", "unplacedReason"], _count: { _all: true } }),
  ]);
  return sources.map((s) => {
    const mine = counts.filter((c) => c.sourceName === s.name);
    return {
      name: s.name,
      kind: s.kind,
      lastContactAt: s.lastContactAt?.toISOString() ?? null,
      staleSince: s.staleSince?.toISOString() ?? null,
      lastError: s.lastError,
      placed: mine.filter((c) => c.unplacedReason === null).reduce((n, c) => n + c._count._all, 0),
      unplaced: mine.filter((c) => c.unplacedReason !== null).reduce((n, c) => n + c._count._all, 0),
    };
  });
}

/** Live objects that map to no cell, with the reason, so users see what Ferry could not match. */
export async function listUnplacedLiveObjects(prisma: PrismaClient, limit = 500): Promise<UnplacedLiveObject[]> {
  const rows = await prisma.liveApplication.findMany({
    where: { unplacedReason: { not: null } },
    orderBy: [{ sourceName: "asc" }, { key: "asc" }],
    take: limit,
    select: { sourceName: true, key: true, sync: true, health: true, unplacedReason: true, sources: true },
  });
  return rows.map((r) => ({ source: r.sourceName, key: r.key, sync: r.sync, health: r.health, reason: r.unplacedReason ?? "", sources: r.sources as UnplacedLiveObject["sources"] }));
}

/**
 * Changes whenever stored live state does (an object written, a source going stale or coming back):
 * an open matrix polls it and re-renders only when it moved.
 */
export async function liveStateStamp(prisma: PrismaClient): Promise<string> {
  const [row] = await prisma.$queryRaw<{ observed: Date | null; count: bigint; sources: string | null }[]>`
    SELECT (SELECT max("observedAt") FROM "LiveApplication") AS observed,
           (SELECT count(*) FROM "LiveApplication") AS count,
           (SELECT string_agg("name" || ':' || COALESCE("staleSince"::text, 'ok'), ',' ORDER BY "name") FROM "LiveSource") AS sources`;
  return `${row?.observed?.toISOString() ?? "-"}/${row?.count ?? 0}/${row?.sources ?? ""}`;
}
