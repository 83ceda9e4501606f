import type { Prisma, PrismaClient } from "@/lib/db/generated/client";
import { DomainError } from "@/lib/actions/domain-error";
import type { ChangeSet } from "@/lib/gitops/change-set";
import type { PromotionPlan } from "@/lib/gitops/promote";
import { isScmError } from "@/lib/scm/errors";
import type { FileChange } from "@/lib/scm/types";
import { openScmRepository } from "@/lib/sync/open-scm";
import { previewPromotion, type PromotionPreview } from "./preview-promotion";
import type { PromotionRequest } from "./promotion-request";
import { withBranchWriteLock } from "./write-lock";

export interface Requester {
  id: string;
  name: string;
  email: string;
}

export interface ChangeLink {
  id: number;
  number: number | null;
  url: string | null;
}

type ChangesPlan = Extract<PromotionPlan, { status: "changes" }>;

export type OpenPromotionResult =
  | { status: "opened" | "updated" | "identical"; change: ChangeLink; plan: ChangesPlan; baseSha: string }
  /** The branch moved since the preview: here is the new plan; confirm again to open it. */
  | { status: "base-moved"; preview: PromotionPreview }
  | { status: "up-to-date" | "needs-confirmation" | "refused"; preview: PromotionPreview };

/** What is stored with a change request: enough to show its diff and explain it without the forge. */
export interface StoredChangeSet {
  edits: { path: string; action: string }[];
  diff: string;
  fields: ChangesPlan["fields"];
  skipped: ChangesPlan["skipped"];
  notes: string[];
  downgrade: boolean;
}

function toStored(plan: ChangesPlan): StoredChangeSet {
  return {
    edits: plan.changeSet.edits.map((e) => ({ path: e.path, action: e.action })),
    diff: plan.changeSet.diff,
    fields: plan.fields,
    skipped: plan.skipped,
    notes: plan.notes,
    downgrade: plan.downgrade,
  };
}

function toFileChanges(changeSet: ChangeSet): FileChange[] {
  return changeSet.edits.map((e) => (e.action === "delete" || e.content === null ? { path: e.path, delete: true as const } : { path: e.path, content: e.content }));
}

/**
 * Opens (or updates) the change request of a promotion. Idempotent per (app, target env): one
 * deterministic branch, one open change request; promoting again updates it or says it is identical.
 * Built on the repository's latest head; if that moved since the user's preview, nothing is written
 * and the new plan is returned for another look.
 */
export async function openPromotion(
  prisma: PrismaClient,
  request: PromotionRequest,
  requester: Requester,
  options: { portalUrl?: string } = {},
): Promise<OpenPromotionResult> {
  const repo = await prisma.repository.findUnique({ where: { name: request.repository } });
  if (!repo) throw new DomainError(`Repository ${request.repository} is not configured.`);
  const first = await previewPromotion(prisma, request, { requestedBy: requester.name, portalUrl: options.portalUrl });

  try {
    return await withBranchWriteLock(prisma, repo.id, first.branch, async () => {
      // Re-plan under the lock: another promotion may have landed while we waited.
      const preview = await previewPromotion(prisma, request, { sync: false, requestedBy: requester.name, portalUrl: options.portalUrl });
      if (request.expectedBaseSha && request.expectedBaseSha !== preview.baseSha) return { status: "base-moved" as const, preview };
      const plan = preview.plan;
      if (plan.status !== "changes") return { status: plan.status, preview };

      const scm = openScmRepository(repo);
      const changeSet = plan.changeSet;
      const author = { name: requester.name, email: requester.email };
      const stored = toStored(plan) as unknown as Prisma.InputJsonValue;

      if (preview.existingChange) {
        const row = await prisma.changeRequest.findUniqueOrThrow({ where: { id: preview.existingChange.id } });
        const previous = row.changeSet as unknown as Partial<StoredChangeSet>;
        if (row.baseSha === preview.baseSha && previous.diff === changeSet.diff) {
          return { status: "identical" as const, change: preview.existingChange, plan, baseSha: preview.baseSha };
        }
        const { commitSha } = await scm.createBranchWithCommit({
          baseSha: preview.baseSha,
          branch: changeSet.branch,
          message: changeSet.commitMessage,
          author,
          changes: toFileChanges(changeSet),
          force: true,
        });
        if (row.number !== null) await scm.updateChangeRequest(row.number, { title: changeSet.title, body: changeSet.body });
        await prisma.changeRequest.update({
          where: { id: row.id },
          data: { title: changeSet.title, body: changeSet.body, baseSha: preview.baseSha, headSha: commitSha, changeSet: stored, fromEnv: request.from },
        });
        return { status: "updated" as const, change: preview.existingChange, plan, baseSha: preview.baseSha };
      }

      // A branch left by a closed change request is replaced: the lock makes this the only writer.
      const { commitSha } = await scm.createBranchWithCommit({
        baseSha: preview.baseSha,
        branch: changeSet.branch,
        message: changeSet.commitMessage,
        author,
        changes: toFileChanges(changeSet),
        force: true,
      });
      const opened = await scm.openChangeRequest({
        headBranch: changeSet.branch,
        baseBranch: scm.defaultBranch,
        title: changeSet.title,
        body: changeSet.body,
        author: requester.id,
      });
      const data = {
        kind: "PROMOTION" as const,
        title: changeSet.title,
        body: changeSet.body,
        branch: changeSet.branch,
        baseSha: preview.baseSha,
        headSha: commitSha,
        url: opened.url,
        authorId: requester.id,
        appName: request.app,
        fromEnv: request.from,
        toEnv: request.to,
        changeSet: stored,
      };
      // Plain git records the change request in our table itself; forges do not, so create it then.
      const existing = await prisma.changeRequest.findFirst({ where: { repositoryId: repo.id, number: opened.number } });
      const row = existing
        ? await prisma.changeRequest.update({ where: { id: existing.id }, data })
        : await prisma.changeRequest.create({ data: { ...data, repositoryId: repo.id, number: opened.number } });
      return { status: "opened" as const, change: { id: row.id, number: row.number, url: row.url }, plan, baseSha: preview.baseSha };
    });
  } catch (error) {
    // Forge refusals (conflict, stale base, unreachable) are the user's to know, with what to do.
    if (isScmError(error)) throw new DomainError(`${error.message} Nothing was changed; try again, or refresh the repository.`);
    throw error;
  }
}
