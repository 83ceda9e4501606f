import type { PrismaClient } from "@/lib/db/generated/client";
import { DomainError } from "@/lib/actions/domain-error";
import { isScmError } from "@/lib/scm/errors";
import { openScmRepository } from "@/lib/sync/open-scm";
import { assertRepositoryActive } from "@/lib/sync/retire-repositories";
import { syncRepositoryNow } from "@/lib/sync/sync-now";
import { changeLabel } from "./change-label";
import { refreshRepositoryChanges } from "./poll-changes";
import { changedSinceReview, type ReviewedVersion } from "./reviewed-version";
import { gateRefusal } from "./gate-refusal";
import { refreshMergeGates } from "./merge-gates";
import type { Requester } from "./open-promotion";
import { errorMessage, log } from "@/lib/observability/log";

export async function changeWithRepository(prisma: PrismaClient, id: number) {
  const row = await prisma.changeRequest.findUnique({ where: { id }, include: { repository: true } });
  if (!row) throw new DomainError(`There is no change #${id}.`);
  if (row.number === null) throw new DomainError(`Change #${id} has no number on its forge yet.`);
  if (row.state !== "OPEN" && row.state !== "DRAFT") throw new DomainError(`${changeLabel({ provider: row.repository.provider, repository: row.repository.name, number: row.number, id })} is already ${row.state.toLowerCase()}.`);
  // Merging or closing writes to the repository, which a retired one no longer allows.
  assertRepositoryActive(row.repository);
  return { ...row, number: row.number, label: changeLabel({ provider: row.repository.provider, repository: row.repository.name, number: row.number, id: row.id }) };
}

export function explain(error: unknown): never {
  if (isScmError(error)) throw new DomainError(error.message);
  throw error;
}

/**
 * Merges exactly the reviewed head (a moved branch is refused), then syncs so the matrix shows the
 * new version straight away. On plain git this is a real merge into the default branch.
 */
export async function mergeChange(
  prisma: PrismaClient,
  id: number,
  reviewer: Requester,
  seen?: ReviewedVersion,
): Promise<{ number: number; label: string; headSha: string | null; authorId: string | null }> {
  const row = await changeWithRepository(prisma, id);
  // The portal's Merge always says what the reviewer saw (the action requires it); the forge is then
  // asked to merge exactly that commit, so a push between this check and the merge is refused too.
  const moved = seen ? changedSinceReview(row, seen) : null;
  if (moved) throw new DomainError(moved);
  const expectedHeadSha = (seen ? seen.headSha : row.headSha) || undefined;
  const scm = openScmRepository(row.repository);
  // The forge's gates of the exact head reviewed, read now: a required check or approval that is
  // pending or red refuses here, with the reason, rather than as the forge's bare 405.
  const gates = await refreshMergeGates(prisma, id).catch(explain);
  const blocked = gates ? gateRefusal(gates, expectedHeadSha ?? null) : null;
  if (blocked) throw new DomainError(blocked);
  let mergeCommitSha: string | null = null;
  try {
    const merged = await scm.mergeChangeRequest(row.number, {
      expectedHeadSha,
      mergedBy: { name: reviewer.name, email: reviewer.email },
    });
    mergeCommitSha = merged.mergeCommitSha;
  } catch (error) {
    explain(error);
  }
  // Forges report the merge through webhooks; record it now so the portal does not wait for one.
  // Who merged and the merge commit are recorded whatever wrote the state first (plain git's store
  // marks the row merged itself; a fast webhook may have too).
  await prisma.changeRequest.updateMany({ where: { id, state: { in: ["OPEN", "DRAFT"] } }, data: { state: "MERGED", mergedAt: new Date() } });
  await prisma.changeRequest.updateMany({
    where: { id, state: "MERGED", mergedById: null },
    data: { mergedById: reviewer.id, ...(mergeCommitSha ? { mergeCommitSha } : {}) },
  });
  await syncRepositoryNow(prisma, row.repository.name);
  // The base moved: the repository's other open changes may conflict now.
  await refreshRepositoryChanges(prisma, row.repository.name).catch((error: unknown) => log("warn", "open changes could not be refreshed", { repository: row.repository.name, error: errorMessage(error) }));
  return { number: row.number, label: row.label, headSha: row.headSha, authorId: row.authorId };
}

/** Closes without merging and deletes the branch: nothing is deployed. */
export async function closeChange(prisma: PrismaClient, id: number, closer?: Pick<Requester, "id">): Promise<{ number: number; label: string }> {
  const row = await changeWithRepository(prisma, id);
  try {
    await openScmRepository(row.repository).closeChangeRequest(row.number, { deleteBranch: true });
  } catch (error) {
    explain(error);
  }
  await prisma.changeRequest.updateMany({ where: { id, state: { in: ["OPEN", "DRAFT"] } }, data: { state: "CLOSED", closedAt: new Date() } });
  if (closer) await prisma.changeRequest.updateMany({ where: { id, state: "CLOSED", closedById: null }, data: { closedById: closer.id } });
  return { number: row.number, label: row.label };
}
