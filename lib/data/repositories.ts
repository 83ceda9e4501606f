import type { PrismaClient } from "@/lib/db/generated/client";
import { branchNotices, otherNotes } from "@/lib/sync/branch-notices";

export interface RepositorySummary {
  id: number;
  name: string;
  provider: string;
  url: string;
  branch: string;
  team: string | null;
  conventions: string[];
  headSha: string | null;
  lastSyncAt: string | null;
  lastSyncMs: number | null;
  syncError: string | null;
  appCount: number;
  readErrors: { file: string; message: string; line?: number }[];
  readNotes: string[];
  /** What the last sync found about the branch itself: empty, or rewritten by a force-push. */
  branchNotices: string[];
  /** When it was removed from the configuration (see lib/sync/retire-repositories.ts); null while configured. */
  archivedAt: string | null;
}

/** Strips credentials from a remote URL before it is shown anywhere. */
export function displayUrl(url: string): string {
  return url.replace(/^(\w+:\/\/)[^@/\s]+@/, "$1");
}

export async function listRepositories(prisma: PrismaClient): Promise<RepositorySummary[]> {
  // Configured repositories first, then the archived ones (kept for their change requests).
  const rows = await prisma.repository.findMany({ orderBy: [{ archivedAt: { sort: "desc", nulls: "first" } }, { name: "asc" }], include: { _count: { select: { apps: true } } } });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    provider: r.provider,
    url: displayUrl(r.url),
    branch: r.defaultBranch,
    team: r.team,
    conventions: r.convention,
    headSha: r.headSha,
    lastSyncAt: r.lastSyncAt?.toISOString() ?? null,
    lastSyncMs: r.lastSyncMs,
    syncError: r.syncError,
    appCount: r._count.apps,
    readErrors: (r.readErrors as RepositorySummary["readErrors"] | null) ?? [],
    readNotes: otherNotes(r.readNotes),
    branchNotices: branchNotices(r.readNotes),
    archivedAt: r.archivedAt?.toISOString() ?? null,
  }));
}

export interface RepositoryProblem {
  name: string;
  syncError: string;
  lastSyncAt: string | null;
}

export async function listRepositoryProblems(prisma: PrismaClient): Promise<RepositoryProblem[]> {
  const rows = await prisma.repository.findMany({ where: { syncError: { not: null }, archivedAt: null }, orderBy: { name: "asc" }, select: { name: true, syncError: true, lastSyncAt: true } });
  return rows.map((r) => ({ name: r.name, syncError: r.syncError ?? "", lastSyncAt: r.lastSyncAt?.toISOString() ?? null }));
}
