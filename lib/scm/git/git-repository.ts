import fs from "node:fs/promises";
import path from "node:path";
import { changeRequestNotFound, notOpen, type ChangeRequestRecord, type ChangeRequestStore } from "../change-request-store";
import { ConflictError, ForgeUnavailableError, InvalidInputError, RefNotFoundError, ScmError, StaleBaseError } from "../errors";
import type {
  ChangeRequest,
  CommitInfo,
  CreateBranchWithCommitInput,
  FindChangeRequestInput,
  KnownChangeRequest,
  LogOptions,
  MergeChangeRequestInput,
  OpenChangeRequestInput,
  PolledChangeRequest,
  ScmRepository,
  TreeEntry,
  UpdateChangeRequestInput,
  CloseChangeRequestInput,
} from "../types";
import { assertObjectId, assertSafePath, assertSafeRef, isObjectId, normalizeRepoPath } from "./arguments";
import { readBlobObjects } from "./cat-file-batch";
import { checkedOutIn } from "./checked-out";
import { assertChangeList, commitChanges } from "./commit-changes";
import { commitTree } from "./commit-tree";
import { planMerge, type MergePlan } from "./merge";
import { readBranchHead } from "./ref-files";
import { pushWithLease, readRef, updateRefLocal, type CasResult } from "./publish-ref";
import { withWorktreeLock } from "./repository-lock";
import { assertBranchName, assertCommitMessage, assertIdentity, FERRY_COMMITTER } from "./write-arguments";
import { parseGitLocation, redactUrl, type GitLocation } from "./location";
import { LOG_FORMAT, LogStreamParser, parseLog } from "./log-format";
import { forgeLimitsFromEnv } from "../forge-limits";
import { gitMessage, mirrorDirFor } from "./mirror";
import { GitObjectReader } from "./object-reader";
import { PartialClone, UNADVERTISED_REFUSED } from "./partial-clone";
import { commitParents, readTreeObjects } from "./tree-objects";
import { GitCommandError, runGit, streamGit } from "./run-git";

export interface GitRepositoryOptions {
  /** Configured repository name (used in messages and the mirror's directory name). */
  name: string;
  /** A directory on this machine (read in place) or any git URL (https, ssh, git, file, scp-like). */
  url: string;
  defaultBranch?: string;
  /** Where the bare partial clones of remote URLs are kept. Required for remote URLs. */
  cacheDir?: string;
  /** Per git process; clones and fetches of big repositories may need more. */
  timeoutMs?: number;
  /** Where change requests are recorded (plain git has no forge); the change request methods need it. */
  changeRequests?: ChangeRequestStore;
  /**
   * The partial clone `url` is (a forge reader's): the blobs it lacks are fetched through it. A remote
   * URL gets its own; a local repository has every blob.
   */
  partialClone?: PartialClone;
}

/** Stderr of git when an object or revision does not exist. */
const MISSING_OBJECT = /not a valid object name|bad object|unknown revision|invalid object name|bad revision|not a tree object|ambiguous argument/i;

/**
 * Any git repository through the git CLI: a directory on this machine (read and written in place,
 * its working tree never touched except through receive.denyCurrentBranch=updateInstead) or a remote
 * URL (read from a bare partial clone, ./partial-clone.ts, as GitHub and GitLab are; written by
 * pushing). Change requests are branches plus records in a ChangeRequestStore.
 */
export class GitRepository implements ScmRepository {
  readonly provider = "git" as const;
  readonly name: string;
  readonly defaultBranch: string;
  readonly url: string;
  private readonly location: GitLocation;
  private readonly cacheDir: string | undefined;
  private readonly timeoutMs: number | undefined;
  private readonly changeRequests: ChangeRequestStore | undefined;
  /** Where blobs this repository lacks come from: a remote's partial clone (null: it has them all). */
  private readonly clone: PartialClone | null;
  private mirrorReady: Promise<{ dir: string; fresh: boolean }> | null = null;
  private fetching: Promise<void> | null = null;
  // `rev-parse --absolute-git-dir` of a local repository: asked once, not before every command.
  private localGitDirOf: { dir: string; gitDir: string } | null = null;
  // One cat-file process per repository, kept while it is used (see object-reader.ts).
  private objectReader: { gitDir: string; reader: GitObjectReader } | null = null;
  /** "base:head" → whether they conflict. */
  private readonly mergeChecks = new Map<string, boolean>();

  constructor(opts: GitRepositoryOptions) {
    this.name = opts.name;
    this.url = opts.url;
    this.defaultBranch = opts.defaultBranch ?? "main";
    this.cacheDir = opts.cacheDir;
    this.timeoutMs = opts.timeoutMs;
    this.changeRequests = opts.changeRequests;
    if (opts.url.startsWith("-")) throw new InvalidInputError(opts.name, `Refusing repository URL "${opts.url}": it must not start with "-".`);
    const location = parseGitLocation(opts.url);
    this.location = location.kind === "local" ? { kind: "local", path: path.resolve(location.path) } : location;
    if (this.location.kind === "remote" && !this.cacheDir) {
      throw new InvalidInputError(opts.name, `Repository "${opts.name}" is remote (${redactUrl(opts.url)}): a cache directory for its mirror is required.`);
    }
    this.clone =
      opts.partialClone ??
      (this.location.kind === "remote"
        ? new PartialClone({
            repository: opts.name,
            forge: "the git remote",
            url: this.location.url,
            dir: mirrorDirFor(this.cacheDir ?? "", this.name, this.location.url),
            // An idle limit (no output for this long), as for the forges' fetches.
            timeoutMs: opts.timeoutMs ?? forgeLimitsFromEnv().timeoutMs,
          })
        : null);
  }

  async resolveRef(ref: string): Promise<string> {
    assertSafeRef(this.name, ref);
    const gitDir = await this.gitDir({ refresh: true });
    return (await readBranchHead(gitDir, ref)) ?? this.revParse(gitDir, ref);
  }

  async isAncestor(ancestorSha: string, commitSha: string): Promise<boolean> {
    assertObjectId(this.name, ancestorSha);
    assertObjectId(this.name, commitSha);
    const gitDir = await this.gitDir();
    // The common case, a head that moved by commits on top of the last one: answered from the commit
    // object itself, without starting git merge-base.
    if (ancestorSha === commitSha) return true;
    const parents = await commitParents(this.objects(gitDir), commitSha).catch(() => null);
    if (parents?.includes(ancestorSha)) return true;
    try {
      await runGit(["merge-base", "--is-ancestor", ancestorSha, commitSha], { gitDir, timeoutMs: this.timeoutMs });
      return true;
    } catch (error) {
      // Exit 1: not an ancestor. A commit the repository no longer has is not in the history either.
      if (error instanceof GitCommandError && (error.exitCode === 1 || MISSING_OBJECT.test(error.stderr) || /not a valid commit/i.test(error.stderr))) return false;
      throw await this.failure(error);
    }
  }

  async readTree(commitSha: string): Promise<TreeEntry[]> {
    assertSafeRef(this.name, commitSha);
    const gitDir = await this.gitDir();
    let entries;
    try {
      entries = await readTreeObjects(this.objects(gitDir), commitSha);
    } catch (error) {
      throw await this.failure(error, commitSha);
    }
    if (!entries) throw await this.failure(new RefNotFoundError(this.name, commitSha), commitSha);
    return entries;
  }

  async readBlobs(shas: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(shas)];
    for (const sha of unique) assertObjectId(this.name, sha);
    const texts = new Map<string, string>();
    if (unique.length === 0) return texts;
    const gitDir = await this.gitDir();
    const read = async (wanted: string[]) => {
      try {
        return await readBlobObjects(this.objects(gitDir), wanted);
      } catch (error) {
        throw await this.failure(error);
      }
    };
    const blobs = await read(unique);
    const missing = [...blobs].filter(([, blob]) => blob.kind === "missing").map(([sha]) => sha);
    if (missing.length > 0 && this.clone) {
      await this.fetchBlobs(missing);
      for (const [sha, blob] of await read(missing)) blobs.set(sha, blob);
    }
    for (const [sha, blob] of blobs) {
      if (blob.kind === "missing") throw new RefNotFoundError(this.name, sha);
      if (blob.kind === "text") texts.set(sha, blob.text);
    }
    return texts;
  }

  async log(opts: LogOptions): Promise<CommitInfo[]> {
    assertSafeRef(this.name, opts.ref);
    const specs = this.pathspecs(opts.paths ?? []);
    const gitDir = await this.gitDir();
    // A full object id needs no rev-parse (an app page's history is read at the synced head): git log
    // refuses a missing one.
    const sha = isObjectId(opts.ref) ? opts.ref : await this.revParse(gitDir, opts.ref);
    const args = ["--literal-pathspecs", "log", "-z", "--no-renames", LOG_FORMAT];
    if (opts.firstParent) args.push("--first-parent");
    if (opts.limit !== undefined) {
      if (!Number.isInteger(opts.limit) || opts.limit < 0) throw new InvalidInputError(this.name, `Invalid log limit ${opts.limit}.`);
      args.push(`--max-count=${opts.limit}`);
    }
    args.push(sha, "--", ...specs);
    const out = await this.git(gitDir, args, opts.ref);
    return parseLog(out).map((r) => r.commit);
  }

  async lastCommitByPath(commitSha: string, paths: string[]): Promise<Map<string, CommitInfo>> {
    const found = await this.commitsByPath(commitSha, paths, 1);
    return new Map([...found].map(([path, commits]) => [path, commits[0]!]));
  }

  async commitsByPath(commitSha: string, paths: string[], limit: number): Promise<Map<string, CommitInfo[]>> {
    assertSafeRef(this.name, commitSha);
    // Requested spelling → normalized path, so answers are keyed the way the caller asked.
    const wanted = new Map<string, string[]>();
    for (const p of paths) {
      assertSafePath(this.name, p);
      const key = normalizeRepoPath(p);
      wanted.set(key, [...(wanted.get(key) ?? []), p]);
    }
    const result = new Map<string, CommitInfo[]>();
    if (wanted.size === 0 || limit < 1) return result;
    const gitDir = await this.gitDir();
    // A full object id needs no rev-parse (one process less per sync): git log refuses a missing one.
    const sha = isObjectId(commitSha) ? commitSha : await this.revParse(gitDir, commitSha);
    const specs = wanted.has("") ? [] : [...wanted.keys()];
    const found = new Map<string, CommitInfo[]>();
    const open = new Set(wanted.keys());
    // --first-parent: a change merged from a branch counts from its merge commit (when it reached the
    // branch), whichever other paths are asked for; without it git's history simplification would pick
    // the merge or the branch commit depending on the set of paths.
    const args = ["--literal-pathspecs", "log", "-z", "--name-only", "--no-renames", "--first-parent", "--diff-merges=first-parent", LOG_FORMAT, sha, "--", ...specs];

    let stopWalk: (() => void) | null = null;
    const parser = new LogStreamParser(({ commit, files }) => {
      if (open.size === 0) return;
      const counted = new Set<string>();
      for (const file of files) {
        // A file answers for itself and every folder above it: walk its ancestors, not all requested paths.
        for (let p: string | null = file; p !== null; p = parentOf(p)) {
          if (!open.has(p) || counted.has(p)) continue;
          counted.add(p);
          const commits = found.get(p) ?? [];
          commits.push(commit);
          found.set(p, commits);
          if (commits.length >= limit) open.delete(p);
        }
      }
      if (open.size === 0) stopWalk?.();
    });
    try {
      await streamGit(args, {
        gitDir,
        timeoutMs: this.timeoutMs,
        onData: (chunk, control) => {
          stopWalk = () => control.stop();
          parser.push(chunk);
        },
      });
      parser.end();
    } catch (error) {
      throw await this.failure(error, commitSha);
    }
    for (const [key, commits] of found) for (const original of wanted.get(key) ?? []) result.set(original, commits);
    return result;
  }

  commitUrl(): string | null {
    return null;
  }

  // ---- write side ----

  async createBranchWithCommit(input: CreateBranchWithCommitInput): Promise<{ commitSha: string }> {
    await assertBranchName(this.name, input.branch);
    assertSafeRef(this.name, input.baseSha);
    assertCommitMessage(this.name, input.message);
    assertIdentity(this.name, input.author, "author");
    const committer = input.committer ?? FERRY_COMMITTER;
    assertIdentity(this.name, committer, "committer");
    assertChangeList(this.name, input.changes);
    const gitDir = await this.gitDir({ refresh: true });
    const baseSha = await this.revParse(gitDir, input.baseSha);
    try {
      const current = await readRef(gitDir, branchRef(input.branch), this.timeoutMs);
      if (current !== null && !input.force) throw this.branchExists(input.branch, current);
      if (current !== null) await this.refuseCheckedOut(gitDir, input.branch, "replace");
      const commitSha = await commitChanges(this.name, gitDir, {
        baseSha,
        changes: input.changes,
        message: input.message,
        author: input.author,
        committer,
        timeoutMs: this.timeoutMs,
        partialClone: this.clone !== null,
      });
      const moved = await this.moveBranch(gitDir, input.branch, commitSha, current);
      if (!moved.ok) {
        if (moved.actual === current && moved.reason) throw this.refused(input.branch, moved.reason);
        if (current === null) throw this.branchExists(input.branch, moved.actual);
        throw new ConflictError(this.name, `Branch "${input.branch}" of "${this.name}" changed while Ferry was replacing it; reload and try again.`);
      }
      return { commitSha };
    } catch (error) {
      throw await this.failure(error, undefined, "written");
    }
  }

  async deleteBranch(branch: string): Promise<void> {
    await assertBranchName(this.name, branch);
    if (branch === this.defaultBranch) throw new ConflictError(this.name, `Refusing to delete "${branch}": it is the default branch of "${this.name}".`);
    const gitDir = await this.gitDir({ refresh: true });
    try {
      const current = await readRef(gitDir, branchRef(branch), this.timeoutMs);
      if (current === null) return;
      await this.refuseCheckedOut(gitDir, branch, "delete");
      const moved = await this.moveBranch(gitDir, branch, null, current);
      // Deleted by someone else meanwhile: the outcome asked for. Moved: deleting would drop their commits.
      if (!moved.ok && moved.actual === current && moved.reason) throw this.refused(branch, moved.reason);
      if (!moved.ok && moved.actual !== null) {
        throw new ConflictError(this.name, `Branch "${branch}" of "${this.name}" moved while Ferry was deleting it; it was kept.`);
      }
    } catch (error) {
      throw await this.failure(error, undefined, "written");
    }
  }

  async openChangeRequest(input: OpenChangeRequestInput): Promise<ChangeRequest> {
    const store = this.store();
    await assertBranchName(this.name, input.headBranch);
    await assertBranchName(this.name, input.baseBranch);
    if (input.headBranch === input.baseBranch) throw new InvalidInputError(this.name, `A change request needs two different branches, not "${input.headBranch}" twice.`);
    if (input.title.trim().length === 0) throw new InvalidInputError(this.name, "A change request needs a title.");
    const gitDir = await this.gitDir({ refresh: true });
    const headSha = await this.branchTip(gitDir, input.headBranch);
    const baseSha = await this.branchTip(gitDir, input.baseBranch);
    const record = await store.create({
      repository: this.name,
      title: input.title,
      body: input.body,
      state: input.draft ? "draft" : "open",
      headBranch: input.headBranch,
      baseBranch: input.baseBranch,
      baseSha,
      headSha,
      author: input.author ?? null,
      labels: input.labels ?? [],
    });
    return this.describe(gitDir, record);
  }

  async updateChangeRequest(number: number, input: UpdateChangeRequestInput): Promise<ChangeRequest> {
    assertChangeRequestNumber(this.name, number);
    if (input.title !== undefined && input.title.trim().length === 0) throw new InvalidInputError(this.name, "A change request needs a title.");
    const record = await this.store().update(this.name, number, { title: input.title, body: input.body, labels: input.labels });
    return this.describe(await this.gitDir({ refresh: true }), record);
  }

  async findChangeRequest(input: FindChangeRequestInput): Promise<ChangeRequest | null> {
    assertSafeRef(this.name, input.headBranch);
    const store = this.store();
    const record = input.state === "any" ? await store.findLatestByBranch(this.name, input.headBranch) : await store.findOpenByBranch(this.name, input.headBranch);
    if (!record || (input.baseBranch !== undefined && record.baseBranch !== input.baseBranch)) return null;
    return this.describe(await this.gitDir({ refresh: true }), record);
  }

  async getChangeRequest(number: number): Promise<ChangeRequest> {
    assertChangeRequestNumber(this.name, number);
    const record = await this.store().get(this.name, number);
    if (!record) throw changeRequestNotFound(this.name, number);
    return this.describe(await this.gitDir({ refresh: true }), record);
  }

  async mergeChangeRequest(number: number, input: MergeChangeRequestInput = {}): Promise<ChangeRequest> {
    assertChangeRequestNumber(this.name, number);
    const method = input.method ?? "merge";
    if (method === "rebase") throw new InvalidInputError(this.name, 'The git provider merges with "merge" or "squash", not "rebase".');
    if (input.expectedHeadSha !== undefined) assertObjectId(this.name, input.expectedHeadSha);
    if (input.commitMessage !== undefined) assertCommitMessage(this.name, input.commitMessage);
    const mergedBy = input.mergedBy ?? FERRY_COMMITTER;
    assertIdentity(this.name, mergedBy, "merger");
    const store = this.store();
    const record = await store.get(this.name, number);
    if (!record) throw changeRequestNotFound(this.name, number);
    if (record.state === "merged" || record.state === "closed") throw notOpen(record);
    if (record.state === "draft") throw new ConflictError(this.name, `Change request #${number} of "${this.name}" is a draft: mark it ready before merging.`);

    const gitDir = await this.gitDir({ refresh: true });
    let mergeSha: string;
    let headSha: string;
    try {
      const head = await readRef(gitDir, branchRef(record.headBranch), this.timeoutMs);
      if (head === null) throw new ConflictError(this.name, `Change request #${number} cannot be merged: its branch "${record.headBranch}" was deleted.`);
      if (input.expectedHeadSha !== undefined && head !== input.expectedHeadSha) {
        throw new StaleBaseError(this.name, record.headBranch, input.expectedHeadSha, head);
      }
      headSha = head;
      const base = await this.branchTip(gitDir, record.baseBranch);
      const plan = await this.planMerge(gitDir, base, head);
      if (plan.kind === "conflict") {
        const where = plan.paths.length > 0 ? `: conflicting changes in ${plan.paths.map((p) => `"${p}"`).join(", ")}` : ` (${plan.reason})`;
        throw new ConflictError(this.name, `Change request #${number} cannot be merged into "${record.baseBranch}"${where}. "${record.baseBranch}" was left unchanged.`);
      }
      if (plan.kind === "up-to-date") {
        // Already in the base (e.g. merged by hand, or a retry after a crash): record it, move nothing.
        mergeSha = base;
      } else {
        const message = input.commitMessage ?? `Merge change request #${number} from ${record.headBranch}\n\n${record.title}`;
        if (method === "merge" && plan.kind === "fast-forward") {
          mergeSha = plan.sha;
        } else {
          const tree = plan.kind === "merge" ? plan.tree : `${plan.sha}^{tree}`;
          const parents = method === "squash" ? [base] : [base, head];
          mergeSha = await commitTree(gitDir, { tree, parents, message, author: mergedBy, committer: FERRY_COMMITTER, timeoutMs: this.timeoutMs });
        }
        const moved = await this.moveBranch(gitDir, record.baseBranch, mergeSha, base);
        if (!moved.ok) {
          if (moved.actual === base && moved.reason) throw this.refused(record.baseBranch, moved.reason);
          throw new StaleBaseError(this.name, record.baseBranch, base, moved.actual);
        }
      }
    } catch (error) {
      throw await this.failure(error, undefined, "written");
    }
    const merged = await store.setState(this.name, number, { state: "merged", mergeCommitSha: mergeSha, headSha });
    return this.describe(gitDir, merged);
  }

  async closeChangeRequest(number: number, input: CloseChangeRequestInput = {}): Promise<ChangeRequest> {
    assertChangeRequestNumber(this.name, number);
    const store = this.store();
    let record = await store.get(this.name, number);
    if (!record) throw changeRequestNotFound(this.name, number);
    if (record.state === "merged") throw notOpen(record);
    // Closing twice is not an error: a retry may still need the branch deleted.
    if (record.state !== "closed") record = await store.setState(this.name, number, { state: "closed" });
    if (input.deleteBranch) await this.deleteBranch(record.headBranch);
    return this.describe(await this.gitDir({ refresh: true }), record);
  }

  /** Plain git polls locally: one fetch (for a remote), then each record with its live head and a merge check. */
  async pollChangeRequests(known: KnownChangeRequest[]): Promise<PolledChangeRequest[]> {
    const store = this.store();
    const gitDir = await this.gitDir({ refresh: true });
    const out: PolledChangeRequest[] = [];
    for (const { number } of known) {
      const record = await store.get(this.name, number);
      if (!record) continue;
      const { state, headSha, mergeCommitSha, url, updatedAt, mergeable, conflict } = await this.describe(gitDir, record);
      out.push({ number, state, headSha, mergeCommitSha, url, updatedAt, mergeable, conflict });
    }
    return out;
  }

  // ---- internals ----

  private store(): ChangeRequestStore {
    if (!this.changeRequests) {
      throw new Error(`Repository "${this.name}" has no change request store: construct GitRepository with { changeRequests } to use change requests on plain git.`);
    }
    return this.changeRequests;
  }

  /** The API view of a record: the live head of its branch and, while open, whether it merges cleanly. */
  private async describe(gitDir: string, record: ChangeRequestRecord): Promise<ChangeRequest> {
    const live = await readRef(gitDir, branchRef(record.headBranch), this.timeoutMs).catch(() => null);
    let mergeable: boolean | null = null;
    let conflict: boolean | null = null;
    if (record.state === "open" || record.state === "draft") {
      const base = await readRef(gitDir, branchRef(record.baseBranch), this.timeoutMs).catch(() => null);
      conflict = live !== null && base !== null ? await this.conflicts(gitDir, base, live) : null;
      mergeable = conflict === null ? false : !conflict;
    }
    return {
      provider: this.provider,
      repository: this.name,
      number: record.number,
      url: null,
      title: record.title,
      body: record.body,
      state: record.state,
      headBranch: record.headBranch,
      baseBranch: record.baseBranch,
      // Once merged the record tells what was merged; the branch may have moved or be gone since.
      headSha: (record.state === "merged" ? record.headSha : live) ?? record.headSha ?? "",
      mergeCommitSha: record.mergeCommitSha,
      author: record.author,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      mergeable,
      conflict,
      labels: record.labels,
    };
  }

  /** Whether `head` no longer merges into `base` (merge-tree, in the object store only); remembered per pair, which never changes. */
  private async conflicts(gitDir: string, base: string, head: string): Promise<boolean | null> {
    const key = `${base}:${head}`;
    const known = this.mergeChecks.get(key);
    if (known !== undefined) return known;
    const conflict = await this.planMerge(gitDir, base, head).then((p) => p.kind === "conflict", () => null);
    if (conflict === null) return null;
    if (this.mergeChecks.size >= 1000) this.mergeChecks.clear();
    this.mergeChecks.set(key, conflict);
    return conflict;
  }

  /** The blobs of a partial clone's objects that it lacks, in one request (all at once when the remote refuses single objects). */
  private async fetchBlobs(shas: string[]): Promise<void> {
    const clone = this.clone;
    if (!clone || shas.length === 0) return;
    try {
      await clone.fetchObjects(shas);
    } catch (error) {
      const cause = error instanceof ScmError && error.cause instanceof GitCommandError ? error.cause.stderr : "";
      if (!UNADVERTISED_REFUSED.test(cause)) throw error;
      await clone.fetchEverything();
    }
  }

  /**
   * merge-tree reads the files both sides changed (and, for renames, files added or deleted): in a
   * partial clone the blobs of every file either side changed since the merge base are fetched first,
   * in one request.
   */
  private async planMerge(gitDir: string, base: string, head: string): Promise<MergePlan> {
    if (this.clone) {
      const bases = await runGit(["merge-base", "--all", base, head], { gitDir, timeoutMs: this.timeoutMs }).then(
        (out) => out.split("\n").filter(Boolean),
        () => [], // unrelated histories: planMerge says so
      );
      const shas = new Set<string>();
      for (const from of bases) {
        for (const to of [base, head]) {
          const out = await runGit(["diff-tree", "-r", "-z", "--no-renames", from, to], { gitDir, timeoutMs: this.timeoutMs });
          for (const field of out.split("\0")) {
            if (!field.startsWith(":")) continue;
            const [oldMode, newMode, oldSha, newSha] = field.slice(1).split(" ");
            if (oldMode?.startsWith("10") && oldSha) shas.add(oldSha);
            if (newMode?.startsWith("10") && newSha) shas.add(newSha);
          }
        }
      }
      const present = await this.objects(gitDir).info([...shas]);
      await this.fetchBlobs([...shas].filter((_, i) => present[i]?.missing));
    }
    return planMerge(gitDir, base, head, this.timeoutMs);
  }

  /** Tip of an existing branch. @throws RefNotFoundError */
  private async branchTip(gitDir: string, branch: string): Promise<string> {
    const sha = await readRef(gitDir, branchRef(branch), this.timeoutMs).catch(async (error: unknown) => {
      throw await this.failure(error, branch);
    });
    if (sha === null) throw new RefNotFoundError(this.name, branch);
    return sha;
  }

  private refused(branch: string, reason: string): ConflictError {
    return new ConflictError(this.name, `Repository "${this.name}" refused to update branch "${branch}": ${reason}.`);
  }

  private branchExists(branch: string, at: string | null): ConflictError {
    const where = at ? ` (at ${at.slice(0, 8)})` : "";
    return new ConflictError(this.name, `Branch "${branch}" already exists in "${this.name}"${where}: adopt its change request, or replace the branch with force.`);
  }

  /** Moving a branch someone has checked out would leave their working tree behind: never do it silently. */
  private async refuseCheckedOut(gitDir: string, branch: string, action: string): Promise<void> {
    if (this.location.kind !== "local") return;
    const worktree = await checkedOutIn(gitDir, branch, this.timeoutMs);
    if (worktree !== null) {
      throw new ConflictError(this.name, `Refusing to ${action} branch "${branch}" of "${this.name}": it is checked out in ${worktree}.`);
    }
  }

  /**
   * Compare-and-swap of `refs/heads/<branch>` from `expected` (null: must not exist) to `newSha`
   * (null: delete). A remote is pushed to with a lease and the mirror follows; a local branch that
   * is checked out is pushed to as well, so receive.denyCurrentBranch decides (updateInstead moves
   * the working tree with it); any other local branch moves with update-ref.
   */
  private async moveBranch(gitDir: string, branch: string, newSha: string | null, expected: string | null): Promise<CasResult> {
    const cas = { ref: branchRef(branch), newSha, expected, idLength: (newSha ?? expected ?? "").length || 40, timeoutMs: this.timeoutMs };
    if (this.location.kind === "remote") {
      const result = await pushWithLease(gitDir, this.location.url, cas);
      if (result.ok) {
        const mirrorArgs = newSha === null ? ["update-ref", "-d", cas.ref] : ["update-ref", cas.ref, newSha];
        await runGit(mirrorArgs, { gitDir, timeoutMs: this.timeoutMs });
      }
      return result;
    }
    if (newSha !== null && (await checkedOutIn(gitDir, branch, this.timeoutMs)) !== null) {
      return withWorktreeLock(gitDir, () => pushWithLease(gitDir, gitDir, cas));
    }
    return updateRefLocal(gitDir, cas);
  }

  private pathspecs(paths: string[]): string[] {
    for (const p of paths) assertSafePath(this.name, p);
    const normalized = [...new Set(paths.map(normalizeRepoPath))];
    // The root matches everything: no pathspec at all.
    return normalized.includes("") ? [] : normalized;
  }

  private async revParse(gitDir: string, ref: string): Promise<string> {
    try {
      const out = await runGit(["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`], { gitDir, timeoutMs: this.timeoutMs });
      return out.trim();
    } catch (error) {
      // --quiet: an unknown ref exits 1 without a message; a broken repository exits 128 with one.
      if (error instanceof GitCommandError && error.exitCode === 1 && error.stderr.trim() === "") {
        throw new RefNotFoundError(this.name, ref, { cause: error });
      }
      throw await this.failure(error, ref);
    }
  }

  private async git(gitDir: string, args: string[], ref?: string): Promise<string> {
    try {
      return await runGit(args, { gitDir, timeoutMs: this.timeoutMs });
    } catch (error) {
      throw await this.failure(error, ref);
    }
  }

  private objects(gitDir: string): GitObjectReader {
    if (this.objectReader?.gitDir !== gitDir) {
      this.objectReader?.reader.close();
      this.objectReader = { gitDir, reader: new GitObjectReader(gitDir, { timeoutMs: this.timeoutMs }) };
    }
    return this.objectReader.reader;
  }

  /** Turns a failed git command into the ScmError a caller can act on. */
  private async failure(error: unknown, ref?: string, action: "read" | "written" = "read"): Promise<ScmError> {
    this.localGitDirOf = null; // the repository may have been replaced: ask git again next time
    this.objectReader?.reader.close();
    this.objectReader = null;
    if (error instanceof ScmError) return error;
    if (this.location.kind === "local") {
      const problem = await localProblem(this.location.path);
      if (problem) return new ForgeUnavailableError(this.name, `Repository "${this.name}": ${problem}`, { cause: error });
    }
    if (ref !== undefined && error instanceof GitCommandError && MISSING_OBJECT.test(error.stderr)) {
      return new RefNotFoundError(this.name, ref, { cause: error });
    }
    return new ForgeUnavailableError(this.name, `Repository "${this.name}" could not be ${action}: ${gitMessage(error)}`, { cause: error });
  }

  /** The git directory to pass as --git-dir; for a remote, after fetching its partial clone (first use, or when asked). */
  private async gitDir(opts: { refresh?: boolean } = {}): Promise<string> {
    if (this.location.kind === "local") return this.localGitDir(this.location.path);
    const clone = this.clone;
    if (!clone) throw new Error(`Repository "${this.name}" is remote and has no clone.`);
    const dir = clone.dir;
    this.mirrorReady ??= clone.fetchAll().then(() => ({ dir, fresh: true }));
    let ready;
    try {
      ready = await this.mirrorReady;
    } catch (error) {
      this.mirrorReady = null; // retry the clone next time: the forge may be back
      throw error;
    }
    if (opts.refresh) {
      if (ready.fresh) {
        this.mirrorReady = Promise.resolve({ dir, fresh: false });
      } else {
        // Concurrent resolveRef calls share one fetch.
        this.fetching ??= clone.fetchAll().finally(() => (this.fetching = null));
        await this.fetching;
      }
    }
    return dir;
  }

  private async localGitDir(dir: string): Promise<string> {
    const problem = await localProblem(dir);
    if (problem) {
      this.localGitDirOf = null;
      throw new ForgeUnavailableError(this.name, `Repository "${this.name}": ${problem}`);
    }
    if (this.localGitDirOf?.dir === dir) return this.localGitDirOf.gitDir;
    // Starting git costs 15–30 ms of the event loop here (a full index starts ~80 of them): a plain checkout
    // or a bare repository is recognised from its files; anything else (a worktree's gitfile) asks git.
    const plain = await plainGitDir(dir);
    if (plain) {
      this.localGitDirOf = { dir, gitDir: plain };
      return plain;
    }
    try {
      // The ceiling stops git from walking up into an enclosing repository (e.g. the portal's own checkout).
      const out = await runGit(["rev-parse", "--absolute-git-dir"], { cwd: dir, env: { GIT_CEILING_DIRECTORIES: path.dirname(dir) } });
      this.localGitDirOf = { dir, gitDir: out.trim() };
      return out.trim();
    } catch (error) {
      throw new ForgeUnavailableError(this.name, `Repository "${this.name}": ${dir} is not a readable git repository (${gitMessage(error)}).`, {
        cause: error,
      });
    }
  }
}

function branchRef(branch: string): string {
  return `refs/heads/${branch}`;
}

function assertChangeRequestNumber(repository: string, number: number): void {
  if (!Number.isSafeInteger(number) || number < 1) throw new InvalidInputError(repository, `"${number}" is not a change request number.`);
}

function parentOf(p: string): string | null {
  if (p === "") return null;
  const slash = p.lastIndexOf("/");
  return slash < 0 ? "" : p.slice(0, slash);
}

/** Why a local repository directory cannot be used, or null if it is there. */
async function plainGitDir(dir: string): Promise<string | null> {
  const kind = (p: string) => fs.stat(p).then((st) => (st.isDirectory() ? "dir" : st.isFile() ? "file" : null), () => null);
  // What git itself checks before it calls a folder a repository: a valid HEAD, objects/ and refs/.
  const validHead = (d: string) => fs.readFile(path.join(d, "HEAD"), "utf8").then((head) => head.startsWith("ref: refs/") || isObjectId(head.trim()), () => false);
  const looksLikeGitDir = async (d: string) => (await validHead(d)) && (await kind(path.join(d, "objects"))) === "dir" && (await kind(path.join(d, "refs"))) === "dir";
  const dotGit = path.join(dir, ".git");
  if ((await kind(dotGit)) === "dir") return (await looksLikeGitDir(dotGit)) ? dotGit : null;
  if ((await kind(dotGit)) === null && (await looksLikeGitDir(dir))) return dir;
  return null;
}

async function localProblem(dir: string): Promise<string | null> {
  try {
    const stat = await fs.stat(dir);
    return stat.isDirectory() ? null : `${dir} is not a directory.`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return `the directory ${dir} does not exist (was it moved or deleted?).`;
    return `${dir} cannot be read (${code ?? String(error)}).`;
  }
}
