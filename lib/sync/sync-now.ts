import type { PrismaClient } from "@/lib/db/generated/client";
import { DomainError } from "@/lib/actions/domain-error";
import { recordSync } from "@/lib/metrics/registry";
import { openScmRepository } from "./open-scm";
import { assertRepositoryActive } from "./retire-repositories";
import { syncRepository, type SyncResult } from "./sync-repository";

type SyncListener = (result: SyncResult) => void;
const listeners = new Set<SyncListener>();

/**
 * Follow-up work of a sync that moved a repository (the worker queues the cells' history): kept off the
 * sync's path, which promotion previews and webhooks wait for. Returns the unsubscribe function.
 */
export function onRepositorySynced(listener: SyncListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Syncs one configured repository by name. Unknown names are a user error, not a crash. */
export async function syncRepositoryNow(prisma: PrismaClient, name: string, options: { force?: boolean } = {}): Promise<SyncResult> {
  const repo = await prisma.repository.findUnique({ where: { name } });
  if (!repo) throw new DomainError(`No repository named "${name}" is configured.`);
  assertRepositoryActive(repo);
  const result = await syncRepository(prisma, repo.id, openScmRepository(repo), options);
  recordSync(result);
  if (result.status === "synced") for (const listener of listeners) listener(result);
  return result;
}

/** Repositories synced at once: forge and database waits overlap while one is being read. */
const SYNC_CONCURRENCY = 3;

/** Syncs every configured (not archived) repository, a few at a time; one failing repository never stops the rest. */
export async function syncAllRepositories(prisma: PrismaClient, options: { force?: boolean } = {}): Promise<SyncResult[]> {
  const repos = await prisma.repository.findMany({ where: { archivedAt: null }, orderBy: { name: "asc" }, select: { name: true } });
  const results: SyncResult[] = new Array(repos.length);
  let next = 0;
  const worker = async () => {
    while (next < repos.length) {
      const i = next++;
      results[i] = await syncRepositoryNow(prisma, repos[i]!.name, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SYNC_CONCURRENCY, repos.length) }, worker));
  return results;
}
