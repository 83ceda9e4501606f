import type { MergeGate, MergeGates } from "../types";
import type { GitLabContext } from "./context";
import { describeFailure } from "./errors";
import type { WireMergeRequest } from "./wire";

// Merge gates on GitLab: the draft flag, each approval rule (approval_state: the rules and who
// approved under each) and the head pipeline. GitLab picks approvers from its approval rules and
// CODEOWNERS itself, so Ferry requests nobody here; it shows who the rules wait for.

/** GET …/merge_requests/:iid/approval_state, as GitLab documents it (merge_request_approvals.html). */
interface WireApprovalState {
  approval_rules_overwritten: boolean;
  rules: {
    id: number;
    name: string;
    rule_type: string;
    approvals_required: number;
    approved: boolean;
    approved_by?: { username: string }[];
    eligible_approvers?: { username: string }[];
  }[];
}

type WireHeadPipeline = { id: number; status: string; web_url?: string } | null | undefined;

/** Two reads in parallel: the merge request (draft, head, head pipeline) and its approval state. */
export async function readGitLabMergeGates(ctx: GitLabContext, iid: number): Promise<MergeGates> {
  const notes: string[] = [];
  const [mr, state] = await Promise.all([
    ctx.client.call({ action: `read merge request !${iid}` }, (api) => api.MergeRequests.show(ctx.projectPath, iid), { raw: true }) as Promise<unknown> as Promise<WireMergeRequest & { head_pipeline?: WireHeadPipeline }>,
    (
      ctx.client.call({ action: `read the approval state of merge request !${iid}` }, (api) => api.MergeRequestApprovals.showApprovalState(ctx.projectPath, iid), { raw: true }) as Promise<unknown> as Promise<WireApprovalState>
    ).catch((error: unknown) => {
      const status = describeFailure(error).status;
      // Approval rules are a paid feature (and need Developer access to read): without them, no rule gates.
      if (status === 403 || status === 404) {
        notes.push("Approval rules are not readable on this project (GitLab Premium, or the token's access): approvals are GitLab's to enforce.");
        return null;
      }
      throw ctx.client.fail(error, { action: `read the approval state of merge request !${iid}` });
    }),
  ]).catch((error: unknown) => {
    throw ctx.client.fail(error, { action: `read merge request !${iid}` });
  });

  const gates: MergeGate[] = [];
  if (mr.draft || mr.work_in_progress) gates.push({ kind: "draft", name: "Draft", state: "pending", required: true, detail: "Marked as a draft: mark it ready on GitLab." });
  if (mr.detailed_merge_status === "requested_changes") gates.push({ kind: "review", name: "Changes requested", state: "failure", required: true, detail: "A reviewer requested changes." });
  for (const rule of state?.rules ?? []) {
    const approvedBy = (rule.approved_by ?? []).map((u) => u.username);
    const required = rule.approvals_required > 0;
    gates.push({
      kind: "approval",
      name: rule.name,
      state: rule.approved || !required ? "success" : "pending",
      required,
      detail:
        `${approvedBy.length} of ${rule.approvals_required} approval${rule.approvals_required === 1 ? "" : "s"}` +
        (approvedBy.length ? ` (${approvedBy.join(", ")})` : "") +
        (!rule.approved && rule.eligible_approvers?.length ? `; can approve: ${rule.eligible_approvers.map((u) => u.username).join(", ")}` : ""),
    });
  }
  const pipeline = mr.head_pipeline;
  if (pipeline && pipeline.status !== "skipped") {
    const state: MergeGate["state"] = pipeline.status === "success" ? "success" : ["failed", "canceled", "canceling"].includes(pipeline.status) ? "failure" : "pending";
    gates.push({ kind: "pipeline", name: `Pipeline #${pipeline.id}`, state, required: true, detail: pipeline.status.replaceAll("_", " "), ...(pipeline.web_url ? { url: pipeline.web_url } : {}) });
  }
  // merge_when_pipeline_succeeds is what GitLab still reports when auto-merge (its new name) is on; merge_user set it.
  const autoMerge = mr.state === "opened" && mr.merge_when_pipeline_succeeds ? { enabledBy: mr.merge_user?.username ?? null, method: null } : null;
  return { headSha: mr.sha ?? "", readAt: new Date().toISOString(), gates, requestedReviewers: [], notes, autoMerge };
}
