import path from "node:path";
import { ForgeUnavailableError, RefNotFoundError, ScmError } from "../errors";
import { forgeLimitsFromEnv, type ForgeName } from "../forge-limits";
import type { CommitInfo, LogOptions, TreeEntry } from "../types";
import { assertSafeRef, isObjectId } from "./arguments";
import { GitRepository } from "./git-repository";
import { mirrorDirFor } from "./mirror";
import { PartialClone, type PartialCloneOptions } from "./partial-clone";
import { GitCommandError, runGit } from "./run-git";

// The read side of the GitHub and GitLab providers: a local partial clone (./partial-clone.ts) read
// by the plain git provider's own readers (a GitRepository opened on the clone's directory), so a
// forge repository is read exactly as a plain git one. What needs the forge is fetched first:
// the branch on resolveRef (the poll), a commit that is not in the clone yet; the blobs readBlobs
// is asked for that were never fetched are fetched by that GitRepository (one request for all of
// them), as for a plain git remote.

export interface ForgeCloneReaderOptions extends PartialCloneOptions {
  defaultBranch: string;
}

/**
 * The reader of one forge repository, its clone in `<cacheDir>/<github|gitlab>/<name>-<hash>.git`
 * (cacheDir: default `<FERRY_DATA_DIR>/mirrors`; timeout: default FERRY_FORGE_TIMEOUT_SECONDS).
 */
export function forgeCloneReader(opts: Omit<ForgeCloneReaderOptions, "dir" | "timeoutMs" | "forge"> & { forge: ForgeName; cacheDir?: string; timeoutMs?: number }): ForgeCloneReader {
  const cacheDir = opts.cacheDir ?? path.resolve(process.env.FERRY_DATA_DIR ?? ".data", "mirrors");
  return new ForgeCloneReader({
    ...opts,
    dir: mirrorDirFor(path.join(cacheDir, opts.forge.toLowerCase()), opts.repository, opts.url),
    timeoutMs: opts.timeoutMs ?? forgeLimitsFromEnv().timeoutMs,
  });
}

export class ForgeCloneReader {
  private readonly clone: PartialClone;
  private readonly local: GitRepository;
  private readonly repository: string;
  private readonly defaultBranch: string;
  private refreshing: Promise<void> | null = null;

  constructor(opts: ForgeCloneReaderOptions) {
    this.clone = new PartialClone(opts);
    this.repository = opts.repository;
    this.defaultBranch = opts.defaultBranch;
    this.local = new GitRepository({ name: opts.repository, url: opts.dir, defaultBranch: opts.defaultBranch, timeoutMs: opts.timeoutMs, partialClone: this.clone });
  }

  /**
   * Branch, tag or commit → commit sha, after fetching it: one `git fetch` of the branch (or tag), or
   * of the commit when the clone does not have it. Concurrent calls for the default branch share a fetch.
   */
  async resolveRef(ref: string): Promise<string> {
    assertSafeRef(this.repository, ref);
    if (isObjectId(ref)) {
      await this.ensureCommit(ref);
      return ref;
    }
    if (ref === this.defaultBranch) {
      this.refreshing ??= this.clone.fetchRefs([`refs/heads/${ref}`]).finally(() => (this.refreshing = null));
      await this.refreshing;
    } else {
      try {
        await this.fetchNamed(ref);
      } catch (error) {
        // Neither branch nor tag: an abbreviated commit id, if the branch's history has it.
        if (!(error instanceof RefNotFoundError) || !/^[0-9a-f]{4,39}$/.test(ref)) throw error;
        await this.resolveRef(this.defaultBranch);
      }
    }
    return this.readLocal(() => this.local.resolveRef(ref));
  }

  async isAncestor(ancestorSha: string, commitSha: string): Promise<boolean> {
    await this.clone.gitDir();
    return this.local.isAncestor(ancestorSha, commitSha);
  }

  async readTree(commitSha: string): Promise<TreeEntry[]> {
    await this.ready(commitSha);
    return this.readLocal(() => this.local.readTree(commitSha));
  }

  /** The root tree of a commit (what a new commit on top of it builds on). */
  async treeSha(commitSha: string): Promise<string> {
    await this.ready(commitSha);
    return (await runGit(["rev-parse", "--verify", "--end-of-options", `${commitSha}^{tree}`], { gitDir: await this.clone.gitDir() })).trim();
  }

  /** Blob sha → text; the blobs the clone lacks are fetched first, all in one request. */
  async readBlobs(shas: string[]): Promise<Map<string, string>> {
    await this.clone.gitDir();
    return this.local.readBlobs(shas);
  }

  async log(opts: LogOptions): Promise<CommitInfo[]> {
    await this.ready(opts.ref);
    return this.readLocal(() => this.local.log(opts));
  }

  async lastCommitByPath(commitSha: string, paths: string[]): Promise<Map<string, CommitInfo>> {
    await this.ready(commitSha);
    return this.readLocal(() => this.local.lastCommitByPath(commitSha, paths));
  }

  async commitsByPath(commitSha: string, paths: string[], limit: number): Promise<Map<string, CommitInfo[]>> {
    await this.ready(commitSha);
    return this.readLocal(() => this.local.commitsByPath(commitSha, paths, limit));
  }

  /** The clone has `ref`: a commit is fetched when missing, a branch or tag name fetched as resolveRef does. */
  private async ready(ref: string): Promise<void> {
    assertSafeRef(this.repository, ref);
    if (isObjectId(ref)) await this.ensureCommit(ref);
    else await this.resolveRef(ref);
  }

  /** A commit the clone does not have yet (e.g. a change request's head) is fetched, with its trees. */
  private async ensureCommit(sha: string): Promise<void> {
    if (!isObjectId(sha)) return;
    const gitDir = await this.clone.gitDir();
    if (await hasCommit(gitDir, sha)) return;
    try {
      await this.clone.fetchObjects([sha]);
    } catch (error) {
      if (error instanceof RefNotFoundError || (error instanceof ScmError && /not our ref|not found|unadvertised/i.test(error.message))) throw new RefNotFoundError(this.repository, sha, { cause: error });
      throw error;
    }
    if (!(await hasCommit(gitDir, sha))) throw new RefNotFoundError(this.repository, sha);
  }

  /** A branch, else a tag, of that name; a branch the forge no longer has is dropped from the clone too. */
  private async fetchNamed(ref: string): Promise<void> {
    try {
      await this.clone.fetchRefs([`refs/heads/${ref}`]);
      return;
    } catch (error) {
      if (!(error instanceof RefNotFoundError)) throw error;
    }
    await runGit(["update-ref", "-d", `refs/heads/${ref}`], { gitDir: await this.clone.gitDir() }).catch(() => undefined);
    try {
      await this.clone.fetchRefs([`refs/tags/${ref}`]);
    } catch (error) {
      if (error instanceof RefNotFoundError) throw new RefNotFoundError(this.repository, ref, { cause: error });
      throw error;
    }
  }

  /**
   * A read of the clone; when it fails for another reason than a missing object (the clone was
   * damaged on disk), the clone is re-created, the branch fetched again and the read tried once more.
   */
  private async readLocal<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (!(error instanceof ForgeUnavailableError) || !(error.cause instanceof GitCommandError)) throw error;
      await this.clone.recreate();
      await this.clone.fetchRefs([`refs/heads/${this.defaultBranch}`]);
      return read();
    }
  }
}

async function hasCommit(gitDir: string, sha: string): Promise<boolean> {
  try {
    await runGit(["cat-file", "-e", `${sha}^{commit}`], { gitDir });
    return true;
  } catch {
    return false;
  }
}
