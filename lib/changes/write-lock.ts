import type { PrismaClient } from "@/lib/db/generated/client";
import { runStoppable, workStopReason } from "@/lib/scm/forge-limits";

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

/** How long the work under a write lock may run (FERRY_WRITE_LOCK_SECONDS, default 150). */
export function writeLockWorkLimitMs(env: Record<string, string | undefined> = process.env): number {
  const seconds = Number(env.FERRY_WRITE_LOCK_SECONDS?.trim());
  return env.FERRY_WRITE_LOCK_SECONDS?.trim() && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 150_000;
}

/**
 * What the lock's transaction may live beyond the work limit: once the work is stopped, its forge
 * calls fail at once (no request in flight survives the stop) and it only has its bookkeeping left.
 */
const LOCK_MARGIN_MS = 15_000;

/** Thrown (to the work) when it outlived its write lock's work limit. */
export class WriteLockLapsedError extends Error {}

/**
 * Runs `fn` while holding a Postgres advisory lock for (repository, branch), so promotions of the
 * same app and environment are serialised across every portal process sharing the database.
 * The lock is transaction-scoped: it is released even if this process dies mid-way.
 *
 * The lock outlives the work it guards: the work may run FERRY_WRITE_LOCK_SECONDS; then it is
 * stopped — every forge request it has in flight is aborted and any later one refused
 * (runStoppable), and assertWriteLockHeld throws — while the transaction, and so the lock, lives
 * 15 s longer. (Before, a transaction timeout of 180 s released the lock while the work still waited
 * on a hung forge call, and the next promotion's writes ran alongside the first one's.)
 */
export async function withBranchWriteLock<T>(prisma: PrismaClient, repositoryId: number, branch: string, fn: () => Promise<T>): Promise<T> {
  const limitMs = writeLockWorkLimitMs();
  return withHolderSlot(() =>
    prisma.$transaction(
      async (tx) => {
        // $executeRaw: pg_advisory_xact_lock returns void, a type $queryRaw cannot deserialize (every promotion failed).
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${WRITE_LOCK_NAMESPACE}::int, hashtext(${`${repositoryId}:${branch}`}))`;
        const stop = new AbortController();
        const timer = setTimeout(
          () => stop.abort(new WriteLockLapsedError(`the write lock on branch "${branch}" was held for ${limitMs / 1000} s (FERRY_WRITE_LOCK_SECONDS), so Ferry stopped this change rather than write without it`)),
          limitMs,
        );
        try {
          return await runStoppable(stop.signal, fn);
        } finally {
          clearTimeout(timer);
        }
      },
      { timeout: limitMs + LOCK_MARGIN_MS, maxWait: 60_000 },
    ),
  );
}

/** Throws when the surrounding write lock's work limit passed: call before each write the lock guards. */
export function assertWriteLockHeld(): void {
  const reason = workStopReason();
  if (reason !== null) throw new WriteLockLapsedError(`Stopped: ${reason}.`);
}
