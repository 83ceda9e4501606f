import type { PrismaClient } from "@/lib/db/generated/client";
import { DomainError } from "@/lib/actions/domain-error";
import type { EnvironmentImpact } from "@/lib/gitops/impact";
import { promotionBranch, type PromotionPlan } from "@/lib/gitops/promote";
import { openChange, type ChangeLink, type Requester } from "./open-change";
import { repositoryOwnership, type CellAuthorizer } from "./impact-refusal";
import { openBulkChangeHolding } from "./bulk-cells";
import { planPromotionAt, promotionPreview, refuseHeld, refuseImpact, type PromotionPreview } from "./preview-promotion";
import type { PromotionRequest } from "./promotion-request";
import { rollbackContext, updatePin } from "./rollback";

export type { ChangeLink, Requester } from "./open-change";

type ChangesPlan = Extract<PromotionPlan, { status: "changes" }>;

export type OpenPromotionResult =
  | {
      status: "opened" | "updated" | "identical";
      change: ChangeLink;
      plan: ChangesPlan;
      baseSha: string;
      /** A rollback pinned the cell; a promotion confirmed through its pin cleared it. */
      pin?: "pinned" | "unpinned" | null;
      reviewersTold?: true | "no-thread" | { failed: string };
    }
  /** The branch moved since the preview: here is the new plan; confirm again to open it. */
  | { status: "base-moved"; preview: PromotionPreview }
  | { status: "up-to-date" | "needs-confirmation" | "refused"; preview: PromotionPreview };

/** What is stored with a promotion's change request: enough to show and explain it without the forge. */
export interface StoredChangeSet {
  edits: { path: string; action: string }[];
  diff: string;
  fields: ChangesPlan["fields"];
  skipped: ChangesPlan["skipped"];
  notes: string[];
  downgrade: boolean;
  /** Every cell the change alters (absent on rows stored before this was recorded). */
  affected?: EnvironmentImpact[];
  /** The request it was planned from, so it can be planned again on a newer head (absent on older rows). */
  request?: Omit<PromotionRequest, "expectedBaseSha">;
}

/**
 * Opens (or updates) the change request of a promotion through the one write path (openChange):
 * one deterministic branch per (app, target env); promoting again updates it or says it is identical;
 * built on the latest head, and if that moved since the user's preview, the new plan comes back.
 */
export async function openPromotion(
  prisma: PrismaClient,
  request: PromotionRequest,
  requester: Requester,
  options: { portalUrl?: string; updateOf?: { changeId: number }; authorizeCell?: CellAuthorizer } = {},
): Promise<OpenPromotionResult> {
  const context = await rollbackContext(prisma, request);
  const judge = options.authorizeCell;
  const repositoryRow = judge ? await prisma.repository.findUnique({ where: { name: request.repository }, select: { id: true } }) : null;
  const ownership = repositoryRow ? await repositoryOwnership(prisma, repositoryRow.id) : null;
  const planOptions = { requestedBy: requester.name, portalUrl: options.portalUrl, context };
  const branch = promotionBranch(request.app, request.to);
  // Updating this promotion's own change is not a second change for the cell.
  const holder = options.updateOf ? null : await heldByBulk(prisma, request, branch);
  let repoRef: { id: number; headSha: string } | undefined;
  const result = await openChange<PromotionPlan>(prisma, {
    repository: request.repository,
    branch,
    requester,
    expectedBaseSha: request.expectedBaseSha,
    portalUrl: options.portalUrl,
    updateOf: options.updateOf,
    plan: (repo) => {
      repoRef = { id: repo.id, headSha: repo.headSha };
      const planned = planPromotionAt(repo, request, planOptions);
      const judged = judge && ownership ? refuseImpact(request, planned, ownership, judge) : planned;
      const plan = holder ? refuseHeld(request, judged, holder) : judged;
      if (plan.status !== "changes") return { refusal: plan };
      return {
        plan,
        draft: {
          kind: "PROMOTION",
          changeSet: plan.changeSet,
          appName: request.app,
          fromEnv: request.from,
          toEnv: request.to,
          details: { fields: plan.fields, skipped: plan.skipped, notes: plan.notes, downgrade: plan.downgrade, affected: plan.affected ?? [], request: storedRequest(request) },
        },
      };
    },
  });
  if (result.status === "opened" || result.status === "updated" || result.status === "identical") {
    if (result.plan.status !== "changes") throw new Error("unreachable: a change was opened from a plan without changes");
    const pin = await updatePin(prisma, request, context, { changeId: result.change.id, by: requester });
    return { status: result.status, change: result.change, plan: result.plan, baseSha: result.baseSha, pin, ...(result.reviewersTold !== undefined ? { reviewersTold: result.reviewersTold } : {}) };
  }
  if (!repoRef) throw new DomainError(`Repository ${request.repository} could not be planned against.`);
  const preview = await promotionPreview(prisma, repoRef, request, result.plan);
  if (result.status === "base-moved") return { status: "base-moved", preview };
  const plan = result.plan;
  if (plan.status === "changes") throw new Error("unreachable: a plan with changes was not opened");
  return { status: plan.status, preview };
}

/** The request as kept with the change: the preview's base is not part of what was asked for. */
function storedRequest(request: PromotionRequest): Omit<PromotionRequest, "expectedBaseSha"> {
  const { expectedBaseSha: _base, ...kept } = request;
  return kept;
}

async function heldByBulk(prisma: PrismaClient, request: PromotionRequest, branch: string): Promise<{ id: number; label: string } | null> {
  const repository = await prisma.repository.findUnique({ where: { name: request.repository }, select: { id: true } });
  return repository ? openBulkChangeHolding(prisma, repository.id, request, branch) : null;
}
