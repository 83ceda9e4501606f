import type { PrismaClient } from "@/lib/db/generated/client";

/** Advisory-lock namespace for writes to one repository branch ("FRRW"). */
const WRITE_LOCK_NAMESPACE = 0x46525257 & 0x7fffffff;

/**
 * Runs `fn` while holding a Postgres advisory lock for (repository, branch), so promotions of the
 * same app and environment are serialised across every portal process sharing the database.
 * The lock is transaction-scoped: it is released even if this process dies mid-way.
 */
export async function withBranchWriteLock<T>(prisma: PrismaClient, repositoryId: number, branch: string, fn: () => Promise<T>): Promise<T> {
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${WRITE_LOCK_NAMESPACE}::int, hashtext(${`${repositoryId}:${branch}`}))`;
      return fn();
    },
    { timeout: 180_000, maxWait: 60_000 },
  );
}
