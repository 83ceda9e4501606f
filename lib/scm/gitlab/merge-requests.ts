import { ConflictError, InvalidInputError, RefNotFoundError, StaleBaseError } from "../errors";
import type {
  ChangeRequest,
  CloseChangeRequestInput,
  EnableAutoMergeInput,
  FindChangeRequestInput,
  MergeChangeRequestInput,
  OpenChangeRequestInput,
  UpdateChangeRequestInput,
} from "../types";
import { assertBranchName } from "./branch-name";
import type { GitLabContext } from "./context";
import { describeFailure, DUPLICATE_MR_MESSAGE } from "./errors";
import { reshapeMergeRequest } from "./reshape";
import type { WireApprovals, WireMergeRequest } from "./wire";

// Merge requests through gitbeaker's MergeRequests and MergeRequestApprovals. Opening is ONE call:
// a promotion is the commit plus this. GitLab keeps one open MR per source/target pair and answers a
// second one with 409 "Another open merge request already exists for this source branch: !N": that
// MR is adopted (brought up to date with the new title and description), never duplicated.

const DRAFT_PREFIX = /^\s*(\[draft\]|\(draft\)|draft:|draft\s|wip:)/i;

export async function openMergeRequest(ctx: GitLabContext, input: OpenChangeRequestInput): Promise<ChangeRequest> {
  assertBranchName(ctx.repository, input.headBranch);
  assertBranchName(ctx.repository, input.baseBranch);
  if (input.headBranch === input.baseBranch) throw new InvalidInputError(ctx.repository, `A change request needs two different branches, not "${input.headBranch}" twice.`);
  if (input.title.trim().length === 0) throw new InvalidInputError(ctx.repository, "A change request needs a title.");
  // GitLab has no draft flag on create: a "Draft:" title prefix is how a draft is made.
  const title = input.draft && !DRAFT_PREFIX.test(input.title) ? `Draft: ${input.title}` : input.title;
  const action = `open a merge request from "${input.headBranch}" into "${input.baseBranch}"`;
  try {
    const mr = await ctx.client.call({ action, ref: input.headBranch, write: true }, (api) =>
      api.MergeRequests.create(ctx.projectPath, input.headBranch, input.baseBranch, title, {
        description: input.body,
        ...(input.labels?.length ? { labels: input.labels.join(",") } : {}),
      }),
      { raw: true },
    );
    return reshapeMergeRequest(ctx.repository, mr as unknown as WireMergeRequest);
  } catch (error) {
    const failure = describeFailure(error);
    const duplicate = failure.status !== null && failure.status < 500 ? DUPLICATE_MR_MESSAGE.exec(failure.message) : null;
    if (duplicate) return adopt(ctx, input, title, duplicate[1] ? Number(duplicate[1]) : null);
    // No answer in time, a dropped connection, a 5xx: GitLab may have opened it all the same. Look before failing.
    const mayHaveHappened = failure.final === "timeout" || (failure.final === undefined && (failure.status === null || failure.status >= 500));
    const opened = mayHaveHappened ? await findOpen(ctx, input.headBranch, input.baseBranch).catch(() => null) : null;
    if (!opened) throw ctx.client.fail(error, { action, ref: input.headBranch, write: true });
    return adopt(ctx, input, title, opened.iid);
  }
}

/** The open MR GitLab named (or the open one for this branch), updated to what was asked now. */
async function adopt(ctx: GitLabContext, input: OpenChangeRequestInput, title: string, iid: number | null): Promise<ChangeRequest> {
  const existing = iid !== null ? await showMergeRequest(ctx, iid) : await findOpen(ctx, input.headBranch, input.baseBranch);
  if (!existing || existing.state !== "opened") {
    throw new ConflictError(ctx.repository, `GitLab reports an open merge request for "${input.headBranch}" in "${ctx.repository}", but it could not be found; try again.`);
  }
  const labels = input.labels ?? existing.labels;
  const current = existing.title === title && (existing.description ?? "") === input.body && sameLabels(existing.labels, labels);
  if (current) return reshapeMergeRequest(ctx.repository, existing);
  return editMergeRequest(ctx, existing.iid, { title, description: input.body, labels: labels.join(",") });
}

export async function updateMergeRequest(ctx: GitLabContext, iid: number, input: UpdateChangeRequestInput): Promise<ChangeRequest> {
  assertIid(ctx, iid);
  if (input.title !== undefined && input.title.trim().length === 0) throw new InvalidInputError(ctx.repository, "A change request needs a title.");
  return editMergeRequest(ctx, iid, {
    ...(input.title !== undefined ? { title: input.title } : {}),
    ...(input.body !== undefined ? { description: input.body } : {}),
    ...(input.labels !== undefined ? { labels: input.labels.join(",") } : {}),
  });
}

export async function findMergeRequest(ctx: GitLabContext, input: FindChangeRequestInput): Promise<ChangeRequest | null> {
  assertBranchName(ctx.repository, input.headBranch);
  const list = (await ctx.client.call({ action: `find merge requests from "${input.headBranch}"` }, (api) =>
    api.MergeRequests.all({
      projectId: ctx.projectPath,
      sourceBranch: input.headBranch,
      ...(input.baseBranch ? { targetBranch: input.baseBranch } : {}),
      // "opened" includes drafts; without a state GitLab lists every state.
      ...(input.state === "any" ? {} : { state: "opened" as const }),
      orderBy: "created_at",
      sort: "desc",
      perPage: 20,
      maxPages: 1,
    }),
  )) as unknown as WireMergeRequest[];
  const first = list[0];
  return first ? reshapeMergeRequest(ctx.repository, first) : null;
}

/** One merge request with its review (approvals) and checks (head pipeline): two reads in parallel. */
export async function getMergeRequest(ctx: GitLabContext, iid: number): Promise<ChangeRequest> {
  assertIid(ctx, iid);
  const [mr, approvals] = await Promise.all([showMergeRequest(ctx, iid), readApprovals(ctx, iid)]);
  if (!mr) throw notFound(ctx, iid);
  return reshapeMergeRequest(ctx.repository, mr, approvals);
}

export async function mergeMergeRequest(ctx: GitLabContext, iid: number, input: MergeChangeRequestInput): Promise<ChangeRequest> {
  assertIid(ctx, iid);
  const method = input.method ?? "merge";
  if (method === "rebase") {
    throw new InvalidInputError(ctx.repository, 'GitLab merges with the project\'s merge method; ask for "merge" or "squash", or set "fast-forward merge" in the project.');
  }
  if (input.expectedHeadSha !== undefined && !/^[0-9a-f]{40,64}$/.test(input.expectedHeadSha)) {
    throw new InvalidInputError(ctx.repository, `"${input.expectedHeadSha}" is not a full git object id.`);
  }
  const action = `merge merge request !${iid}`;
  try {
    const mr = await ctx.client.call({ action, write: true }, (api) =>
      api.MergeRequests.accept(ctx.projectPath, iid, {
        ...(input.expectedHeadSha ? { sha: input.expectedHeadSha } : {}),
        ...(method === "squash" ? { squash: true } : {}),
        ...(input.commitMessage ? (method === "squash" ? { squashCommitMessage: input.commitMessage } : { mergeCommitMessage: input.commitMessage }) : {}),
      }),
      { raw: true },
    );
    return reshapeMergeRequest(ctx.repository, mr as unknown as WireMergeRequest);
  } catch (error) {
    const failure = describeFailure(error);
    if (failure.status === 404) throw notFound(ctx, iid, error);
    // 409: the head moved since it was reviewed; GitLab names the current head.
    if (failure.status === 409 && /SHA does not match HEAD/i.test(failure.message) && input.expectedHeadSha) {
      const current = await showMergeRequest(ctx, iid).catch(() => null);
      const actual = /([0-9a-f]{40,64})/.exec(failure.message)?.[1] ?? current?.sha ?? null;
      throw new StaleBaseError(ctx.repository, current?.source_branch ?? `!${iid}`, input.expectedHeadSha, actual, { cause: error });
    }
    // 405 (draft, closed, pipeline required, not mergeable), 406 (conflicts), 422 (merge failed).
    if (failure.status === 405 || failure.status === 406 || failure.status === 409 || failure.status === 422) {
      throw new ConflictError(ctx.repository, `Merge request !${iid} of "${ctx.repository}" cannot be merged: GitLab says "${failure.message}" (${failure.status}).`, { cause: error });
    }
    throw ctx.client.fail(error, { action, write: true });
  }
}

export async function closeMergeRequest(
  ctx: GitLabContext,
  iid: number,
  input: CloseChangeRequestInput,
  deleteBranch: (branch: string) => Promise<void>,
): Promise<ChangeRequest> {
  assertIid(ctx, iid);
  const closed = await editMergeRequest(ctx, iid, { stateEvent: "close" });
  if (closed.state === "merged") throw new ConflictError(ctx.repository, `Merge request !${iid} of "${ctx.repository}" is already merged; it cannot be closed.`);
  if (input.deleteBranch) await deleteBranch(closed.headBranch);
  return closed;
}

/** A note (comment) on the merge request, for its reviewers. */
export async function commentOnMergeRequest(ctx: GitLabContext, iid: number, body: string): Promise<void> {
  assertIid(ctx, iid);
  const action = `comment on merge request !${iid}`;
  try {
    await ctx.client.call({ action, write: true }, (api) => api.MergeRequestNotes.create(ctx.projectPath, iid, body), { raw: true });
  } catch (error) {
    if (describeFailure(error).status === 404 && !/project not found/i.test(describeFailure(error).message)) throw notFound(ctx, iid, error);
    throw ctx.client.fail(error, { action, write: true });
  }
}

// ---- internals ----

async function editMergeRequest(ctx: GitLabContext, iid: number, changes: { title?: string; description?: string; labels?: string; stateEvent?: string }): Promise<ChangeRequest> {
  const action = `update merge request !${iid}`;
  try {
    const mr = await ctx.client.call({ action, write: true }, (api) => api.MergeRequests.edit(ctx.projectPath, iid, changes), { raw: true });
    return reshapeMergeRequest(ctx.repository, mr as unknown as WireMergeRequest);
  } catch (error) {
    if (describeFailure(error).status === 404) throw notFound(ctx, iid, error);
    throw ctx.client.fail(error, { action, write: true });
  }
}

async function showMergeRequest(ctx: GitLabContext, iid: number): Promise<WireMergeRequest | null> {
  try {
    const mr = await ctx.client.call({ action: `read merge request !${iid}` }, (api) => api.MergeRequests.show(ctx.projectPath, iid), { raw: true });
    return mr as unknown as WireMergeRequest;
  } catch (error) {
    if (describeFailure(error).status === 404 && !/project not found/i.test(describeFailure(error).message)) return null;
    throw ctx.client.fail(error, { action: `read merge request !${iid}` });
  }
}

async function findOpen(ctx: GitLabContext, headBranch: string, baseBranch: string): Promise<WireMergeRequest | null> {
  const list = (await ctx.client.call({ action: `find the open merge request from "${headBranch}"` }, (api) =>
    api.MergeRequests.all({ projectId: ctx.projectPath, sourceBranch: headBranch, targetBranch: baseBranch, state: "opened", perPage: 20, maxPages: 1 }),
  )) as unknown as WireMergeRequest[];
  return list[0] ?? null;
}

/**
 * Approvals of one MR. Missing approvals (403/404: the feature is off, or the token may not see it)
 * leave the review state unknown rather than failing the whole read.
 */
async function readApprovals(ctx: GitLabContext, iid: number): Promise<WireApprovals | null> {
  try {
    const approvals = await ctx.client.call({ action: `read the approvals of merge request !${iid}` }, (api) =>
      api.MergeRequestApprovals.showConfiguration(ctx.projectPath, { mergerequestIId: iid }),
      { raw: true },
    );
    return approvals as unknown as WireApprovals;
  } catch (error) {
    const status = describeFailure(error).status;
    if (status === 403 || status === 404) return null;
    throw ctx.client.fail(error, { action: `read the approvals of merge request !${iid}` });
  }
}

function notFound(ctx: GitLabContext, iid: number, cause?: unknown): RefNotFoundError {
  return new RefNotFoundError(ctx.repository, `!${iid}`, { cause, message: `Repository "${ctx.repository}" has no merge request !${iid}.` });
}

function assertIid(ctx: GitLabContext, iid: number): void {
  if (!Number.isSafeInteger(iid) || iid < 1) throw new InvalidInputError(ctx.repository, `"${iid}" is not a merge request number.`);
}

function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");
}

/**
 * GitLab's auto-merge: `PUT …/merge` with `auto_merge` (GitLab 17.11+) and, for older servers, the
 * deprecated `merge_when_pipeline_succeeds` it replaces; `sha` binds it to the head the reviewer saw.
 * GitLab merges at once when nothing is left to wait for: that is reported as a ConflictError naming
 * it, so the caller records the merge rather than an auto-merge that will never fire.
 */
export async function enableMergeRequestAutoMerge(ctx: GitLabContext, iid: number, input: EnableAutoMergeInput): Promise<void> {
  assertIid(ctx, iid);
  if (!/^[0-9a-f]{40,64}$/.test(input.expectedHeadSha)) throw new InvalidInputError(ctx.repository, `"${input.expectedHeadSha}" is not a full git object id.`);
  if (input.method === "rebase") throw new InvalidInputError(ctx.repository, 'GitLab merges with the project\'s merge method; ask for "merge" or "squash".');
  const action = `turn on auto-merge of merge request !${iid}`;
  let mr: WireMergeRequest;
  try {
    mr = (await ctx.client.call({ action, write: true }, (api) =>
      api.MergeRequests.accept(ctx.projectPath, iid, { sha: input.expectedHeadSha, autoMerge: true, mergeWhenPipelineSucceeds: true, ...(input.method === "squash" ? { squash: true } : {}) }),
      { raw: true },
    )) as unknown as WireMergeRequest;
  } catch (error) {
    const failure = describeFailure(error);
    if (failure.status === 404) throw notFound(ctx, iid, error);
    if (failure.status === 409 && /SHA does not match HEAD/i.test(failure.message)) {
      const current = await showMergeRequest(ctx, iid).catch(() => null);
      throw new StaleBaseError(ctx.repository, current?.source_branch ?? `!${iid}`, input.expectedHeadSha, /([0-9a-f]{40,64})/.exec(failure.message)?.[1] ?? current?.sha ?? null, { cause: error });
    }
    if (failure.status === 405 || failure.status === 406 || failure.status === 422) {
      throw new ConflictError(ctx.repository, `GitLab refused auto-merge of merge request !${iid}: "${failure.message}" (${failure.status}).`, { cause: error });
    }
    throw ctx.client.fail(error, { action, write: true });
  }
  if (mr.state === "merged") throw new ConflictError(ctx.repository, `Merge request !${iid} of "${ctx.repository}" had nothing left to wait for: GitLab merged it at once.`);
}

export async function disableMergeRequestAutoMerge(ctx: GitLabContext, iid: number): Promise<void> {
  assertIid(ctx, iid);
  const action = `turn off auto-merge of merge request !${iid}`;
  try {
    await ctx.client.call({ action, write: true }, (api) => api.MergeRequests.cancelOnPipelineSuccess(ctx.projectPath, iid), { raw: true });
  } catch (error) {
    const failure = describeFailure(error);
    if (failure.status === 404) throw notFound(ctx, iid, error);
    // 406: auto-merge was not on (already merged by it, or cancelled on GitLab): the outcome asked for, unless it merged.
    if (failure.status === 406) {
      const current = await showMergeRequest(ctx, iid).catch(() => null);
      if (current?.state === "merged") throw new ConflictError(ctx.repository, `Merge request !${iid} of "${ctx.repository}" is already merged.`, { cause: error });
      return;
    }
    throw ctx.client.fail(error, { action, write: true });
  }
}
