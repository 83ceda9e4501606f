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
