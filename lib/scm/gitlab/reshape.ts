import type { ChangeRequest } from "../types";
import type { WireApprovals, WireMergeRequest } from "./wire";

/**
 * A merge request as a ChangeRequest. Review and checks come from other answers (approvals, the
 * head pipeline of a single-MR response) and are left out when not known.
 */
export function reshapeMergeRequest(repository: string, mr: WireMergeRequest, approvals?: WireApprovals | null): ChangeRequest {
  const state = reshapeState(mr);
  const open = state === "open" || state === "draft";
  const result: ChangeRequest = {
    provider: "gitlab",
    repository,
    number: mr.iid,
    url: mr.web_url,
    title: mr.title,
    body: mr.description ?? "",
    state,
    headBranch: mr.source_branch,
    baseBranch: mr.target_branch,
    headSha: mr.sha ?? "",
    // Fast-forward and squash-only merges leave merge_commit_sha empty: what landed is then the
    // squash commit, or the head itself.
    mergeCommitSha: state === "merged" ? (mr.merge_commit_sha ?? mr.squash_commit_sha ?? mr.sha ?? null) : null,
    author: mr.author?.username ?? null,
    createdAt: new Date(mr.created_at),
    updatedAt: new Date(mr.updated_at),
    mergeable: open ? reshapeMergeable(mr) : null,
    conflict: open ? reshapeConflict(mr) : null,
    labels: mr.labels,
  };
  if (mr.head_pipeline !== undefined) result.checksState = reshapeChecks(mr.head_pipeline?.status ?? null);
  if (approvals !== undefined) result.reviewState = reshapeReview(mr, approvals);
  return result;
}

function reshapeState(mr: WireMergeRequest): ChangeRequest["state"] {
  switch (mr.state) {
    case "merged":
      return "merged";
    case "closed":
      return "closed";
    default:
      // "opened", and "locked" (a merge in progress): still open from the portal's point of view.
      return mr.draft || mr.work_in_progress ? "draft" : "open";
  }
}

/** detailed_merge_status (GitLab 15.6+) says why not; merge_status is the older, coarser answer. */
const STILL_CHECKING = new Set(["unchecked", "checking", "preparing", "approvals_syncing", "cannot_be_merged_recheck"]);

function reshapeMergeable(mr: WireMergeRequest): boolean | null {
  const detailed = mr.detailed_merge_status;
  if (detailed) {
    if (detailed === "mergeable") return true;
    return STILL_CHECKING.has(detailed) ? null : false;
  }
  if (mr.merge_status === "can_be_merged") return true;
  if (mr.merge_status === "cannot_be_merged") return false;
  return null;
}

/** Conflicts alone (not approvals, pipelines or drafts): null while GitLab is still checking. */
function reshapeConflict(mr: WireMergeRequest): boolean | null {
  const detailed = mr.detailed_merge_status;
  if (detailed && STILL_CHECKING.has(detailed)) return null;
  if (detailed === "conflict" || mr.has_conflicts === true) return true;
  if (detailed || mr.has_conflicts === false) return false;
  return mr.merge_status === "cannot_be_merged" ? true : mr.merge_status === "can_be_merged" ? false : null;
}

/** A pipeline status as a checks state; "skipped" and no pipeline mean nothing to report. */
export function reshapeChecks(status: string | null): ChangeRequest["checksState"] {
  switch (status) {
    case null:
    case "skipped":
      return null;
    case "success":
      return "success";
    case "failed":
    case "canceled":
    case "canceling":
      return "failure";
    default:
      // created, waiting_for_resource, preparing, pending, running, manual, scheduled
      return "pending";
  }
}

function reshapeReview(mr: WireMergeRequest, approvals: WireApprovals | null): ChangeRequest["reviewState"] {
  // GitLab 17 records "request changes" from a reviewer as a merge blocker.
  if (mr.detailed_merge_status === "requested_changes") return "changes_requested";
  if (!approvals) return null;
  const approvedBy = approvals.approved_by.length;
  const rulesSatisfied = approvals.approved ?? (approvals.approvals_left ?? 0) === 0;
  // Without required approvals GitLab calls every MR "approved": only a real approval counts here.
  if (rulesSatisfied && approvedBy > 0) return "approved";
  return "pending";
}
