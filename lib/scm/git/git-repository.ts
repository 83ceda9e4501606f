import fs from "node:fs/promises";
import path from "node:path";
import { ForgeUnavailableError, InvalidInputError, RefNotFoundError, ScmError } from "../errors";
import type {
  ChangeRequest,
  CommitInfo,
  CreateBranchWithCommitInput,
  FindChangeRequestInput,
  LogOptions,
  MergeChangeRequestInput,
  OpenChangeRequestInput,
  ScmRepository,
  TreeEntry,
  UpdateChangeRequestInput,
  CloseChangeRequestInput,
} from "../types";
import { assertObjectId, assertSafePath, assertSafeRef, normalizeRepoPath } from "./arguments";
import { catFileBatch } from "./cat-file-batch";
import { parseGitLocation, redactUrl, type GitLocation } from "./location";
import { LOG_FORMAT, LogStreamParser, parseLog } from "./log-format";
import { ensureMirror, fetchMirror, gitMessage, mirrorDirFor } from "./mirror";
import { parseLsTree } from "./parse-ls-tree";
import { GitCommandError, runGit, streamGit } from "./run-git";

export interface GitRepositoryOptions {
  /** Configured repository name (used in messages and the mirror's directory name). */
  name: string;
  /** A directory on this machine (read in place) or any git URL (https, ssh, git, file, scp-like). */
  url: string;
  defaultBranch?: string;
  /** Where bare mirrors of remote URLs are kept. Required for remote URLs. */
  cacheDir?: string;
  /** Per git process; clones and fetches of big repositories may need more. */
  timeoutMs?: number;
}

/** Stderr of git when an object or revision does not exist. */
const MISSING_OBJECT = /not a valid object name|bad object|unknown revision|invalid object name|bad revision|not a tree object|ambiguous argument/i;

/** Reads any git repository with the git CLI. The write side comes in a later step. */
export class GitRepository implements ScmRepository {
  readonly provider = "git" as const;
  readonly name: string;
  readonly defaultBranch: string;
  readonly url: string;
  private readonly location: GitLocation;
  private readonly cacheDir: string | undefined;
  private readonly timeoutMs: number | undefined;
  private mirrorReady: Promise<{ dir: string; fresh: boolean }> | null = null;
  private fetching: Promise<void> | null = null;

  constructor(opts: GitRepositoryOptions) {
    this.name = opts.name;
    this.url = opts.url;
    this.defaultBranch = opts.defaultBranch ?? "main";
    this.cacheDir = opts.cacheDir;
    this.timeoutMs = opts.timeoutMs;
    if (opts.url.startsWith("-")) throw new InvalidInputError(opts.name, `Refusing repository URL "${opts.url}": it must not start with "-".`);
    const location = parseGitLocation(opts.url);
    this.location = location.kind === "local" ? { kind: "local", path: path.resolve(location.path) } : location;
    if (this.location.kind === "remote" && !this.cacheDir) {
      throw new InvalidInputError(opts.name, `Repository "${opts.name}" is remote (${redactUrl(opts.url)}): a cache directory for its mirror is required.`);
    }
  }

  async resolveRef(ref: string): Promise<string> {
    assertSafeRef(this.name, ref);
    const gitDir = await this.gitDir({ refresh: true });
    return this.revParse(gitDir, ref);
  }

  async readTree(commitSha: string): Promise<TreeEntry[]> {
    assertSafeRef(this.name, commitSha);
    const gitDir = await this.gitDir();
    const out = await this.git(gitDir, ["ls-tree", "-r", "-l", "-z", "--full-tree", "--end-of-options", commitSha], commitSha);
    return parseLsTree(out);
  }

  async readBlobs(shas: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(shas)];
    for (const sha of unique) assertObjectId(this.name, sha);
    const texts = new Map<string, string>();
    if (unique.length === 0) return texts;
    const gitDir = await this.gitDir();
    let blobs;
    try {
      blobs = await catFileBatch(gitDir, unique, this.timeoutMs);
    } catch (error) {
      throw await this.failure(error);
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
    const sha = await this.revParse(gitDir, opts.ref);
    const args = ["--literal-pathspecs", "log", "-z", "--no-renames", LOG_FORMAT];
    if (opts.limit !== undefined) {
      if (!Number.isInteger(opts.limit) || opts.limit < 0) throw new InvalidInputError(this.name, `Invalid log limit ${opts.limit}.`);
      args.push(`--max-count=${opts.limit}`);
    }
    args.push(sha, "--", ...specs);
    const out = await this.git(gitDir, args, opts.ref);
    return parseLog(out).map((r) => r.commit);
  }

  async lastCommitByPath(commitSha: string, paths: string[]): Promise<Map<string, CommitInfo>> {
    assertSafeRef(this.name, commitSha);
    // Requested spelling → normalized path, so answers are keyed the way the caller asked.
    const wanted = new Map<string, string[]>();
    for (const p of paths) {
      assertSafePath(this.name, p);
      const key = normalizeRepoPath(p);
      wanted.set(key, [...(wanted.get(key) ?? []), p]);
    }
    const result = new Map<string, CommitInfo>();
    if (wanted.size === 0) return result;
    const gitDir = await this.gitDir();
    const sha = await this.revParse(gitDir, commitSha);
    const specs = wanted.has("") ? [] : [...wanted.keys()];
    const open = new Set(wanted.keys());
    // --first-parent: a change merged from a branch counts from its merge commit (when it reached the
    // branch), whichever other paths are asked for; without it git's history simplification would pick
    // the merge or the branch commit depending on the set of paths.
    const args = ["--literal-pathspecs", "log", "-z", "--name-only", "--no-renames", "--first-parent", "--diff-merges=first-parent", LOG_FORMAT, sha, "--", ...specs];

    let stopWalk: (() => void) | null = null;
    const parser = new LogStreamParser(({ commit, files }) => {
      if (open.size === 0) return;
      for (const file of files) {
        // A file answers for itself and every folder above it: walk its ancestors, not all requested paths.
        for (let p: string | null = file; p !== null; p = parentOf(p)) {
          if (!open.has(p)) continue;
          open.delete(p);
          for (const original of wanted.get(p) ?? []) result.set(original, commit);
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
    return result;
  }

  commitUrl(): string | null {
    return null;
  }

  // ---- write side: implemented in a later step ----

  createBranchWithCommit(_input: CreateBranchWithCommitInput): Promise<{ commitSha: string }> {
    throw new Error("not implemented");
  }
  deleteBranch(_branch: string): Promise<void> {
    throw new Error("not implemented");
  }
  openChangeRequest(_input: OpenChangeRequestInput): Promise<ChangeRequest> {
    throw new Error("not implemented");
  }
  updateChangeRequest(_number: number, _input: UpdateChangeRequestInput): Promise<ChangeRequest> {
    throw new Error("not implemented");
  }
  findChangeRequest(_input: FindChangeRequestInput): Promise<ChangeRequest | null> {
    throw new Error("not implemented");
  }
  getChangeRequest(_number: number): Promise<ChangeRequest> {
    throw new Error("not implemented");
  }
  mergeChangeRequest(_number: number, _input?: MergeChangeRequestInput): Promise<ChangeRequest> {
    throw new Error("not implemented");
  }
  closeChangeRequest(_number: number, _input?: CloseChangeRequestInput): Promise<ChangeRequest> {
    throw new Error("not implemented");
  }

  // ---- internals ----

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

  /** Turns a failed git command into the ScmError a caller can act on. */
  private async failure(error: unknown, ref?: string): Promise<ScmError> {
    if (error instanceof ScmError) return error;
    if (this.location.kind === "local") {
      const problem = await localProblem(this.location.path);
      if (problem) return new ForgeUnavailableError(this.name, `Repository "${this.name}": ${problem}`, { cause: error });
    }
    if (ref !== undefined && error instanceof GitCommandError && MISSING_OBJECT.test(error.stderr)) {
      return new RefNotFoundError(this.name, ref, { cause: error });
    }
    return new ForgeUnavailableError(this.name, `Repository "${this.name}" could not be read: ${gitMessage(error)}`, { cause: error });
  }

  /** The git directory to pass as --git-dir; for a remote, after cloning (and, if asked, fetching) its mirror. */
  private async gitDir(opts: { refresh?: boolean } = {}): Promise<string> {
    if (this.location.kind === "local") return this.localGitDir(this.location.path);
    const { url } = this.location;
    const dir = mirrorDirFor(this.cacheDir ?? "", this.name, url);
    this.mirrorReady ??= ensureMirror(this.name, url, dir, this.timeoutMs).then((fresh) => ({ dir, fresh }));
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
        this.fetching ??= fetchMirror(this.name, url, dir, this.timeoutMs).finally(() => (this.fetching = null));
        await this.fetching;
      }
    }
    return dir;
  }

  private async localGitDir(dir: string): Promise<string> {
    const problem = await localProblem(dir);
    if (problem) throw new ForgeUnavailableError(this.name, `Repository "${this.name}": ${problem}`);
    try {
      // The ceiling stops git from walking up into an enclosing repository (e.g. the portal's own checkout).
      const out = await runGit(["rev-parse", "--absolute-git-dir"], { cwd: dir, env: { GIT_CEILING_DIRECTORIES: path.dirname(dir) } });
      return out.trim();
    } catch (error) {
      throw new ForgeUnavailableError(this.name, `Repository "${this.name}": ${dir} is not a readable git repository (${gitMessage(error)}).`, {
        cause: error,
      });
    }
  }
}

function parentOf(p: string): string | null {
  if (p === "") return null;
  const slash = p.lastIndexOf("/");
  return slash < 0 ? "" : p.slice(0, slash);
}

/** Why a local repository directory cannot be used, or null if it is there. */
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
