// The one interface every forge implements (plain git, GitHub, GitLab), modelled on
// akuity/kargo's gitprovider.Interface plus the git reads and writes Ferry needs.
// Providers know nothing about GitOps conventions: they move commits, trees, blobs and change requests.
// Errors are the classes in ./errors.ts (RefNotFoundError, StaleBaseError, ConflictError,
// ForgeUnavailableError, InvalidInputError), never a provider's own error type.

export type ScmProviderKind = "git" | "github" | "gitlab";

/** One blob of a commit's tree. */
export interface TreeEntry {
  /** POSIX path relative to the repository root, no leading "/". */
  path: string;
  blobSha: string;
  /** Git file mode: "100644" file, "100755" executable, "120000" symlink (content is the link target). */
  mode: string;
  /** Size in bytes, when the forge reports it. */
  size?: number;
}

export interface CommitInfo {
  sha: string;
  /** Author name. */
  author: string;
  email: string;
  /** Author date. */
  date: Date;
  /** Full commit message without the trailing newline. */
  message: string;
}

export interface LogOptions {
  /** Branch, tag or commit sha to start from. */
  ref: string;
  /** Only commits touching one of these files or folders (repo-relative; "" or "." is the whole repo). */
  paths?: string[];
  /** Newest first; at most this many. */
  limit?: number;
  /**
   * Only the branch's own line (`git log --first-parent`): a change merged from a branch appears as its
   * merge commit, when it reached the branch, as in lastCommitByPath. Honoured by the git provider.
   */
  firstParent?: boolean;
}

/**
 * One file written or deleted by a commit Ferry creates. `path` is a normalised POSIX path relative to
 * the repository root (no leading "/", no "." or ".." segments, no ".git" component).
 */
export type FileChange =
  /**
   * Add or overwrite a file. The bytes are stored exactly (a string as UTF-8; CRLF and a BOM are kept).
   * An existing file keeps its mode (e.g. executable); a new file is "100644".
   */
  | { path: string; content: string | Uint8Array }
  /** Remove a file; removing a file that does not exist is a no-op. */
  | { path: string; delete: true };

export interface GitIdentity {
  name: string;
  email: string;
}

export interface CreateBranchWithCommitInput {
  /** The commit the change was planned against; the new commit's only parent. */
  baseSha: string;
  /** Branch to create (short name, e.g. `ferry/promote/checkout/production`). */
  branch: string;
  message: string;
  author: GitIdentity;
  /** Committer; "Ferry <ferry@localhost>" when not given. */
  committer?: GitIdentity;
  /** At least one; each path at most once. */
  changes: FileChange[];
  /**
   * Overwrite the branch if it already exists (an update of an open promotion).
   * Without it an existing branch is a ConflictError.
   */
  force?: boolean;
  /**
   * The branch's tip as the caller just read it (null: the branch does not exist), so a provider
   * can go straight to the right call (GitHub: update the ref, instead of a create that is refused
   * with 422 first). With null, a branch that appeared meanwhile is a ConflictError even with `force`.
   */
  replaces?: string | null;
}

/** Pull request (GitHub), merge request (GitLab) or a locally tracked proposal (plain git). */
export type ChangeRequestState = "open" | "draft" | "merged" | "closed";

/** Enough to find a change request again (stored in the database). */
export interface ChangeRequestRef {
  provider: ScmProviderKind;
  /** Configured repository name. */
  repository: string;
  /** PR number (GitHub), MR iid (GitLab), or the git provider's own sequence number. */
  number: number;
  /** Web page of the change request, or null where the forge has none (plain git). */
  url: string | null;
}

export interface ChangeRequest extends ChangeRequestRef {
  title: string;
  body: string;
  state: ChangeRequestState;
  /** Source branch (the one Ferry created). */
  headBranch: string;
  /** Target branch, usually the repository's default branch. */
  baseBranch: string;
  /** Current tip of the head branch. */
  headSha: string;
  /** Set once merged. */
  mergeCommitSha: string | null;
  /** Forge user name of the author, when known. */
  author: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Whether the forge considers it mergeable (no conflicts, checks passed); null when not known (yet). */
  mergeable: boolean | null;
  /**
   * Whether its branch no longer merges cleanly into the base (the base moved under its files): GitHub's
   * `mergeable: false`, GitLab's `detailed_merge_status: conflict`, plain git's merge-tree. null while the
   * forge is still computing it; absent where the answer did not say (a list item).
   */
  conflict?: boolean | null;
  labels: string[];
  /** Review decision where the forge has one (GitHub reviews, GitLab approvals); null when unknown. */
  reviewState?: "approved" | "changes_requested" | "pending" | null;
  /** Combined state of checks/pipelines on the head commit; null when there are none or unknown. */
  checksState?: "success" | "failure" | "pending" | null;
}

/** What a poll knows of one change request from the previous read. */
export interface KnownChangeRequest {
  number: number;
  /** The forge's last-update time seen last time; null when never read. */
  updatedAt: Date | null;
}

/**
 * A change request as a poll reads it: state, head and mergeability always; review and checks where this
 * read included them (absent: keep what is known).
 */
export type PolledChangeRequest = Pick<ChangeRequest, "number" | "state" | "headSha" | "mergeCommitSha" | "url" | "updatedAt" | "mergeable" | "conflict" | "reviewState" | "checksState">;

export interface OpenChangeRequestInput {
  headBranch: string;
  baseBranch: string;
  title: string;
  /** Markdown. */
  body: string;
  draft?: boolean;
  labels?: string[];
  /** Who opens it, recorded where the forge does not know (plain git); forges use the token's user. */
  author?: string;
  /**
   * Ask the code owners of these changed paths for a review, as the base commit's CODEOWNERS names
   * them (GitHub). Best effort: a refused request leaves the change request open. GitLab's approval
   * rules pick their approvers themselves.
   */
  requestCodeOwners?: { baseSha: string; paths: string[] };
}

export interface UpdateChangeRequestInput {
  title?: string;
  body?: string;
  labels?: string[];
}

export interface FindChangeRequestInput {
  headBranch: string;
  baseBranch?: string;
  /** "open" (default) also matches drafts; "any" includes merged and closed ones, newest first. */
  state?: "open" | "any";
}

export type MergeMethod = "merge" | "squash" | "rebase";

export interface MergeChangeRequestInput {
  method?: MergeMethod;
  /** Refuse (StaleBaseError) if the head branch no longer points here: merge exactly what was reviewed. */
  expectedHeadSha?: string;
  commitMessage?: string;
  /** Who merges, for forges that record it in the merge commit (plain git). */
  mergedBy?: GitIdentity;
}

export interface CloseChangeRequestInput {
  /** Also delete the head branch. */
  deleteBranch?: boolean;
}

/** One thing the forge waits for before a merge: a review, an approval rule, a check, a pipeline, the draft flag. */
export interface MergeGate {
  kind: "draft" | "review" | "approval" | "check" | "pipeline";
  name: string;
  state: "success" | "pending" | "failure";
  /** Blocks a merge unless it is "success" (branch protection, approval rules, or Ferry's default: every check on the head). */
  required: boolean;
  /** One line for the change page (who approved, what a check concluded). */
  detail?: string;
  url?: string;
}

/** The merge gates of a change request at one head commit, as read at one time. */
export interface MergeGates {
  /** The head commit the gates were read for: a gate never carries over to another commit. */
  headSha: string;
  readAt: string;
  gates: MergeGate[];
  /** Users and teams asked for a review and not yet answered (GitHub). */
  requestedReviewers: string[];
  /** Reads the forge refused (no permission for branch protection…): said on the page, not fatal. */
  notes: string[];
  /**
   * The forge's auto-merge of this change request, when it is on (GitHub `auto_merge`, GitLab
   * `merge_when_pipeline_succeeds`): the forge merges by itself once the gates pass. `enabledBy` is
   * the forge account that turned it on (Ferry's own token when turned on through Ferry).
   */
  autoMerge?: { enabledBy: string | null; method: string | null } | null;
}

export interface EnableAutoMergeInput {
  /** The head commit the reviewer saw: the forge refuses (StaleBaseError) when the branch moved since. */
  expectedHeadSha: string;
  method?: MergeMethod;
}

/** One configured repository on one forge. All methods may throw ForgeUnavailableError. */
export interface ScmRepository {
  readonly name: string;
  readonly provider: ScmProviderKind;
  /** The URL the repository is configured with (what its own manifests call it, credentials aside). */
  readonly url: string;
  /** Branch the portal reads and targets change requests at. */
  readonly defaultBranch: string;

  /**
   * Branch, tag or commit sha → full commit sha. Refreshes remote state first (fetch, API call),
   * so resolving the default branch is how a sync learns the current head.
   * @throws RefNotFoundError, InvalidInputError (a ref starting with "-")
   */
  resolveRef(ref: string): Promise<string>;

  /**
   * Whether `ancestorSha` is in the history of `commitSha` (a commit is its own ancestor); false also
   * when `ancestorSha` is no longer known (rewritten away). How a sync tells a force-push from a
   * fast-forward. Optional: a provider without it just cannot report force-pushes.
   */
  isAncestor?(ancestorSha: string, commitSha: string): Promise<boolean>;

  /**
   * The branch's tip, or null when there is no such branch: one request where the forge allows it
   * (resolveRef also looks for a tag of that name). Optional: callers fall back to resolveRef.
   */
  readBranchTip?(branch: string): Promise<string | null>;

  /** Every blob of the commit's tree, recursively (submodules left out). @throws RefNotFoundError */
  readTree(commitSha: string): Promise<TreeEntry[]>;

  /**
   * Blob sha → UTF-8 text, fetched in batches (never one request per blob).
   * Binary blobs (NUL bytes, invalid UTF-8) are left out of the map: they are not GitOps text.
   * @throws RefNotFoundError if a blob does not exist
   */
  readBlobs(shas: string[]): Promise<Map<string, string>>;

  /** Commits reachable from `ref`, newest first. @throws RefNotFoundError */
  log(opts: LogOptions): Promise<CommitInfo[]>;

  /**
   * For each path (file or folder), the newest commit on `commitSha`'s first-parent line that changed it
   * (a change merged from a branch is attributed to its merge commit: when it reached the branch).
   * Paths never changed (or absent) are missing from the map. One history walk for all paths.
   */
  lastCommitByPath(commitSha: string, paths: string[]): Promise<Map<string, CommitInfo>>;

  /**
   * As lastCommitByPath, but up to `limit` commits per path, newest first: one history walk where a
   * log per path would cost one each (the cells' history). Optional: callers fall back to `log`.
   */
  commitsByPath?(commitSha: string, paths: string[], limit: number): Promise<Map<string, CommitInfo[]>>;

  // ---- write side ----

  /**
   * Creates `branch` pointing at a new commit on top of `baseSha` that applies `changes`.
   * Publishing is compare-and-swap: of two concurrent writers of the same branch, one gets a ConflictError.
   * @throws ConflictError if the branch exists and `force` is not set, or it moved while being replaced
   * @throws RefNotFoundError if `baseSha` is unknown
   * @throws InvalidInputError for a hostile or malformed path, branch name or identity
   */
  createBranchWithCommit(input: CreateBranchWithCommitInput): Promise<{ commitSha: string }>;

  /** Deletes a branch; deleting a branch that does not exist is not an error. */
  deleteBranch(branch: string): Promise<void>;

  /** @throws ConflictError if an open change request for the same head branch exists */
  openChangeRequest(input: OpenChangeRequestInput): Promise<ChangeRequest>;

  updateChangeRequest(number: number, input: UpdateChangeRequestInput): Promise<ChangeRequest>;

  /** The change request whose head is `headBranch`, or null. Used to keep one open promotion per (app, env). */
  findChangeRequest(input: FindChangeRequestInput): Promise<ChangeRequest | null>;

  /** @throws RefNotFoundError if there is no change request with this number */
  getChangeRequest(number: number): Promise<ChangeRequest>;

  /**
   * @throws ConflictError if it cannot be merged (conflicts, failing checks, already closed)
   * @throws StaleBaseError if `expectedHeadSha` is set and the head branch moved
   */
  mergeChangeRequest(number: number, input?: MergeChangeRequestInput): Promise<ChangeRequest>;

  closeChangeRequest(number: number, input?: CloseChangeRequestInput): Promise<ChangeRequest>;

  /**
   * The current state of several change requests in as few requests as the forge allows, for the
   * polling fallback behind webhooks (GitHub: one GraphQL query per 100; GitLab: one list request plus a
   * single read of each open one whose update time moved; plain git: local reads after one fetch).
   * Numbers the forge does not know are left out.
   */
  pollChangeRequests?(known: KnownChangeRequest[]): Promise<PolledChangeRequest[]>;

  /**
   * Reviews, approval rules, checks and pipelines of the change request's current head, with which of
   * them branch protection or approval rules require. A few requests: called when a change page is
   * viewed, on a review/check webhook and before Ferry merges, never per poll. Plain git has none.
   */
  readMergeGates?(number: number): Promise<MergeGates>;

  /**
   * Turns on the forge's auto-merge ("merge when ready"): the forge merges the change request itself
   * once its required reviews and checks pass, and announces it with its usual webhook. GitHub:
   * `enablePullRequestAutoMerge`; GitLab: `PUT …/merge` with `auto_merge`. Plain git has none.
   * @throws StaleBaseError if the head moved from `expectedHeadSha`
   * @throws ConflictError if the forge refuses (nothing to wait for, a draft, auto-merge not allowed)
   */
  enableAutoMerge?(number: number, input: EnableAutoMergeInput): Promise<void>;

  /** Turns the forge's auto-merge off again; turning off what is off is not an error. */
  disableAutoMerge?(number: number): Promise<void>;

  /** Tells reviewers something on the change request (GitHub: an issue comment; GitLab: a note). Plain git has no thread. */
  commentOnChangeRequest?(number: number, body: string): Promise<void>;

  /** Web page of a commit, or null where the forge has no web UI (plain git). */
  commitUrl(sha: string): string | null;
}
