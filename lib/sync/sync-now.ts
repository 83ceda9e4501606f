import type { PrismaClient } from "@/lib/db/generated/client";
import { DomainError } from "@/lib/actions/domain-error";
import { openScmRepository } from "./open-scm";
import { syncRepository, type SyncResult } from "./sync-repository";

/** Syncs one configured repository by name. Unknown names are a user error, not a crash. */
export async function syncRepositoryNow(prisma: PrismaClient, name: string, options: { force?: boolean } = {}): Promise<SyncResult> {
  const repo = await prisma.repository.findUnique({ where: { name } });
  if (!repo) throw new DomainError(`No repository named "${name}" is configured.`);
  return syncRepository(prisma, repo.id, openScmRepository(repo), options);
}

/** Syncs every configured repository one after another; one failing repository never stops the rest. */
export async function syncAllRepositories(prisma: PrismaClient, options: { force?: boolean } = {}): Promise<SyncResult[]> {
  const repos = await prisma.repository.findMany({ orderBy: { name: "asc" }, select: { name: true } });
  const results: SyncResult[] = [];
  for (const repo of repos) results.push(await syncRepositoryNow(prisma, repo.name, options));
  return results;
}
