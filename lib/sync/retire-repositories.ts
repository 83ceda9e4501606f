import type { PrismaClient } from "@/lib/db/generated/client";
import { DomainError } from "@/lib/actions/domain-error";
import { SYNC_LOCK_NAMESPACE } from "./sync-repository";

/**
 * A repository removed from the configuration is retired, not forgotten: it is no longer synced or
 * shown in the matrix, and Ferry refuses to write to it, but the row stays (archived) with its change
 * requests, so their history and the audit log keep pointing somewhere. Its cached model (apps, cells,
 * files) is dropped: it is only a cache of git, rebuilt by a full sync if the repository comes back.
 *
 * Each repository is retired under its sync lock (waiting for a sync in progress to finish), so no
 * sync can write its model back afterwards; syncs check `archivedAt` under the same lock.
 */
export async function retireRemovedRepositories(prisma: PrismaClient, configured: string[]): Promise<string[]> {
  const removed = await prisma.repository.findMany({
    where: { archivedAt: null, name: { notIn: configured } },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
  for (const repo of removed) {
    await prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SYNC_LOCK_NAMESPACE}::int, ${repo.id}::int)`;
        const environments = await tx.$queryRaw<{ id: number }[]>`
          SELECT DISTINCT d."environmentId" AS id FROM "Deployment" d JOIN "App" a ON a."id" = d."appId" WHERE a."repositoryId" = ${repo.id}`;
        await tx.app.deleteMany({ where: { repositoryId: repo.id } });
        await tx.repositoryFile.deleteMany({ where: { repositoryId: repo.id } });
        const { protectedEnvironments: declared } = await tx.repository.findUniqueOrThrow({ where: { id: repo.id }, select: { protectedEnvironments: true } });
        await tx.repository.update({
          where: { id: repo.id },
          data: { archivedAt: new Date(), headSha: null, etag: null, syncError: null, readErrors: [], readNotes: [], convention: [], protectedEnvironments: [] },
        });
        // Environments only this repository had go with it (as a sync drops them); the ones it declared
        // protected are protected from now on only if a repository still configured says so.
        const ids = environments.map((e) => e.id);
        if (ids.length > 0) {
          await tx.$queryRaw`SELECT "id" FROM "Environment" WHERE "id" = ANY(${ids}::int[]) ORDER BY "id" FOR UPDATE`;
          await tx.$executeRaw`DELETE FROM "Environment" e WHERE e."id" = ANY(${ids}::int[])
            AND NOT EXISTS (SELECT 1 FROM "Deployment" d WHERE d."environmentId" = e."id")`;
        }
        if (declared.length > 0) {
          await tx.$executeRaw`UPDATE "Environment" e SET "protected" = EXISTS (
              SELECT 1 FROM "Repository" r WHERE e."name" = ANY(r."protectedEnvironments"))
            WHERE e."name" = ANY(${declared}::text[])`;
        }
      },
      { timeout: 120_000, maxWait: 15_000 },
    );
  }
  return removed.map((r) => r.name);
}

/** Why nothing can be synced or written for a retired repository, and how to bring it back. */
export function archivedRepositoryMessage(name: string): string {
  return `Repository "${name}" was removed from the portal's configuration and is archived: it is no longer synced and Ferry makes no changes to it. Add it to FERRY_REPOSITORIES or the config file again to use it.`;
}

/** Refuses work on a retired repository with a message for the person who asked. */
export function assertRepositoryActive(repo: { name: string; archivedAt: Date | null }): void {
  if (repo.archivedAt) throw new DomainError(archivedRepositoryMessage(repo.name));
}
