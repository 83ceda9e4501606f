import { RequestError } from "octokit";
import { changeRequestNotFound, notOpen } from "../change-request-store";
import { isForgeTimeout, isForgeWorkStopped } from "../forge-limits";
import { ConflictError, InvalidInputError, StaleBaseError } from "../errors";
import type {
  ChangeRequest,
  CloseChangeRequestInput,
  FindChangeRequestInput,
  MergeChangeRequestInput,
  OpenChangeRequestInput,
  UpdateChangeRequestInput,
} from "../types";
import { statusOf } from "./auth";
import { assertBranchName, assertChangeRequestNumber } from "./arguments";
import { fail, OBJECT_ID, type GitHubContext } from "./context";
import { githubMessage } from "./errors";
import { reshapeChecksState, reshapePullRequest, reshapeReviewState } from "./reshape";
import type { WireCheckRuns, WireCombinedStatus, WirePullListItem, WirePullRequest } from "./wire";

// Change requests are GitHub pull requests. Opening one is a single `POST pulls` (plus
// `POST issues/{n}/labels` only when labels are asked for); reading one fills review and check
// state from the reviews, check-runs and combined-status endpoints.

export class PullRequests {
  /** Commit statuses need the `statuses: read` permission; without it, stop asking after the first 403. */
  private statusesReadable = true;

  constructor(private readonly ctx: GitHubContext) {}

  async open(input: OpenChangeRequestInput): Promise<ChangeRequest> {
    assertBranchName(this.ctx.name, input.headBranch);
    assertBranchName(this.ctx.name, input.baseBranch);
    if (input.headBranch === input.baseBranch) throw new InvalidInputError(this.ctx.name, `A change request needs two different branches, not "${input.headBranch}" twice.`);
    if (input.title.trim().length === 0) throw new InvalidInputError(this.ctx.name, "A change request needs a title.");
    const { octokit, owner, repo } = this.ctx;
    let pull: WirePullRequest;
    try {
      ({ data: pull } = await octokit.rest.pulls.create({ owner, repo, head: input.headBranch, base: input.baseBranch, title: input.title, body: input.body, draft: input.draft ?? false }));
    } catch (error) {
      if (!isPullRequestExists(error)) {
        // No answer, or a 5xx: GitHub may have opened it all the same. Look before reporting a failure.
        const adopted = mayHaveHappened(error) ? await this.listByHead(input.headBranch, "open", input.baseBranch).catch(() => null) : null;
        if (!adopted) throw fail(this.ctx, error, `open a pull request from "${input.headBranch}"`);
        pull = await this.adopt(adopted, input);
        const labels = input.labels?.length ? await this.addLabels(pull.number, input.labels) : undefined;
        const result = reshapePullRequest(pull, { repository: this.ctx.name });
        return labels ? { ...result, labels } : result;
      }
      // Opened before (a retry after a timeout, another replica): adopt it rather than fail or duplicate.
      const existing = await this.listByHead(input.headBranch, "open", input.baseBranch);
      if (!existing) throw new ConflictError(this.ctx.name, `GitHub reports an open pull request for "${input.headBranch}" but Ferry cannot find it: ${githubMessage(error)}`, { cause: error });
      pull = await this.adopt(existing, input);
    }
    const labels = input.labels?.length ? await this.addLabels(pull.number, input.labels) : undefined;
    const result = reshapePullRequest(pull, { repository: this.ctx.name });
    return labels ? { ...result, labels } : result;
  }

  async update(number: number, input: UpdateChangeRequestInput): Promise<ChangeRequest> {
    assertChangeRequestNumber(this.ctx.name, number);
    if (input.title !== undefined && input.title.trim().length === 0) throw new InvalidInputError(this.ctx.name, "A change request needs a title.");
    const fields = { ...(input.title !== undefined ? { title: input.title } : {}), ...(input.body !== undefined ? { body: input.body } : {}) };
    const pull = Object.keys(fields).length > 0 ? await this.patch(number, fields) : await this.fetch(number);
    const labels = input.labels !== undefined ? await this.setLabels(number, input.labels) : undefined;
    const result = reshapePullRequest(pull, { repository: this.ctx.name });
    return labels ? { ...result, labels } : result;
  }

  async find(input: FindChangeRequestInput): Promise<ChangeRequest | null> {
    if (input.headBranch.length === 0) throw new InvalidInputError(this.ctx.name, "A head branch is required.");
    const pull = await this.listByHead(input.headBranch, input.state ?? "open", input.baseBranch);
    return pull ? reshapePullRequest(pull, { repository: this.ctx.name }) : null;
  }

  async get(number: number): Promise<ChangeRequest> {
    assertChangeRequestNumber(this.ctx.name, number);
    const pull = await this.fetch(number);
    const [reviewState, checksState] = await Promise.all([this.reviewState(number), this.checksState(pull.head.sha)]);
    return reshapePullRequest(pull, { repository: this.ctx.name, reviewState, checksState });
  }

  async merge(number: number, input: MergeChangeRequestInput): Promise<ChangeRequest> {
    assertChangeRequestNumber(this.ctx.name, number);
    if (input.expectedHeadSha !== undefined && !OBJECT_ID.test(input.expectedHeadSha)) throw new InvalidInputError(this.ctx.name, `"${input.expectedHeadSha}" is not a full git object id.`);
    const { octokit, owner, repo } = this.ctx;
    try {
      await octokit.rest.pulls.merge({
        owner,
        repo,
        pull_number: number,
        merge_method: input.method ?? "merge",
        // GitHub refuses (409) when the head moved: merge exactly what was reviewed.
        ...(input.expectedHeadSha ? { sha: input.expectedHeadSha } : {}),
        ...(input.commitMessage ? { commit_message: input.commitMessage } : {}),
      });
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) throw changeRequestNotFound(this.ctx.name, number);
      if (status === 409 && input.expectedHeadSha) {
        const current = await this.fetch(number).catch(() => null);
        if (!current || current.head.sha !== input.expectedHeadSha) {
          throw new StaleBaseError(this.ctx.name, current?.head.ref ?? `#${number}`, input.expectedHeadSha, current?.head.sha ?? null, { cause: error });
        }
      }
      if (status === 405 || status === 409 || status === 422) {
        throw new ConflictError(this.ctx.name, `Pull request #${number} of "${this.ctx.name}" cannot be merged: ${githubMessage(error)}`, { cause: error });
      }
      throw fail(this.ctx, error, `merge pull request #${number}`);
    }
    return this.get(number);
  }

  async close(number: number, input: CloseChangeRequestInput, deleteBranch: (branch: string) => Promise<void>): Promise<ChangeRequest> {
    assertChangeRequestNumber(this.ctx.name, number);
    let pull = await this.fetch(number);
    if (pull.merged_at) throw notOpen({ repository: this.ctx.name, number, state: "merged" });
    // Closing twice is not an error: a retry may still need the branch deleted.
    if (pull.state !== "closed") pull = await this.patch(number, { state: "closed" });
    // Only a branch of this repository is ours to delete (never a fork's).
    if (input.deleteBranch && pull.head.repo?.full_name?.toLowerCase() === `${this.ctx.owner}/${this.ctx.repo}`.toLowerCase()) await deleteBranch(pull.head.ref);
    return reshapePullRequest(pull, { repository: this.ctx.name });
  }

  /** A comment in the pull request's conversation (the issue comments every PR has). */
  async comment(number: number, body: string): Promise<void> {
    assertChangeRequestNumber(this.ctx.name, number);
    const { octokit, owner, repo } = this.ctx;
    try {
      await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body });
    } catch (error) {
      if (statusOf(error) === 404) throw changeRequestNotFound(this.ctx.name, number);
      throw fail(this.ctx, error, `comment on pull request #${number}`);
    }
  }

  /** An open pull request of the head branch, brought to the title and body asked for now. */
  private async adopt(existing: WirePullListItem, input: OpenChangeRequestInput): Promise<WirePullRequest> {
    const changed = existing.title !== input.title || (existing.body ?? "") !== input.body;
    return changed ? this.patch(existing.number, { title: input.title, body: input.body }) : this.fetch(existing.number);
  }

  // ---- calls ----

  private async fetch(number: number): Promise<WirePullRequest> {
    const { octokit, owner, repo } = this.ctx;
    try {
      return (await octokit.rest.pulls.get({ owner, repo, pull_number: number })).data;
    } catch (error) {
      if (statusOf(error) === 404) throw changeRequestNotFound(this.ctx.name, number);
      throw fail(this.ctx, error, `read pull request #${number}`);
    }
  }

  private async patch(number: number, fields: { title?: string; body?: string; state?: "open" | "closed" }): Promise<WirePullRequest> {
    const { octokit, owner, repo } = this.ctx;
    try {
      return (await octokit.rest.pulls.update({ owner, repo, pull_number: number, ...fields })).data;
    } catch (error) {
      if (statusOf(error) === 404) throw changeRequestNotFound(this.ctx.name, number);
      throw fail(this.ctx, error, `update pull request #${number}`);
    }
  }

  /** The newest pull request whose head is `branch` of this repository (not a fork's branch of the same name). */
  private async listByHead(branch: string, state: "open" | "any", base?: string): Promise<WirePullListItem | null> {
    const { octokit, owner, repo } = this.ctx;
    try {
      const { data } = await octokit.rest.pulls.list({
        owner,
        repo,
        head: `${owner}:${branch}`,
        state: state === "any" ? "all" : "open",
        sort: "created",
        direction: "desc",
        per_page: 10,
        ...(base ? { base } : {}),
      });
      return data.find((p) => p.head.ref === branch && (base === undefined || p.base.ref === base)) ?? null;
    } catch (error) {
      throw fail(this.ctx, error, `look for the pull request of "${branch}"`);
    }
  }

  private async addLabels(number: number, labels: string[]): Promise<string[]> {
    const { octokit, owner, repo } = this.ctx;
    try {
      const { data } = await octokit.rest.issues.addLabels({ owner, repo, issue_number: number, labels });
      return data.map((l) => l.name);
    } catch (error) {
      throw fail(this.ctx, error, `label pull request #${number}`);
    }
  }

  private async setLabels(number: number, labels: string[]): Promise<string[]> {
    const { octokit, owner, repo } = this.ctx;
    try {
      const { data } = await octokit.rest.issues.setLabels({ owner, repo, issue_number: number, labels });
      return data.map((l) => l.name);
    } catch (error) {
      throw fail(this.ctx, error, `label pull request #${number}`);
    }
  }

  private async reviewState(number: number): Promise<ChangeRequest["reviewState"]> {
    const { octokit, owner, repo } = this.ctx;
    try {
      const { data } = await octokit.rest.pulls.listReviews({ owner, repo, pull_number: number, per_page: 100 });
      return reshapeReviewState(data);
    } catch (error) {
      throw fail(this.ctx, error, `read the reviews of pull request #${number}`);
    }
  }

  private async checksState(sha: string): Promise<ChangeRequest["checksState"]> {
    const { octokit, owner, repo } = this.ctx;
    const runs: Promise<WireCheckRuns | null> = octokit.rest.checks
      .listForRef({ owner, repo, ref: sha, per_page: 100 })
      .then((r) => r.data)
      .catch((error: unknown) => {
        // No check runs permission: report what the statuses say.
        if (statusOf(error) === 403) return null;
        throw fail(this.ctx, error, `read the checks of ${sha.slice(0, 8)}`);
      });
    const statuses: Promise<WireCombinedStatus | null> = this.statusesReadable
      ? octokit.rest.repos
          .getCombinedStatusForRef({ owner, repo, ref: sha, per_page: 100 })
          .then((r) => r.data)
          .catch((error: unknown) => {
            const status = statusOf(error);
            if (status === 403) this.statusesReadable = false;
            if (status === 403 || status === 404) return null;
            throw fail(this.ctx, error, `read the commit statuses of ${sha.slice(0, 8)}`);
          })
      : Promise.resolve(null);
    const [r, s] = await Promise.all([runs, statuses]);
    return reshapeChecksState(r, s);
  }
}

/** A failed write GitHub may have carried out: no answer in time, a dropped connection, a 5xx. */
function mayHaveHappened(error: unknown): boolean {
  if (isForgeWorkStopped(error)) return false;
  if (isForgeTimeout(error)) return true;
  if (error instanceof RequestError && error.response === undefined) return true;
  return (statusOf(error) ?? 0) >= 500;
}

/** 422 "A pull request already exists for owner:branch." */
export function isPullRequestExists(error: unknown): boolean {
  return statusOf(error) === 422 && /pull request already exists/i.test(githubMessage(error));
}
