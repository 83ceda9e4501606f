import type { ChangeRequest } from "../types";
import type { WireCheckRuns, WireCombinedStatus, WirePullListItem, WirePullRequest, WireReview } from "./wire";

// Wire → domain. Small pure functions, tested on their own and fed by the contract tests.

type WirePull = WirePullRequest | WirePullListItem;

export function reshapeState(pull: WirePull): ChangeRequest["state"] {
  if (pull.merged_at) return "merged";
  if (pull.state === "closed") return "closed";
  return pull.draft ? "draft" : "open";
}

export interface PullExtras {
  repository: string;
  reviewState?: ChangeRequest["reviewState"];
  checksState?: ChangeRequest["checksState"];
}

export function reshapePullRequest(pull: WirePull, extras: PullExtras): ChangeRequest {
  return {
    provider: "github",
    repository: extras.repository,
    number: pull.number,
    url: pull.html_url,
    title: pull.title,
    body: pull.body ?? "",
    state: reshapeState(pull),
    headBranch: pull.head.ref,
    baseBranch: pull.base.ref,
    headSha: pull.head.sha,
    mergeCommitSha: pull.merged_at ? (pull.merge_commit_sha ?? null) : null,
    author: pull.user?.login ?? null,
    createdAt: new Date(pull.created_at),
    updatedAt: new Date(pull.updated_at),
    // Only the single-PR endpoint computes mergeability (null while GitHub is still computing it).
    mergeable: "mergeable" in pull ? pull.mergeable : null,
    // GitHub's `mergeable` is about conflicts alone (checks and reviews are `mergeable_state`).
    ...("mergeable" in pull ? { conflict: pull.state === "open" && pull.mergeable !== null ? !pull.mergeable : null } : {}),
    labels: pull.labels.map((l) => l.name ?? "").filter(Boolean),
    ...(extras.reviewState !== undefined ? { reviewState: extras.reviewState } : {}),
    ...(extras.checksState !== undefined ? { checksState: extras.checksState } : {}),
  };
}

/** What a review decision is made of: REST reviews and GraphQL's latestReviews both carry it. */
export type ReviewFacts = Pick<WireReview, "id" | "state"> & { submitted_at?: string | null; user: { login: string } | null };

/**
 * GitHub's review decision from the review list: each reviewer's latest APPROVED / CHANGES_REQUESTED /
 * DISMISSED counts (comments do not change a decision). Any "changes requested" wins; otherwise
 * one approval approves; reviews that exist but decide nothing are "pending"; none at all is null.
 */
export function reshapeReviewState(reviews: readonly ReviewFacts[]): ChangeRequest["reviewState"] {
  const latest = new Map<string, string>();
  const ordered = [...reviews].sort((a, b) => Date.parse(a.submitted_at ?? "") - Date.parse(b.submitted_at ?? ""));
  for (const review of ordered) {
    const who = review.user?.login ?? `#${review.id}`;
    if (review.state === "APPROVED" || review.state === "CHANGES_REQUESTED" || review.state === "DISMISSED") latest.set(who, review.state);
  }
  const decisions = [...latest.values()];
  if (decisions.includes("CHANGES_REQUESTED")) return "changes_requested";
  if (decisions.includes("APPROVED")) return "approved";
  return reviews.length > 0 ? "pending" : null;
}

/**
 * One state for all checks on a commit: check runs (GitHub Actions, apps) and commit statuses
 * (older CI integrations). Any failure fails; anything unfinished is pending; null when there are none.
 */
export function reshapeChecksState(runs: WireCheckRuns | null, status: WireCombinedStatus | null): ChangeRequest["checksState"] {
  const states: ("success" | "failure" | "pending")[] = [];
  for (const run of runs?.check_runs ?? []) {
    if (run.status !== "completed") states.push("pending");
    else if (run.conclusion === "success" || run.conclusion === "neutral" || run.conclusion === "skipped") states.push("success");
    else states.push("failure");
  }
  if (status && status.total_count > 0) {
    states.push(status.state === "success" ? "success" : status.state === "pending" ? "pending" : "failure");
  }
  if (states.length === 0) return null;
  if (states.includes("failure")) return "failure";
  if (states.includes("pending")) return "pending";
  return "success";
}
