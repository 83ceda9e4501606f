import type { Prisma, PrismaClient } from "@/lib/db/generated/client";
import { DomainError } from "@/lib/actions/domain-error";
import type { MergeGates, ScmRepository } from "@/lib/scm/types";
import { openScmRepository } from "@/lib/sync/open-scm";
import { gateRefusal } from "./gate-refusal";
import { refreshMergeGates } from "./merge-gates";
import { changeWithRepository, explain } from "./review-change";
import { changedSinceReview, type ReviewedVersion } from "./reviewed-version";
import { errorMessage, log } from "@/lib/observability/log";

// "Merge when ready": the forge's own auto-merge (GitHub enablePullRequestAutoMerge, GitLab auto-merge)
// merges the change once its required reviews and checks pass. It is asked for with the same binding
// as Ferry's Merge: the head commit and plan the reviewer saw, sent to the forge as the expected head.
// The forge then merges and announces it with its usual webhook, which Ferry records as any merge
// made on the forge (refresh-change.ts). Who turned it on in Ferry is the audit row of the action.

/** Audit action names: the change page reads the latest of them to say who turned auto-merge on. */
export const AUTO_MERGE_ON = "change.auto-merge";
export const AUTO_MERGE_OFF = "change.auto-merge-cancel";

export async function enableAutoMerge(prisma: PrismaClient, id: number, seen: ReviewedVersion): Promise<{ label: string; headSha: string; gates: MergeGates }> {
  const row = await changeWithRepository(prisma, id);
  const moved = changedSinceReview(row, seen);
  if (moved) throw new DomainError(moved.replace("Nothing was merged.", "Auto-merge was not turned on."));
  const scm = openScmRepository(row.repository);
  if (!scm.enableAutoMerge) throw new DomainError(`${row.repository.name} is a plain git repository: there is no forge to merge it when ready; merge it once it is reviewed.`);
  if (!seen.headSha) throw new DomainError(`${row.label} has no head commit yet: reload the page.`);
  const gates = await refreshMergeGates(prisma, id).catch(explain);
  if (!gates) throw new DomainError(`${row.label} has no merge gates on its forge to wait for.`);
  if (gates.autoMerge) throw new DomainError(`Auto-merge of ${row.label} is already on.`);
  const refusal = gateRefusal(gates, seen.headSha);
  if (refusal === null) throw new DomainError(`Nothing to wait for: every required gate of ${row.label} is green. Merge it now instead.`);
  // A head the forge moved past is refused before asking it (gateRefusal's first answer names it).
  if (gates.headSha !== seen.headSha) throw new DomainError(refusal);
  try {
    await scm.enableAutoMerge(row.number, { expectedHeadSha: seen.headSha });
  } catch (error) {
    explain(error);
  }
  // Read again so the page shows the forge's own word that auto-merge is on.
  const after = await refreshMergeGates(prisma, id).catch(() => gates);
  return { label: row.label, headSha: seen.headSha, gates: after ?? gates };
}

export async function cancelAutoMerge(prisma: PrismaClient, id: number): Promise<{ label: string }> {
  const row = await changeWithRepository(prisma, id);
  const scm = openScmRepository(row.repository);
  if (!scm.disableAutoMerge) throw new DomainError(`${row.repository.name} is a plain git repository: it has no auto-merge to cancel.`);
  try {
    await scm.disableAutoMerge(row.number);
  } catch (error) {
    explain(error);
  }
  await refreshMergeGates(prisma, id).catch((error: unknown) => log("warn", "merge gates could not be read after cancelling auto-merge", { change_id: id, error: errorMessage(error) }));
  return { label: row.label };
}

/** Who turned auto-merge on through Ferry and when: the latest successful enable, unless a cancel or a rewrite of the branch came after it. */
export async function autoMergeRequestedBy(prisma: PrismaClient, id: number): Promise<{ actorId: string | null; at: Date } | null> {
  const last = await prisma.auditEvent.findFirst({
    where: { resourceType: "change", resourceId: String(id), action: { in: [AUTO_MERGE_ON, AUTO_MERGE_OFF] }, result: "ok" },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    select: { action: true, actorId: true, at: true },
  });
  if (last?.action !== AUTO_MERGE_ON) return null;
  // Ferry rewriting the branch since turned it off (dropAutoMergeBeforeRewrite).
  const row = await prisma.changeRequest.findUnique({ where: { id }, select: { replannedAt: true } });
  return row?.replannedAt && row.replannedAt > last.at ? null : { actorId: last.actorId, at: last.at };
}

/**
 * Before Ferry rewrites the branch of an open change (update on the current head, promoting again):
 * auto-merge was turned on for the head being replaced, and the forge would merge the new head without
 * anyone reviewing it, so it is turned off first. A forge that refuses stops the rewrite. No request
 * when the stored gates say auto-merge is off.
 */
export async function dropAutoMergeBeforeRewrite(prisma: PrismaClient, scm: ScmRepository, change: { id: number; number: number | null; mergeGates: Prisma.JsonValue | null }): Promise<boolean> {
  const gates = change.mergeGates as Partial<MergeGates> | null;
  if (!gates?.autoMerge || change.number === null || !scm.disableAutoMerge) return false;
  try {
    await scm.disableAutoMerge(change.number);
  } catch (error) {
    explain(error);
  }
  await prisma.changeRequest.update({ where: { id: change.id }, data: { mergeGates: { ...gates, autoMerge: null } as unknown as Prisma.InputJsonValue } });
  return true;
}
