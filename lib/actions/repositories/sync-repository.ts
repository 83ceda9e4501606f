import { z } from "zod";
import { defineAction } from "@/lib/actions/action";
import { refreshRepositoryChanges } from "@/lib/changes/poll-changes";
import { syncRepositoryNow } from "@/lib/sync/sync-now";
import { errorMessage, log } from "@/lib/observability/log";

export const syncRepositoryInput = z.object({ repository: z.string().trim().min(1).max(63) });

/** "Refresh": re-sync one repository now (reported as `locked` if another process is syncing it). */
export const syncRepositoryAction = defineAction({
  name: "repository.sync",
  input: syncRepositoryInput,
  // A repository of one team may be refreshed by that team; shared repositories (no team) by any developer.
  permission: async (input, { prisma }) => {
    const repo = await prisma.repository.findUnique({ where: { name: input.repository }, select: { team: true } });
    return { action: "repository.sync", resource: { team: repo?.team ?? null } };
  },
  audit: { resourceId: (i) => i.repository },
  handler: async ({ input, prisma }) => {
    const result = await syncRepositoryNow(prisma, input.repository);
    // Refreshing also re-reads its open changes: a base that moved may have put one in conflict.
    if (result.status === "synced" || result.status === "unchanged") {
      await refreshRepositoryChanges(prisma, input.repository).catch((error: unknown) => log("warn", "open changes could not be refreshed", { repository: input.repository, error: errorMessage(error) }));
    }
    return result;
  },
});
