import type { PrismaClient } from "@/lib/db/generated/client";
import { refreshCellHistory, type HistoryRefresh } from "./cell-history";
import { openScmRepository } from "./open-scm";

/**
 * The body of the worker's cell-history job: reading old commits costs seconds of CPU on a large
 * repository, so it runs as a queued job after a sync, never inside one (see worker.ts). A repository
 * that went away or was archived meanwhile has nothing to do.
 */
export async function refreshRepositoryHistory(prisma: PrismaClient, name: string): Promise<HistoryRefresh | null> {
  const repo = await prisma.repository.findUnique({ where: { name } });
  if (!repo || repo.archivedAt) return null;
  return refreshCellHistory(prisma, repo.id, openScmRepository(repo));
}
