import { Prisma, type PrismaClient } from "@/lib/db/generated/client";
import type { MergeGates } from "@/lib/scm/types";
import { openScmRepository } from "@/lib/sync/open-scm";
import { errorMessage, log } from "@/lib/observability/log";

// The forge's merge gates of a change, cached on its row (ChangeRequest.mergeGates). Read when the
// change page is viewed (at most once per FRESH_MS), on a review/check/pipeline webhook and before
// Ferry merges; the poll never reads them, so their cost does not grow with the open changes.

/** A page view within this long of the last read shows the cached gates. */
export const FRESH_MS = 30_000;

export interface ShownGates {
  gates: MergeGates | null;
  /** Why they could not be read now (the cached ones, if any, are shown with it). */
  error: string | null;
}

type Row = { id: number; number: number | null; headSha: string | null; state: string; mergeGates: Prisma.JsonValue | null; repository: { name: string; provider: string; url: string; defaultBranch: string } };

function cached(row: Pick<Row, "mergeGates">): MergeGates | null {
  const value = row.mergeGates as Partial<MergeGates> | null;
  return value && typeof value.headSha === "string" && Array.isArray(value.gates) ? (value as MergeGates) : null;
}

/** Reads the gates from the forge and stores them; null where the forge has none (plain git) or the change has no number. */
export async function refreshMergeGates(prisma: PrismaClient, changeId: number): Promise<MergeGates | null> {
  const row = await prisma.changeRequest.findUnique({ where: { id: changeId }, include: { repository: true } });
  if (!row || row.number === null) return null;
  const scm = openScmRepository(row.repository);
  if (!scm.readMergeGates) return null;
  const gates = await scm.readMergeGates(row.number);
  await prisma.changeRequest.update({ where: { id: changeId }, data: { mergeGates: gates as unknown as Prisma.InputJsonValue } });
  return gates;
}

/** How long the change page waits for the forge before it shows the stored gates (the read goes on and stores them). */
export const PAGE_BUDGET_MS = 4_000;

/** The gates to show on the change page: cached when recent and for the current head, read again otherwise. */
export async function mergeGatesForPage(prisma: PrismaClient, changeId: number, opts: { now?: number; budgetMs?: number } = {}): Promise<ShownGates> {
  const now = opts.now ?? Date.now();
  const row = await prisma.changeRequest.findUnique({ where: { id: changeId }, include: { repository: true } });
  if (!row || row.number === null || row.repository.provider === "git") return { gates: null, error: null };
  const known = cached(row);
  const open = row.state === "OPEN" || row.state === "DRAFT";
  // A closed change's gates no longer move: what was last read stays.
  if (!open || (known && known.headSha === row.headSha && now - Date.parse(known.readAt) < FRESH_MS)) return { gates: known, error: null };
  // A slow or hung forge must not hold the page for its request timeout and retries.
  const budget = opts.budgetMs ?? PAGE_BUDGET_MS;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), budget)));
  const reading = refreshMergeGates(prisma, changeId);
  try {
    const outcome = await Promise.race([reading, late]);
    if (outcome === "late") {
      reading.catch((error: unknown) => log("warn", "merge gates could not be read", { change_id: changeId, error: errorMessage(error) }));
      return { gates: known, error: `${row.repository.provider === "github" ? "GitHub" : "GitLab"} did not answer within ${budget >= 1000 ? `${Math.round(budget / 1000)} s` : `${budget} ms`}; the gates are still being read.` };
    }
    return { gates: outcome, error: null };
  } catch (error) {
    return { gates: known, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * After a review, check or pipeline webhook: the gates of an open change are read again when someone
 * has looked at them before (its page was viewed), so a burst of check events on changes nobody is
 * looking at costs nothing; the page reads them on its next view anyway.
 */
export async function refreshWatchedGates(prisma: PrismaClient, repository: string, number: number): Promise<void> {
  const row = await prisma.changeRequest.findFirst({
    where: { repository: { name: repository }, number, state: { in: ["OPEN", "DRAFT"] }, NOT: { mergeGates: { equals: Prisma.DbNull } } },
    select: { id: true },
  });
  if (row) await refreshMergeGates(prisma, row.id);
}
