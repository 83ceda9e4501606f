import { ConflictError, InvalidInputError, RefNotFoundError, StaleBaseError } from "../errors";
import { assertSafeRef } from "../git/arguments";
import { forgeCloneReader, type ForgeCloneReader } from "../git/forge-clone-reader";
import { assertChangeList } from "../git/commit-changes";
import { assertCommitMessage, assertIdentity } from "../git/write-arguments";
import type {
  ChangeRequest,
  CloseChangeRequestInput,
  CommitInfo,
  CreateBranchWithCommitInput,
  EnableAutoMergeInput,
  FindChangeRequestInput,
  KnownChangeRequest,
  LogOptions,
  MergeChangeRequestInput,
  OpenChangeRequestInput,
  MergeGates,
  PolledChangeRequest,
  ScmRepository,
  TreeEntry,
  UpdateChangeRequestInput,
} from "../types";
import { assertBranchName } from "./branch-name";
import { GitLabClient, type RetryOptions } from "./client";
import { foldersOf, planCommitActions } from "./commit-actions";
import { short, type GitLabContext } from "./context";
import { describeFailure, FILE_STATE_MESSAGE, RACE_MESSAGE } from "./errors";
import { parseGitLabUrl, type GitLabLocation } from "./location";
import { closeMergeRequest, commentOnMergeRequest, disableMergeRequestAutoMerge, enableMergeRequestAutoMerge, findMergeRequest, getMergeRequest, mergeMergeRequest, openMergeRequest, updateMergeRequest } from "./merge-requests";
import { pollMergeRequests } from "./poll-merge-requests";
import { listFolders } from "./list-folders";
import { readGitLabMergeGates } from "./review-gates";
import type { WireBranch, WireCommit } from "./wire";

export interface GitLabRepositoryOptions {
  /** Configured repository name. */
  name: string;
  /** The project's web address, e.g. https://gitlab.com/acme/platform/gitops. */
  url: string;
  defaultBranch?: string;
  /** Access token (scope `api`). */
  token?: string;
  /** Instance base URL when the API is not at the project URL's origin (FERRY_GITLAB_URL). */
  apiUrl?: string;
  retry?: RetryOptions;
  /** Per request, and per git fetch without an answer (default FERRY_FORGE_TIMEOUT_SECONDS, 30 s). */
  timeoutMs?: number;
  /** Where the project's partial clone is kept (`<dir>/gitlab/<name>-<hash>.git`). Default `<FERRY_DATA_DIR>/mirrors`. */
  cacheDir?: string;
}

/** Trees of this many recent commits are kept: a commit's tree never changes. */
const TREE_CACHE_SIZE = 4;

/**
 * A GitLab project. Reading over git from a local partial clone (../git/forge-clone-reader.ts: one
 * fetch per poll, blobs fetched in one batch, history walked locally). Writing through the REST API
 * (gitbeaker): ONE commits-API call with `actions[]` that creates or force-replaces the branch on
 * `start_sha` = baseSha, then ONE merge request call.
 */
export class GitLabRepository implements ScmRepository {
  readonly provider = "gitlab" as const;
  readonly name: string;
  readonly url: string;
  readonly defaultBranch: string;
  readonly location: GitLabLocation;
  private readonly ctx: GitLabContext;
  private readonly reader: ForgeCloneReader;
  /** commit sha → its tree, most recent last (Map keeps insertion order). */
  private readonly trees = new Map<string, TreeEntry[]>();

  constructor(opts: GitLabRepositoryOptions) {
    this.name = opts.name;
    this.url = opts.url;
    this.defaultBranch = opts.defaultBranch ?? "main";
    this.location = parseGitLabUrl(opts.url, opts.apiUrl);
    const client = new GitLabClient({
      repository: opts.name,
      apiBase: this.location.apiBase,
      apiHost: this.location.apiHost,
      token: opts.token,
      retry: opts.retry,
      timeoutMs: opts.timeoutMs,
    });
    this.ctx = { client, repository: opts.name, projectPath: this.location.projectPath };
    const token = opts.token ?? "";
    this.reader = forgeCloneReader({
      repository: opts.name,
      forge: "GitLab",
      url: `${this.location.webUrl}.git`,
      cacheDir: opts.cacheDir,
      defaultBranch: this.defaultBranch,
      // GitLab takes an access token over git as the password of any user name; "oauth2" is the documented one.
      credentials: { username: "oauth2", token: async () => token },
      timeoutMs: opts.timeoutMs,
    });
  }

  // ---- read side ----

  resolveRef(ref: string): Promise<string> {
    return this.reader.resolveRef(ref);
  }

  isAncestor(ancestorSha: string, commitSha: string): Promise<boolean> {
    return this.reader.isAncestor(ancestorSha, commitSha);
  }

  async readBranchTip(branch: string): Promise<string | null> {
    assertBranchName(this.name, branch);
    const action = `read branch "${branch}"`;
    try {
      const found = (await this.ctx.client.call({ action, ref: branch }, (api) => api.Branches.show(this.ctx.projectPath, branch), { raw: true })) as unknown as WireBranch;
      return found.commit.id;
    } catch (error) {
      const failure = describeFailure(error);
      if (failure.status === 404 && !/project not found/i.test(failure.message)) return null;
      throw this.ctx.client.fail(error, { action, ref: branch });
    }
  }

  async readTree(commitSha: string): Promise<TreeEntry[]> {
    assertSafeRef(this.name, commitSha);
    const cached = this.trees.get(commitSha);
    if (cached) return cached.map((e) => ({ ...e }));
    const entries = await this.reader.readTree(commitSha);
    // Only a full sha names an immutable tree; a branch name would go stale.
    if (/^[0-9a-f]{40,64}$/.test(commitSha)) this.remember(commitSha, entries);
    return entries.map((e) => ({ ...e }));
  }

  readBlobs(shas: string[]): Promise<Map<string, string>> {
    return this.reader.readBlobs(shas);
  }

  log(opts: LogOptions): Promise<CommitInfo[]> {
    return this.reader.log(opts);
  }

  lastCommitByPath(commitSha: string, paths: string[]): Promise<Map<string, CommitInfo>> {
    return this.reader.lastCommitByPath(commitSha, paths);
  }

  commitsByPath(commitSha: string, paths: string[], limit: number): Promise<Map<string, CommitInfo[]>> {
    return this.reader.commitsByPath(commitSha, paths, limit);
  }

  commitUrl(sha: string): string {
    return `${this.location.webUrl}/-/commit/${encodeURIComponent(sha)}`;
  }

  // ---- write side ----

  async createBranchWithCommit(input: CreateBranchWithCommitInput): Promise<{ commitSha: string }> {
    assertBranchName(this.name, input.branch);
    if (input.branch === this.defaultBranch) throw new ConflictError(this.name, `Refusing to write "${input.branch}": it is the default branch of "${this.name}".`);
    assertSafeRef(this.name, input.baseSha);
    assertCommitMessage(this.name, input.message);
    assertIdentity(this.name, input.author, "author");
    // The API commits as the token's user; a committer is checked for parity but cannot be set.
    if (input.committer) assertIdentity(this.name, input.committer, "committer");
    assertChangeList(this.name, input.changes);
    const baseSha = /^[0-9a-f]{40,64}$/.test(input.baseSha) ? input.baseSha : await this.resolveRef(input.baseSha);

    const known = this.trees.get(baseSha);
    let existing: ReadonlySet<string> | null = known ? new Set(known.map((e) => e.path)) : null;
    for (let attempt = 1; ; attempt++) {
      const actions = planCommitActions(input.changes, existing);
      if (actions.length === 0) throw new InvalidInputError(this.name, `Nothing to commit on ${short(baseSha)}: every file to delete is already absent.`);
      const action = `commit to branch "${input.branch}"`;
      let commit: WireCommit;
      try {
        commit = (await this.ctx.client.call(
          { action, ref: baseSha, write: true },
          (api) =>
            api.Commits.create(this.ctx.projectPath, input.branch, input.message, actions, {
              // start_sha (not start_branch): the new commit's parent is exactly the planned base,
              // wherever the default branch has moved since.
              startSha: baseSha,
              authorName: input.author.name,
              authorEmail: input.author.email,
              ...(input.force ? { force: true } : {}),
            }),
          { raw: true },
        )) as unknown as WireCommit;
      } catch (error) {
        const message = describeFailure(error).message;
        // The actions were a guess (base tree unknown) and GitLab refused one; learn the folders, plan again.
        if (existing === null && attempt === 1 && FILE_STATE_MESSAGE.test(message)) {
          existing = await listFolders(this.ctx, baseSha, foldersOf(input.changes));
          continue;
        }
        throw await this.commitFailure(error, input.branch, baseSha);
      }
      if (commit.parent_ids[0] !== baseSha || commit.parent_ids.length !== 1) {
        // A server that ignored start_sha built on whatever the branch pointed at: refuse the result.
        if (!input.force) await this.deleteBranch(input.branch).catch(() => undefined);
        throw new StaleBaseError(this.name, this.defaultBranch, baseSha, commit.parent_ids[0] ?? null);
      }
      return { commitSha: commit.id };
    }
  }

  async deleteBranch(branch: string): Promise<void> {
    assertBranchName(this.name, branch);
    if (branch === this.defaultBranch) throw new ConflictError(this.name, `Refusing to delete "${branch}": it is the default branch of "${this.name}".`);
    const action = `delete branch "${branch}"`;
    try {
      await this.ctx.client.call({ action, ref: branch, write: true }, (api) => api.Branches.remove(this.ctx.projectPath, branch), { raw: true });
    } catch (error) {
      const failure = describeFailure(error);
      if (failure.status === 404 && !/project not found/i.test(failure.message)) return; // already gone: the outcome asked for
      throw this.ctx.client.fail(error, { action, ref: branch, write: true });
    }
  }

  openChangeRequest(input: OpenChangeRequestInput): Promise<ChangeRequest> {
    return openMergeRequest(this.ctx, input);
  }

  updateChangeRequest(number: number, input: UpdateChangeRequestInput): Promise<ChangeRequest> {
    return updateMergeRequest(this.ctx, number, input);
  }

  findChangeRequest(input: FindChangeRequestInput): Promise<ChangeRequest | null> {
    return findMergeRequest(this.ctx, input);
  }

  getChangeRequest(number: number): Promise<ChangeRequest> {
    return getMergeRequest(this.ctx, number);
  }

  mergeChangeRequest(number: number, input: MergeChangeRequestInput = {}): Promise<ChangeRequest> {
    return mergeMergeRequest(this.ctx, number, input);
  }

  closeChangeRequest(number: number, input: CloseChangeRequestInput = {}): Promise<ChangeRequest> {
    return closeMergeRequest(this.ctx, number, input, (branch) => this.deleteBranch(branch));
  }

  pollChangeRequests(known: KnownChangeRequest[]): Promise<PolledChangeRequest[]> {
    return pollMergeRequests(this.ctx, known);
  }

  commentOnChangeRequest(number: number, body: string): Promise<void> {
    return commentOnMergeRequest(this.ctx, number, body);
  }

  readMergeGates(number: number): Promise<MergeGates> {
    return readGitLabMergeGates(this.ctx, number);
  }

  enableAutoMerge(number: number, input: EnableAutoMergeInput): Promise<void> {
    return enableMergeRequestAutoMerge(this.ctx, number, input);
  }

  disableAutoMerge(number: number): Promise<void> {
    return disableMergeRequestAutoMerge(this.ctx, number);
  }

  // ---- internals ----

  private remember(sha: string, entries: TreeEntry[]): void {
    this.trees.delete(sha);
    this.trees.set(sha, entries);
    while (this.trees.size > TREE_CACHE_SIZE) this.trees.delete(this.trees.keys().next().value as string);
  }

  /** What a refused commit means for the caller. */
  private async commitFailure(error: unknown, branch: string, baseSha: string) {
    const failure = describeFailure(error);
    const action = `commit to branch "${branch}"`;
    if (/A branch called .* already exists/i.test(failure.message)) {
      return new ConflictError(this.name, `Branch "${branch}" already exists in "${this.name}": adopt its change request, or replace the branch with force.`, { cause: error });
    }
    if (/(Invalid|Cannot find) start_sha/i.test(failure.message)) return new RefNotFoundError(this.name, baseSha, { cause: error });
    if (RACE_MESSAGE.test(failure.message)) {
      // Another writer moved the branch while GitLab was updating it (Gitaly's compare-and-swap lost).
      const actual = await this.branchTip(branch);
      return new StaleBaseError(this.name, branch, baseSha, actual, { cause: error });
    }
    if (FILE_STATE_MESSAGE.test(failure.message)) {
      return new ConflictError(this.name, `GitLab refused the commit to "${branch}" of "${this.name}" (${failure.message}): the files changed meanwhile; reload and try again.`, { cause: error });
    }
    return this.ctx.client.fail(error, { action, ref: baseSha, write: true });
  }

  /** Current tip of a branch, or null (gone, or unreadable right now). */
  private async branchTip(branch: string): Promise<string | null> {
    try {
      const found = (await this.ctx.client.call({ action: `read branch "${branch}"`, ref: branch }, (api) => api.Branches.show(this.ctx.projectPath, branch), { raw: true })) as unknown as WireBranch;
      return found.commit.id;
    } catch {
      return null;
    }
  }
}
