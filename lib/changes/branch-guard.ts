import type { PrismaClient } from "@/lib/db/generated/client";
import { DomainError } from "@/lib/actions/domain-error";
import { isScmError, RefNotFoundError } from "@/lib/scm/errors";
import { isForgeTimeout, isForgeWorkStopped } from "@/lib/scm/forge-limits";
import type { ScmRepository } from "@/lib/scm/types";

// What openChange checks before it rewrites a change's branch, and what it says when a write
// failed half-way. A `ferry/…` branch is Ferry's only while its tip is a commit Ferry wrote: someone
// who pushed a fix onto it must not lose that commit to a force-push.

/** The branch's current tip on the forge, or null when it does not exist. */
export async function readBranchTip(scm: ScmRepository, branch: string): Promise<string | null> {
  if (scm.readBranchTip) return scm.readBranchTip(branch);
  try {
    return await scm.resolveRef(branch);
  } catch (error) {
    if (error instanceof RefNotFoundError) return null;
    throw error;
  }
}

/** Key, in a change request's stored changeSet, of the last commit Ferry wrote to its branch (headSha follows the forge). */
export const WRITTEN_HEAD = "ferryWroteHead";

/**
 * Refuses to replace a branch whose tip Ferry did not write: a commit Ferry recorded writing to this
 * branch is Ferry's; anything else was pushed by someone (or something) else. (headSha alone does
 * not prove it: refreshing a change request copies the forge's head, whoever pushed it.)
 */
export async function assertFerryWroteTip(prisma: PrismaClient, repositoryId: number, repository: string, branch: string, tip: string | null): Promise<void> {
  if (tip === null) return;
  const rows = await prisma.changeRequest.findMany({ where: { repositoryId, branch }, select: { headSha: true, changeSet: true } });
  const ours = rows.some((row) => {
    const written = typeof row.changeSet === "object" && row.changeSet !== null && !Array.isArray(row.changeSet) ? row.changeSet[WRITTEN_HEAD] : undefined;
    // Rows stored before Ferry recorded what it wrote: their headSha is the best evidence there is.
    return typeof written === "string" ? written === tip : row.headSha === tip;
  });
  if (ours) return;
  throw new DomainError(
    `Branch ${branch} of ${repository} has a commit Ferry did not write (${tip.slice(0, 12)}), so Ferry did not overwrite it. ` +
      `Merge or close its change request, or delete the branch, then promote again. Nothing was changed.`,
  );
}

/** Whether a failed write may have happened all the same (no answer in time, or stopped in flight). */
export function mayHaveWritten(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) if (isForgeTimeout(e) || isForgeWorkStopped(e)) return true;
  return false;
}

/** Where a failed change left the forge, for the message: nothing, or what is still there. */
export type Leftover =
  | { kind: "none" }
  /** The branch write itself failed without an answer: it may or may not have happened. */
  | { kind: "maybe-branch"; branch: string }
  | { kind: "branch"; branch: string; cleanup: "deleted" | { failed: string } }
  | { kind: "updated-branch"; branch: string; number: number | null };

/** The user's message for a forge failure, saying truthfully what was (not) changed. */
export function failureMessage(error: unknown, leftover: Leftover): string {
  const reason = error instanceof Error ? error.message : String(error);
  switch (leftover.kind) {
    case "none":
      return `${reason} Nothing was changed; try again, or refresh the repository.`;
    case "maybe-branch":
      return `${reason} Ferry cannot tell whether branch ${leftover.branch} was written; no change request was opened. If the branch exists, delete it on the forge before promoting again.`;
    case "branch":
      return leftover.cleanup === "deleted"
        ? `${reason} Ferry had pushed branch ${leftover.branch} and deleted it again: nothing was changed; try again.`
        : `${reason} Branch ${leftover.branch} was pushed but no change request was opened, and Ferry could not delete it (${leftover.cleanup.failed}). ` +
            `Delete it on the forge before promoting again (Ferry does not overwrite a branch it holds no record of).`;
    case "updated-branch":
      return `${reason} Branch ${leftover.branch} already holds the new commit${leftover.number !== null ? `, but change request #${leftover.number}'s title and description were not updated` : ""}; promote again to finish.`;
  }
}

/** Runs a cleanup write; says why it failed instead of throwing. */
export async function tryCleanup(fn: () => Promise<void>): Promise<"deleted" | { failed: string }> {
  try {
    await fn();
    return "deleted";
  } catch (error) {
    return { failed: isScmError(error) || error instanceof Error ? error.message : String(error) };
  }
}
