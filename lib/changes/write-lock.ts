import type { PrismaClient } from "@/lib/db/generated/client";

/** Advisory-lock namespace for writes to one repository branch ("FRRW"). */
const WRITE_LOCK_NAMESPACE = 0x46525257 & 0x7fffffff;

/**
 * How many write locks one process holds (or waits for) at a time. Each holder pins a pooled
 * connection for its lock's transaction while its work (cache reads, the change request store) needs
 * more connections from the same pool; with as many holders as the pool has connections (pg's default
 * is 10) every holder waits for a connection none will release: 20 concurrent promotions hung until
 * the transaction timeout. A small bound leaves the rest of the pool to the work.
 */
const MAX_HOLDERS_PER_PROCESS = 3;

let holders = 0;
const waiting: (() => void)[] = [];

async function withHolderSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (holders >= MAX_HOLDERS_PER_PROCESS) await new Promise<void>((resolve) => waiting.push(resolve));
  else holders++;
  try {
    return await fn();
  } finally {
    // Hand the slot straight to the next waiter, so the count never dips and lets a newcomer jump the queue.
    const next = waiting.shift();
    if (next) next();
    else holders--;
  }
}

/**
 * Runs `fn` while holding a Postgres advisory lock for (repository, branch), so promotions of the
 * same app and environment are serialised across every portal process sharing the database.
 * The lock is transaction-scoped: it is released even if this process dies mid-way.
 */
export async function withBranchWriteLock<T>(prisma: PrismaClient, repositoryId: number, branch: string, fn: () => Promise<T>): Promise<T> {
  return withHolderSlot(() =>
    prisma.$transaction(
      async (tx) => {
        // $executeRaw: pg_advisory_xact_lock returns void, a type $queryRaw cannot deserialize (every promotion failed).
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${WRITE_LOCK_NAMESPACE}::int, hashtext(${`${repositoryId}:${branch}`}))`;
        return fn();
      },
      { timeout: 180_000, maxWait: 60_000 },
    ),
  );
}
