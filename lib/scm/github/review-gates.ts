import type { ChangeRequest, MergeGate, MergeGates, OpenChangeRequestInput, TreeEntry } from "../types";
import { statusOf } from "./auth";
import { assertChangeRequestNumber } from "./arguments";
import { codeOwnersPath, parseCodeOwners, reviewersFor, type Reviewers } from "./codeowners";
import { fail, type GitHubContext } from "./context";
import { githubMessage } from "./errors";
import type { WireCheckRuns, WireCombinedStatus, WirePullRequest, WireReview } from "./wire";

// Forge-native review on GitHub: code owners asked for a review when Ferry opens a pull request, and
// the merge gates (draft, reviews, required approvals, check runs, commit statuses) of its head.

/** What the reviewer request needs from the local clone (the base commit's CODEOWNERS). */
export interface CodeOwnersSource {
  readTree(commitSha: string): Promise<TreeEntry[]>;
  readBlobs(shas: string[]): Promise<Map<string, string>>;
}

/**
 * Requests the code owners of the changed paths as reviewers: ONE `POST requested_reviewers` when the
 * base commit has a CODEOWNERS file that names anyone (nothing otherwise). The file is read from the
 * local clone, not the API. Returns who was asked; a refusal is reported, never thrown: the pull
 * request is open either way.
 */
export async function requestCodeOwners(
  ctx: GitHubContext,
  source: CodeOwnersSource,
  pull: ChangeRequest,
  ask: NonNullable<OpenChangeRequestInput["requestCodeOwners"]>,
): Promise<{ requested: Reviewers } | { failed: string } | null> {
  try {
    const tree = await source.readTree(ask.baseSha);
    const path = codeOwnersPath(tree.map((e) => e.path));
    const entry = path ? tree.find((e) => e.path === path) : undefined;
    if (!entry) return null;
    const text = (await source.readBlobs([entry.blobSha])).get(entry.blobSha);
    if (text === undefined) return null;
    // GitHub refuses the whole request (422) when it names the pull request's author.
    const reviewers = reviewersFor(parseCodeOwners(text), ask.paths, ctx.owner, pull.author ? [pull.author] : []);
    if (reviewers.users.length === 0 && reviewers.teams.length === 0) return null;
    const { octokit, owner, repo } = ctx;
    await octokit.rest.pulls.requestReviewers({ owner, repo, pull_number: pull.number, reviewers: reviewers.users, team_reviewers: reviewers.teams });
    return { requested: reviewers };
  } catch (error) {
    return { failed: error instanceof Error ? githubMessage(error) : String(error) };
  }
}

/** What branch protection says about the base branch, as far as the token may read it. */
interface Protection {
  /** Status check names (contexts) that must pass; null: none required, or not readable. */
  requiredChecks: string[] | null;
  /** Approving reviews required; null: not required, or not readable. */
  requiredApprovals: number | null;
  notes: string[];
}

/**
 * The merge gates of pull request `number` at its current head: 6 requests (the pull, its reviews,
 * the head's check runs and combined status, the base branch and its protection), in parallel after
 * the first.
 */
export async function readGitHubMergeGates(ctx: GitHubContext, number: number): Promise<MergeGates> {
  assertChangeRequestNumber(ctx.name, number);
  const { octokit, owner, repo } = ctx;
  let pull: WirePullRequest;
  try {
    pull = (await octokit.rest.pulls.get({ owner, repo, pull_number: number })).data;
  } catch (error) {
    throw fail(ctx, error, `read pull request #${number}`);
  }
  const head = pull.head.sha;
  const [reviews, runs, statuses, protection] = await Promise.all([
    octokit.rest.pulls
      .listReviews({ owner, repo, pull_number: number, per_page: 100 })
      .then((r) => r.data)
      .catch((error: unknown) => {
        throw fail(ctx, error, `read the reviews of pull request #${number}`);
      }),
    optional(ctx, `read the checks of ${head.slice(0, 8)}`, octokit.rest.checks.listForRef({ owner, repo, ref: head, per_page: 100 }).then((r): WireCheckRuns => r.data)),
    optional(ctx, `read the commit statuses of ${head.slice(0, 8)}`, octokit.rest.repos.getCombinedStatusForRef({ owner, repo, ref: head, per_page: 100 }).then((r): WireCombinedStatus => r.data)),
    readProtection(ctx, pull.base.ref),
  ]);
  const notes = [...protection.notes];
  if (runs === null) notes.push("Check runs are not readable with this token (checks: read).");
  if (statuses === null) notes.push("Commit statuses are not readable with this token (statuses: read).");

  const gates: MergeGate[] = [];
  if (pull.draft) gates.push({ kind: "draft", name: "Draft", state: "pending", required: true, detail: "Marked as a draft: mark it ready for review on GitHub." });
  gates.push(...reviewGates(reviews, head, protection.requiredApprovals));
  gates.push(...checkGates(runs, statuses, protection.requiredChecks));
  const requestedReviewers = [...(pull.requested_reviewers ?? []).map((u) => u.login), ...(pull.requested_teams ?? []).map((t) => `${owner}/${t.slug}`)];
  const autoMerge = pull.auto_merge ? { enabledBy: pull.auto_merge.enabled_by?.login ?? null, method: pull.auto_merge.merge_method ?? null } : null;
  return { headSha: head, readAt: new Date().toISOString(), gates, requestedReviewers, notes, autoMerge };
}

function reviewGates(reviews: readonly WireReview[], head: string, requiredApprovals: number | null): MergeGate[] {
  // A reviewer's latest approving or blocking review counts; comments do not change it, a dismissal clears it.
  const latest = new Map<string, WireReview>();
  for (const review of reviews) {
    const login = review.user?.login;
    if (!login) continue;
    if (review.state === "DISMISSED") latest.delete(login);
    else if (review.state === "APPROVED" || review.state === "CHANGES_REQUESTED") latest.set(login, review);
  }
  const gates: MergeGate[] = [];
  let approvals = 0;
  for (const [login, review] of latest) {
    const approved = review.state === "APPROVED";
    if (approved) approvals++;
    const stale = review.commit_id && review.commit_id !== head ? ` (on an earlier commit, ${review.commit_id.slice(0, 7)})` : "";
    gates.push({
      kind: "review",
      name: login,
      state: approved ? "success" : "failure",
      // Changes requested blocks a merge in Ferry whatever the protection says: the reviewer said no.
      required: !approved,
      detail: (approved ? "approved" : "requested changes") + stale,
      ...(review.html_url ? { url: review.html_url } : {}),
    });
  }
  if (requiredApprovals !== null && requiredApprovals > 0) {
    gates.unshift({
      kind: "review",
      name: "Required approvals",
      state: approvals >= requiredApprovals ? "success" : "pending",
      required: true,
      detail: `${approvals} of ${requiredApprovals} approving review${requiredApprovals === 1 ? "" : "s"} (branch protection)`,
    });
  }
  return gates;
}

function checkGates(runs: WireCheckRuns | null, statuses: WireCombinedStatus | null, requiredChecks: string[] | null): MergeGate[] {
  const byName = new Map<string, MergeGate & { id: number }>();
  for (const run of runs?.check_runs ?? []) {
    // A re-run is a new check run of the same name: the newest one counts.
    const previous = byName.get(run.name);
    if (previous && previous.id > run.id) continue;
    const state: MergeGate["state"] =
      run.status !== "completed" ? "pending" : run.conclusion === "success" || run.conclusion === "neutral" || run.conclusion === "skipped" ? "success" : "failure";
    byName.set(run.name, { id: run.id, kind: "check", name: run.name, state, required: false, detail: run.status === "completed" ? (run.conclusion ?? "completed") : run.status.replace("_", " "), ...(run.html_url ? { url: run.html_url } : {}) });
  }
  for (const status of statuses?.statuses ?? []) {
    const state: MergeGate["state"] = status.state === "success" ? "success" : status.state === "pending" ? "pending" : "failure";
    byName.set(status.context, { id: Number.MAX_SAFE_INTEGER, kind: "check", name: status.context, state, required: false, detail: status.description ?? status.state, ...(status.target_url ? { url: status.target_url } : {}) });
  }
  const gates: MergeGate[] = [...byName.values()].map(({ id: _id, ...gate }) => ({ ...gate, required: requiredChecks === null || requiredChecks.includes(gate.name) }));
  // A required check that has not reported yet is what GitHub shows as "Expected — waiting for status".
  for (const name of requiredChecks ?? []) {
    if (!byName.has(name)) gates.push({ kind: "check", name, state: "pending", required: true, detail: "expected: waiting for it to report" });
  }
  return gates;
}

/**
 * The base branch's protection: required checks from GET branch (readable with read access), required
 * approvals from GET branch protection (needs admin; a 403/404 leaves it unknown, said in a note).
 */
async function readProtection(ctx: GitHubContext, branch: string): Promise<Protection> {
  const { octokit, owner, repo } = ctx;
  const notes: string[] = [];
  const [checks, approvals] = await Promise.all([
    octokit.rest.repos.getBranch({ owner, repo, branch }).then(
      ({ data }): string[] | null => {
        const required = data.protection?.required_status_checks;
        const names = [...(required?.contexts ?? []), ...(required?.checks ?? []).map((c) => c.context)];
        return data.protected && names.length > 0 ? [...new Set(names)] : null;
      },
      (error: unknown) => {
        if (statusOf(error) !== 404 && statusOf(error) !== 403) throw fail(ctx, error, `read branch "${branch}"`);
        notes.push(`Branch "${branch}" is not readable: every check on the head is treated as required.`);
        return null;
      },
    ),
    octokit.rest.repos.getBranchProtection({ owner, repo, branch }).then(
      ({ data }) => data.required_pull_request_reviews?.required_approving_review_count ?? null,
      (error: unknown) => {
        const status = statusOf(error);
        // 404: not protected (or no admin right on a private repository); 403: no admin right.
        if (status === 403) notes.push(`Branch protection of "${branch}" is not readable with this token (administration: read): required approvals are GitHub's to enforce.`);
        else if (status !== 404) throw fail(ctx, error, `read the protection of branch "${branch}"`);
        return null;
      },
    ),
  ]);
  return { requiredChecks: checks, requiredApprovals: approvals, notes };
}

/** A read that a missing permission (403) turns into null instead of a failure. */
function optional<T>(ctx: GitHubContext, action: string, read: Promise<T>): Promise<T | null> {
  return read.catch((error: unknown) => {
    if (statusOf(error) === 403 || statusOf(error) === 404) return null;
    throw fail(ctx, error, action);
  });
}
