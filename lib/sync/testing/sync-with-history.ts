import type { PrismaClient } from "@/lib/db/generated/client";
import { refreshRepositoryHistory } from "../history-job";
import { syncRepositoryNow } from "../sync-now";

/** A sync, then the cells' history the worker would read after it (its job, run to the end here). */
export async function syncWithHistory(prisma: PrismaClient, name: string) {
  const result = await syncRepositoryNow(prisma, name);
  while ((await refreshRepositoryHistory(prisma, name))?.pending) {
    // a run that spent its budget: the worker queues the next one, the test runs it at once
  }
  return result;
}
