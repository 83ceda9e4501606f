import type { ChangeState, PrismaClient } from "@/lib/db/generated/client";
import type { ChangeRequest } from "@/lib/scm/types";
import { openScmRepository } from "@/lib/sync/open-scm";

const STATE: Record<ChangeRequest["state"], ChangeState> = { open: "OPEN", draft: "DRAFT", merged: "MERGED", closed: "CLOSED" };

export interface RefreshedChange {
  id: number;
  state: ChangeState;
  /** The change was merged since we last looked: the repository's cache needs a sync. */
  newlyMerged: boolean;
}

/**
 * Brings one change request's row in line with its forge (state, head, review, checks). Called by
 * the webhook jobs and by polling; a change unknown to the portal (opened by hand) is ignored.
 */
export async function refreshChangeRequest(prisma: PrismaClient, repository: string, number: number): Promise<RefreshedChange | null> {
  const row = await prisma.changeRequest.findFirst({ where: { repository: { name: repository }, number }, include: { repository: true } });
  if (!row) return null;
  const forge = await openScmRepository(row.repository).getChangeRequest(number);
  const state = STATE[forge.state];
  const now = new Date();
  await prisma.changeRequest.update({
    where: { id: row.id },
    data: {
      state,
      url: forge.url ?? row.url,
      headSha: forge.headSha ?? row.headSha,
      mergeCommitSha: forge.mergeCommitSha ?? row.mergeCommitSha,
      reviewState: forge.reviewState ?? null,
      checksState: forge.checksState ?? null,
      syncedAt: now,
      ...(state === "MERGED" && !row.mergedAt ? { mergedAt: now } : {}),
      ...(state === "CLOSED" && !row.closedAt ? { closedAt: now } : {}),
    },
  });
  return { id: row.id, state, newlyMerged: state === "MERGED" && row.state !== "MERGED" };
}

/** Open change requests checked per periodic run: a missed webhook is caught up within one interval. */
const POLL_LIMIT = 50;

/**
 * The polling fallback for forges: refreshes open pull/merge requests from GitHub and GitLab (plain
 * git records merges itself). Returns the repositories where something was merged, to sync them.
 */
export async function refreshOpenChanges(prisma: PrismaClient): Promise<string[]> {
  const open = await prisma.changeRequest.findMany({
    where: { state: { in: ["OPEN", "DRAFT"] }, number: { not: null }, repository: { provider: { in: ["github", "gitlab"] }, archivedAt: null } },
    orderBy: { syncedAt: { sort: "asc", nulls: "first" } },
    take: POLL_LIMIT,
    select: { number: true, repository: { select: { name: true } } },
  });
  const merged = new Set<string>();
  for (const change of open) {
    try {
      const refreshed = await refreshChangeRequest(prisma, change.repository.name, change.number!);
      if (refreshed?.newlyMerged) merged.add(change.repository.name);
    } catch (error) {
      // One unreachable forge must not stop the others; the next run tries again.
      console.warn(`[changes] could not refresh ${change.repository.name} #${change.number}: ${error instanceof Error ? error.message : error}`);
    }
  }
  return [...merged];
}
