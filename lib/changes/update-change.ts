import type { PrismaClient } from "@/lib/db/generated/client";
import { DomainError } from "@/lib/actions/domain-error";
import { storedBulkCells } from "./bulk-cells";
import { bulkPromotionSchema, openBulkPromotion, type BulkPromotionInput, type CellAuthorizer } from "./bulk-promotion";
import { changeLabel } from "./change-label";
import type { Requester } from "./open-change";
import { openPromotion } from "./open-promotion";
import { promotionRequestSchema, type PromotionRequest } from "./promotion-request";
import { openApp } from "./scaffold-app";
import { appRequestSchema, tenantRequestSchema, type AppInput, type TenantInput } from "./scaffold-request";
import { openTenant } from "./scaffold-tenant";

// "Update this change on the current head": the same promotion, app or tenant planned again on the
// base branch as it is now and written to the same branch (same pull/merge request). Its head commit
// and stored plan change, so a reviewer who saw the old diff must review again before Merge works
// (reviewed-version.ts); the forge's reviewers get a comment.

/** What a change was asked for, read back from its row: validated again, as any request is. */
export type ChangeUpdateRequest =
  | { kind: "PROMOTION"; request: PromotionRequest }
  /** A bulk promotion: every cell it was asked for in its repository, with the confirmations given. */
  | { kind: "BULK"; request: BulkPromotionInput }
  | { kind: "APP"; request: AppInput }
  | { kind: "TENANT"; request: TenantInput };

type Row = { id: number; kind: string; appName: string | null; fromEnv: string | null; toEnv: string | null; changeSet: unknown; repository: { name: string } };

export function changeUpdateRequest(row: Row): ChangeUpdateRequest {
  const stored = (typeof row.changeSet === "object" && row.changeSet !== null ? row.changeSet : {}) as { request?: unknown; downgrade?: boolean };
  if (row.kind === "PROMOTION" && (stored as { bulk?: unknown }).bulk === true) {
    const bulk = stored as { requested?: unknown; left?: { cell?: unknown }[] };
    // Changes opened before the request was kept: the cells it holds and those it left out are the
    // same selection (so the same branch); confirmations given then are asked for again.
    const requested = bulk.requested ?? [...storedBulkCells(stored), ...storedBulkCells({ cells: (bulk.left ?? []).map((l) => l.cell) })].map((c) => ({ ...c, repository: row.repository.name }));
    const parsed = bulkPromotionSchema.safeParse({ cells: requested });
    if (parsed.success && parsed.data.cells.every((c) => c.repository === row.repository.name)) return { kind: "BULK", request: parsed.data };
    throw new DomainError(`Change #${row.id} is a bulk promotion whose cells Ferry cannot read back: plan the same cells again from the matrix (Plan promotion of selected). Nothing was changed.`);
  }
  if (row.kind === "PROMOTION") {
    // Promotions stored before their request was kept: the version promotion they were (folder promotions kept theirs).
    const request = stored.request ?? { repository: row.repository.name, app: row.appName, from: row.fromEnv, to: row.toEnv, allowDowngrade: stored.downgrade ?? false };
    const parsed = promotionRequestSchema.safeParse(request);
    if (parsed.success) return { kind: "PROMOTION", request: parsed.data };
  } else if (stored.request !== undefined) {
    const parsed = row.kind === "APP" ? appRequestSchema.safeParse(stored.request) : tenantRequestSchema.safeParse(stored.request);
    if (parsed.success) return row.kind === "APP" ? { kind: "APP", request: parsed.data as AppInput } : { kind: "TENANT", request: parsed.data as TenantInput };
  }
  throw new DomainError(`Change #${row.id} was opened before Ferry kept what it was asked for, so it cannot be planned again here: open it again from its form. Nothing was changed.`);
}

export async function readChangeUpdateRequest(prisma: PrismaClient, id: number): Promise<ChangeUpdateRequest> {
  const row = await prisma.changeRequest.findUnique({ where: { id }, include: { repository: { select: { name: true } } } });
  if (!row) throw new DomainError(`There is no change #${id}.`);
  return changeUpdateRequest(row);
}

export interface UpdatedOnHead {
  status: "updated" | "identical";
  label: string;
  /** The base commit it is planned on now. */
  baseSha: string;
  reviewersTold?: true | "no-thread" | { failed: string };
}

/**
 * Plans the change again on the current head and rewrites its branch. Refuses (DomainError) when it is
 * not open, when the branch tip is a commit Ferry did not write, or when the new plan needs a decision
 * (a confirmation, a refusal, nothing left to change) that only the form can ask for.
 */
export async function updateChangeOnHead(
  prisma: PrismaClient,
  id: number,
  requester: Requester,
  options: { portalUrl?: string; /** A bulk change: the policy asked for every cell it alters on the new head. */ authorizeCell?: CellAuthorizer } = {},
): Promise<UpdatedOnHead> {
  const row = await prisma.changeRequest.findUnique({ where: { id }, include: { repository: { select: { name: true, provider: true } } } });
  if (!row) throw new DomainError(`There is no change #${id}.`);
  const label = changeLabel({ provider: row.repository.provider, repository: row.repository.name, number: row.number, id: row.id });
  if (row.state !== "OPEN" && row.state !== "DRAFT") throw new DomainError(`${label} is already ${row.state.toLowerCase()}: there is nothing to update.`);
  const asked = changeUpdateRequest(row);
  const updateOf = { changeId: row.id };
  if (asked.kind === "BULK") {
    const authorize = options.authorizeCell ?? (() => ({ allowed: true as const }));
    let outcome;
    try {
      outcome = await openBulkPromotion(prisma, asked.request, requester, authorize, { portalUrl: options.portalUrl, updateOf, keep: storedBulkCells(row.changeSet) });
    } catch (error) {
      if (error instanceof DomainError && error.message.startsWith("on the current head ")) {
        throw new DomainError(`${label} was not updated: ${error.message} Plan the cells again from the matrix to decide. Nothing was changed.`);
      }
      throw error;
    }
    const result = outcome.repositories[0];
    if (result && "change" in result && result.status !== "opened") return { status: result.status, label, baseSha: result.plan.baseSha, reviewersTold: result.reviewersTold };
    if (result && !("change" in result)) throw new DomainError(`${label} was not updated: on the current head there is nothing left to change (every cell already runs what it promotes); close it instead.`);
  } else if (asked.kind === "PROMOTION") {
    const result = await openPromotion(prisma, asked.request, requester, { portalUrl: options.portalUrl, updateOf });
    if ("change" in result && result.status !== "opened") return { status: result.status, label, baseSha: result.baseSha, reviewersTold: result.reviewersTold };
    if ("preview" in result) throw new DomainError(`${label} was not updated: on the current head ${planProblem(result.preview.plan)} Promote again from the matrix to decide. Nothing was changed.`);
  } else {
    const result = asked.kind === "APP" ? await openApp(prisma, asked.request, requester, { updateOf }) : await openTenant(prisma, asked.request, requester, { updateOf });
    if ("change" in result && result.status !== "opened") return { status: result.status, label, baseSha: result.baseSha, reviewersTold: result.reviewersTold };
    if (!("change" in result)) throw new DomainError(`${label} was not updated: on the current head ${planProblem(result.plan)} Nothing was changed.`);
  }
  throw new Error(`unreachable: updating ${label} opened another change`);
}

function planProblem(plan: { status: string; reason?: string; message?: string }): string {
  if (plan.status === "up-to-date") return `there is nothing left to change (${plan.message ?? "the target already matches"}); close it instead.`;
  return `${plan.reason ?? "the plan needs a decision"}`;
}
