import type { PrismaClient } from "@/lib/db/generated/client";
import type { PolledChangeRequest } from "@/lib/scm/types";
import { openScmRepository } from "@/lib/sync/open-scm";
import { applyForgeState } from "./forge-state";

// The polling fallback behind webhooks, O(1) requests per repository: every open change request of a
// repository is read in one batch (ScmRepository.pollChangeRequests: GitHub one GraphQL query per 100,
// GitLab one list request plus single reads of those whose update time moved, plain git locally), never
// one read per change. Rows are written only when something moved.

/** Open change requests read per repository and run; more wait for the next run (oldest read first). */
const PER_REPOSITORY = 500;

/**
 * Refreshes the open change requests of every active repository: state, head, conflicts, review and
 * checks. Returns the repositories where something was merged, to sync them.
 */
export async function refreshOpenChanges(prisma: PrismaClient): Promise<string[]> {
  const open = await prisma.changeRequest.findMany({
    where: { state: { in: ["OPEN", "DRAFT"] }, number: { not: null }, repository: { archivedAt: null } },
    orderBy: { syncedAt: { sort: "asc", nulls: "first" } },
    include: { repository: true },
  });
  const byRepository = new Map<number, typeof open>();
  for (const row of open) byRepository.set(row.repositoryId, [...(byRepository.get(row.repositoryId) ?? []), row]);
  const merged: string[] = [];
  for (const rows of byRepository.values()) {
    const repository = rows[0]!.repository;
    const batch = rows.slice(0, PER_REPOSITORY);
    try {
      const scm = openScmRepository(repository);
      const known = batch.map((r) => ({ number: r.number!, updatedAt: r.forgeUpdatedAt }));
      // A provider without a batch read (none today) is read one by one, as before.
      const polled: PolledChangeRequest[] = scm.pollChangeRequests ? await scm.pollChangeRequests(known) : await Promise.all(known.map((k) => scm.getChangeRequest(k.number)));
      const byNumber = new Map(polled.map((p) => [p.number, p]));
      let anyMerged = false;
      for (const row of batch) {
        const forge = byNumber.get(row.number!);
        if (forge && (await applyForgeState(prisma, row, forge)).newlyMerged) anyMerged = true;
      }
      if (anyMerged) merged.push(repository.name);
    } catch (error) {
      // One unreachable forge must not stop the others; the next run tries again.
      console.warn(`[changes] could not refresh the open changes of ${repository.name}: ${error instanceof Error ? error.message : error}`);
    }
  }
  return merged;
}
