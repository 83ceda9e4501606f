import type { ActionResult } from "@/lib/actions/action";
import { actionResponse } from "@/lib/actions/http";
import type { OpenPromotionResult } from "@/lib/changes/open-promotion";
import type { PromotionPlan } from "@/lib/gitops/promote";

// The JSON a CI caller gets back. Statuses are chosen so a script can branch on the HTTP code alone:
// 2xx means "the target is (or will be, once merged) at the source's version", anything else needs a human.

/** A plan without file contents: CI logs should show what changes, not carry whole manifests. */
export function summarizePlan(plan: PromotionPlan) {
  switch (plan.status) {
    case "changes":
      return {
        status: plan.status,
        title: plan.changeSet.title,
        branch: plan.changeSet.branch,
        fields: plan.fields,
        skipped: plan.skipped,
        notes: plan.notes,
        downgrade: plan.downgrade,
        edits: plan.changeSet.edits.map((e) => ({ path: e.path, action: e.action })),
        diff: plan.changeSet.diff,
      };
    case "up-to-date":
      return { status: plan.status, message: plan.message };
    case "needs-confirmation":
      return { status: plan.status, reason: plan.reason, fields: plan.fields, confirm: plan.confirm ?? ["allowDowngrade"] };
    case "refused":
      return { status: plan.status, reason: plan.reason, ...(plan.override ? { override: plan.override } : {}) };
  }
}

function reasonOf(plan: PromotionPlan): string {
  if (plan.status === "refused" || plan.status === "needs-confirmation") return plan.reason;
  if (plan.status === "up-to-date") return plan.message;
  return plan.changeSet.title;
}

/** Maps the action's outcome to an HTTP status and body; failures of the chain keep its shape. */
export function promotionResponse(result: ActionResult<OpenPromotionResult>, linkBase: string): Response {
  if (!result.ok) return actionResponse(result);
  const data = result.data;
  switch (data.status) {
    case "opened":
    case "updated":
    case "identical": {
      const link = data.change.url ?? `${linkBase}/changes/${data.change.id}`;
      const body = { ok: true, status: data.status, change: { ...data.change, link }, baseSha: data.baseSha, plan: summarizePlan(data.plan) };
      return Response.json(body, { status: data.status === "opened" ? 201 : 200 });
    }
    case "up-to-date":
      return Response.json({ ok: true, status: data.status, message: reasonOf(data.preview.plan), baseSha: data.preview.baseSha }, { status: 200 });
    case "base-moved":
      return Response.json(
        {
          ok: false,
          status: data.status,
          error: `The default branch moved to ${data.preview.baseSha.slice(0, 12)} since the plan you confirmed; review the new plan and send its baseSha as expectedBaseSha.`,
          baseSha: data.preview.baseSha,
          plan: summarizePlan(data.preview.plan),
        },
        { status: 409 },
      );
    case "needs-confirmation":
    case "refused":
      return Response.json(
        { ok: false, status: data.status, error: reasonOf(data.preview.plan), baseSha: data.preview.baseSha, plan: summarizePlan(data.preview.plan) },
        { status: 422 },
      );
  }
}
