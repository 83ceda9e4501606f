import type { PrismaClient } from "@/lib/db/generated/client";
import { openScmRepository } from "@/lib/sync/open-scm";
import { applyForgeState, type RefreshedChange } from "./forge-state";

export type { RefreshedChange } from "./forge-state";
export { refreshOpenChanges } from "./poll-changes";

/**
 * Brings one change request's row in line with its forge (state, head, conflicts, review, checks).
 * Called by the webhook jobs and before a change is reused; a change unknown to the portal (opened
 * by hand) is ignored.
 */
export async function refreshChangeRequest(prisma: PrismaClient, repository: string, number: number): Promise<RefreshedChange | null> {
  const row = await prisma.changeRequest.findFirst({ where: { repository: { name: repository }, number }, include: { repository: true } });
  if (!row) return null;
  const forge = await openScmRepository(row.repository).getChangeRequest(number);
  return applyForgeState(prisma, row, forge);
}
