import { ConflictError, InvalidInputError } from "../errors";
import { forgeCloneReader, type ForgeCloneReader } from "../git/forge-clone-reader";
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
import { assertBranchName, assertSafeRef } from "./arguments";
import { disablePullAutoMerge, enablePullAutoMerge } from "./auto-merge";
import { credentialsFromEnv, InstallationTokens, StaticToken, statusOf, authenticateWith, type GitHubCredentials, type TokenSource } from "./auth";
import { createOctokit, type GitHubClientTuning } from "./client";
import { fail, type GitHubContext } from "./context";
import { githubMessage } from "./errors";
import { parseGitHubUrl, type GitHubLocation } from "./location";
import { pollPullRequests } from "./poll-pulls";
import { PullRequests } from "./pulls";
import { readGitHubMergeGates, requestCodeOwners } from "./review-gates";
import { RefResolver } from "./resolve-ref";
import { createBranchWithCommit, type CommitTree } from "./write-commit";
import { createVerifiedBranchCommit } from "./write-verified-commit";

export interface GitHubRepositoryOptions {
  /** Configured repository name. */
  name: string;
  /** Web address: https://github.com/<owner>/<repo> or a GitHub Enterprise Server address. */
  url: string;
  defaultBranch?: string;
  /** REST base; default api.github.com for github.com, `<origin>/api/v3` otherwise (FERRY_GITHUB_API_URL). */
  apiUrl?: string;
  /** Default: from the environment (see credentialsFromEnv). */
  credentials?: GitHubCredentials;
  /** Retry and pacing knobs (tests shrink the waits). */
  tuning?: GitHubClientTuning;
  /** Clock for installation token expiry (tests). */
  now?: () => number;
  /** Where the repository's partial clone is kept (`<dir>/github/<name>-<hash>.git`). Default `<FERRY_DATA_DIR>/mirrors`. */
  cacheDir?: string;
}

/** Trees kept for building commits on a recently read head without reading its tree again. */
const CACHED_TREES = 2;

/**
 * A repository on GitHub or GitHub Enterprise Server: read over git from a local partial clone
 * (../git/forge-clone-reader.ts: one fetch per poll, blobs fetched in one batch, history walked
 * locally), written and its pull requests handled through the REST API (octokit). One instance per
 * repository per process (lib/sync/open-scm.ts): it keeps ETags, installation tokens and recent
 * trees between calls, and runs its writes one at a time.
 */
export class GitHubRepository implements ScmRepository {
  readonly provider = "github" as const;
  readonly name: string;
  readonly url: string;
  readonly defaultBranch: string;
  readonly location: GitHubLocation;
  private readonly ctx: GitHubContext;
  private readonly refs: RefResolver;
  private readonly reader: ForgeCloneReader;
  private readonly pulls: PullRequests;
  private readonly trees = new Map<string, CommitTree>();
  private writes: Promise<unknown> = Promise.resolve();
  /** An App installation writes through createCommitOnBranch, so its commits are signed by GitHub (verified). */
  readonly verifiedCommits: boolean;

  constructor(opts: GitHubRepositoryOptions) {
    this.name = opts.name;
    this.url = opts.url;
    this.defaultBranch = opts.defaultBranch ?? "main";
    this.location = parseGitHubUrl(opts.url, opts.apiUrl);
    const { owner, repo, apiBaseUrl, apiHost } = this.location;
    const octokit = createOctokit({ ...opts.tuning, baseUrl: apiBaseUrl });
    const credentials = opts.credentials ?? credentialsFromEnv();
    this.verifiedCommits = credentials.kind === "app";
    const tokens: TokenSource =
      credentials.kind === "token"
        ? new StaticToken(credentials.token)
        : new InstallationTokens({ ...opts.tuning, baseUrl: apiBaseUrl, appId: credentials.appId, privateKey: credentials.privateKey, owner, repo, now: opts.now });
    authenticateWith(octokit, tokens);
    this.ctx = { octokit, owner, repo, name: this.name, host: apiHost };
    this.refs = new RefResolver(this.ctx);
    this.reader = forgeCloneReader({
      repository: this.name,
      forge: "GitHub",
      url: `${this.location.webOrigin}/${owner}/${repo}.git`,
      cacheDir: opts.cacheDir,
      defaultBranch: this.defaultBranch,
      // GitHub takes a token (personal or App installation) over git as the password of x-access-token.
      credentials: { username: "x-access-token", token: () => tokens.token(), invalidate: (rejected) => tokens.invalidate(rejected) },
      timeoutMs: opts.tuning?.timeoutMs,
    });
    this.pulls = new PullRequests(this.ctx);
  }

  // ---- read side ----

  resolveRef(ref: string): Promise<string> {
    return this.reader.resolveRef(ref);
  }

  isAncestor(ancestorSha: string, commitSha: string): Promise<boolean> {
    return this.reader.isAncestor(ancestorSha, commitSha);
  }

  readBranchTip(branch: string): Promise<string | null> {
    assertBranchName(this.name, branch);
    return this.refs.branchTip(branch);
  }

  async readTree(commitSha: string): Promise<TreeEntry[]> {
    assertSafeRef(this.name, commitSha);
    return (await this.commitTree(commitSha)).entries;
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
    const { webOrigin, owner, repo } = this.location;
    return `${webOrigin}/${owner}/${repo}/commit/${encodeURIComponent(sha)}`;
  }

  // ---- write side ----

  createBranchWithCommit(input: CreateBranchWithCommitInput): Promise<{ commitSha: string }> {
    const write = this.verifiedCommits ? createVerifiedBranchCommit : createBranchWithCommit;
    return this.serialised(() => write(this.ctx, input, (sha) => this.commitTree(sha)));
  }

  deleteBranch(branch: string): Promise<void> {
    assertBranchName(this.name, branch);
    if (branch === this.defaultBranch) return Promise.reject(new ConflictError(this.name, `Refusing to delete "${branch}": it is the default branch of "${this.name}".`));
    return this.serialised(async () => {
      const { octokit, owner, repo } = this.ctx;
      try {
        await octokit.rest.git.deleteRef({ owner, repo, ref: `heads/${branch}` });
      } catch (error) {
        // Already gone is the outcome asked for.
        if (statusOf(error) === 404 || (statusOf(error) === 422 && /does not exist/i.test(githubMessage(error)))) return;
        throw fail(this.ctx, error, `delete branch "${branch}"`);
      }
      this.refs.forget(branch);
    });
  }

  openChangeRequest(input: OpenChangeRequestInput): Promise<ChangeRequest> {
    return this.serialised(async () => {
      const pull = await this.pulls.open(input);
      if (input.requestCodeOwners) {
        const outcome = await requestCodeOwners(this.ctx, this.reader, pull, input.requestCodeOwners);
        if (outcome && "failed" in outcome) console.warn(`[github] ${this.name}: could not request the code owners' review of #${pull.number}: ${outcome.failed}`);
      }
      return pull;
    });
  }

  readMergeGates(number: number): Promise<MergeGates> {
    return readGitHubMergeGates(this.ctx, number);
  }

  updateChangeRequest(number: number, input: UpdateChangeRequestInput): Promise<ChangeRequest> {
    return this.serialised(() => this.pulls.update(number, input));
  }

  findChangeRequest(input: FindChangeRequestInput): Promise<ChangeRequest | null> {
    assertSafeRef(this.name, input.headBranch);
    return this.pulls.find(input);
  }

  getChangeRequest(number: number): Promise<ChangeRequest> {
    return this.pulls.get(number);
  }

  mergeChangeRequest(number: number, input: MergeChangeRequestInput = {}): Promise<ChangeRequest> {
    if (input.commitMessage !== undefined && input.commitMessage.includes("\0")) {
      return Promise.reject(new InvalidInputError(this.name, "A commit message must not contain NUL characters."));
    }
    return this.serialised(() => this.pulls.merge(number, input));
  }

  closeChangeRequest(number: number, input: CloseChangeRequestInput = {}): Promise<ChangeRequest> {
    return this.serialised(() => this.pulls.close(number, input, (branch) => this.deleteBranchNow(branch)));
  }

  pollChangeRequests(known: KnownChangeRequest[]): Promise<PolledChangeRequest[]> {
    return pollPullRequests(this.ctx, known);
  }

  enableAutoMerge(number: number, input: EnableAutoMergeInput): Promise<void> {
    return this.serialised(() => enablePullAutoMerge(this.ctx, number, input));
  }

  disableAutoMerge(number: number): Promise<void> {
    return this.serialised(() => disablePullAutoMerge(this.ctx, number));
  }

  commentOnChangeRequest(number: number, body: string): Promise<void> {
    return this.serialised(() => this.pulls.comment(number, body));
  }

  // ---- internals ----

  /** Writes of one instance run one after another: a promotion's tree → commit → ref is not interleaved with another's. */
  private serialised<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writes.then(fn, fn);
    this.writes = run.catch(() => undefined);
    return run;
  }

  /** deleteBranch without queueing (called from inside a queued write). */
  private async deleteBranchNow(branch: string): Promise<void> {
    const { octokit, owner, repo } = this.ctx;
    try {
      await octokit.rest.git.deleteRef({ owner, repo, ref: `heads/${branch}` });
      this.refs.forget(branch);
    } catch (error) {
      if (statusOf(error) === 404 || statusOf(error) === 422) return;
      throw fail(this.ctx, error, `delete branch "${branch}"`);
    }
  }

  private async commitTree(commitSha: string): Promise<CommitTree> {
    const cached = this.trees.get(commitSha);
    if (cached) return cached;
    const [entries, treeSha] = await Promise.all([this.reader.readTree(commitSha), this.reader.treeSha(commitSha)]);
    const tree = { treeSha, entries };
    this.trees.set(commitSha, tree);
    while (this.trees.size > CACHED_TREES) this.trees.delete(this.trees.keys().next().value ?? "");
    return tree;
  }
}

/** The GitHub provider for a configured repository, credentials and API URL from the environment. */
export function createGitHubRepository(spec: { name: string; url: string; branch?: string; cacheDir?: string }, env: Record<string, string | undefined> = process.env): GitHubRepository {
  return new GitHubRepository({
    name: spec.name,
    url: spec.url,
    defaultBranch: spec.branch,
    cacheDir: spec.cacheDir,
    apiUrl: env.FERRY_GITHUB_API_URL?.trim() || undefined,
    credentials: credentialsFromEnv(env),
  });
}
