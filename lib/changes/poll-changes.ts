import type { ChangeRequest as ChangeRow, PrismaClient, Repository } from "@/lib/db/generated/client";
import type { PolledChangeRequest } from "@/lib/scm/types";
import { openScmRepository } from "@/lib/sync/open-scm";
import { applyForgeState } from "./forge-state";
import { errorMessage, log } from "@/lib/observability/log";

// The polling fallback behind webhooks, O(1) requests per repository: every open change request of a
// repository is read in one batch (ScmRepository.pollChangeRequests: GitHub one GraphQL query per 100,
// GitLab one list request plus single reads of those whose update time moved, plain git locally), never
// one read per change. Rows are written only when something moved.

/** Open change requests read per repository and run; more wait for the next run (oldest read first). */
const PER_REPOSITORY = 500;

const OPEN = { state: { in: ["OPEN" as const, "DRAFT" as const] }, number: { not: null } };

/**
 * Refreshes the open change requests of every active repository: state, head, conflicts, review and
 * checks. Returns the repositories where something was merged, to sync them.
 */
export async function refreshOpenChanges(prisma: PrismaClient): Promise<string[]> {
  const open = await prisma.changeRequest.findMany({
    where: { ...OPEN, repository: { archivedAt: null } },
    orderBy: { syncedAt: { sort: "asc", nulls: "first" } },
    include: { repository: true },
  });
  const byRepository = new Map<number, typeof open>();
  for (const row of open) byRepository.set(row.repositoryId, [...(byRepository.get(row.repositoryId) ?? []), row]);
  const merged: string[] = [];
  for (const rows of byRepository.values()) {
    const repository = rows[0]!.repository;
    try {
      if (await refreshBatch(prisma, repository, rows.slice(0, PER_REPOSITORY))) merged.push(repository.name);
    } catch (error) {
      // One unreachable forge must not stop the others; the next run tries again.
      log("warn", "open changes could not be refreshed", { repository: repository.name, error: errorMessage(error) });
    }
  }
  return merged;
}

/**
 * The same for one repository, after something moved its base (a Refresh, a merge through Ferry):
 * its other open changes may conflict now. Returns whether one of them was merged meanwhile.
 */
export async function refreshRepositoryChanges(prisma: PrismaClient, repository: string): Promise<boolean> {
  const rows = await prisma.changeRequest.findMany({
    where: { ...OPEN, repository: { name: repository, archivedAt: null } },
    orderBy: { syncedAt: { sort: "asc", nulls: "first" } },
    take: PER_REPOSITORY,
    include: { repository: true },
  });
  return rows.length > 0 ? refreshBatch(prisma, rows[0]!.repository, rows) : false;
}

async function refreshBatch(prisma: PrismaClient, repository: Repository, rows: ChangeRow[]): Promise<boolean> {
  const scm = openScmRepository(repository);
  const known = rows.map((r) => ({ number: r.number!, updatedAt: r.forgeUpdatedAt }));
  // A provider without a batch read (none today) is read one by one, as before.
  const polled: PolledChangeRequest[] = scm.pollChangeRequests ? await scm.pollChangeRequests(known) : await Promise.all(known.map((k) => scm.getChangeRequest(k.number)));
  const byNumber = new Map(polled.map((p) => [p.number, p]));
  let anyMerged = false;
  for (const row of rows) {
    const forge = byNumber.get(row.number!);
    if (forge && (await applyForgeState(prisma, row, forge)).newlyMerged) anyMerged = true;
  }
  return anyMerged;
}
