import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { runGit } from "../scm/git/run-git";
import { defaultDemoDir, listCommitFiles, readDeleteList, readDemoContent, type DemoCommit } from "./demo-content";

export interface DemoRepository {
  name: string;
  /** Working repository with `main` checked out; pushes to it update the working tree. */
  path: string;
  defaultBranch: "main";
  /** True when this call created it. */
  created: boolean;
  /** Set when the directory exists but is not a usable git repository; it is left untouched. */
  error?: string;
}

export interface CreateDemoRepositoriesOptions {
  /** Directory that holds (or will hold) one repository per demo repo. */
  targetDir: string;
  /** Demo content; defaults to `demo/repos` in the working directory. */
  demoDir?: string;
}

// The user's git configuration must not leak into the demo history (commit signing, hooks,
// autocrlf would change or break it), and we must not write to it: ignore global and system config.
const GIT_ENV = { GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };
const GIT_FLAGS = ["-c", "commit.gpgsign=false", "-c", "core.autocrlf=false", "-c", "core.hooksPath=/dev/null"];

/**
 * Creates the demo repositories that are missing in `targetDir` by replaying demo/repos/<name>.
 * Existing repositories are left alone (user changes and merged promotions survive restarts);
 * existing directories that are not valid repositories are reported, never deleted.
 */
export async function createDemoRepositories(opts: CreateDemoRepositoriesOptions): Promise<DemoRepository[]> {
  const content = await readDemoContent(opts.demoDir ?? defaultDemoDir());
  await fs.mkdir(opts.targetDir, { recursive: true });
  const results: DemoRepository[] = [];
  for (const repo of content) {
    const target = path.join(path.resolve(opts.targetDir), repo.name);
    const base = { name: repo.name, path: target, defaultBranch: "main" as const };
    if (await exists(target)) {
      const problem = await repositoryProblem(target);
      results.push(problem ? { ...base, created: false, error: brokenMessage(repo.name, target, problem) } : { ...base, created: false });
      continue;
    }
    const created = await createRepository(repo.dir, repo.commits, target);
    if (created) {
      results.push({ ...base, created: true });
    } else {
      // Another process created it while we were replaying: use theirs.
      const problem = await repositoryProblem(target);
      results.push(problem ? { ...base, created: false, error: brokenMessage(repo.name, target, problem) } : { ...base, created: false });
    }
  }
  return results;
}

function brokenMessage(name: string, target: string, problem: string): string {
  return `Demo repository "${name}" at ${target} is not a valid git repository (${problem}). It was left untouched: repair it, or move it away to have it recreated.`;
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}

/** Null when `dir` is a working repository whose HEAD is a commit; otherwise what is wrong. */
async function repositoryProblem(dir: string): Promise<string | null> {
  const stat = await fs.stat(dir).catch(() => null);
  if (!stat?.isDirectory()) return "not a directory";
  try {
    // The ceiling keeps git from accepting an enclosing repository (e.g. the portal's own checkout).
    const env = { ...GIT_ENV, GIT_CEILING_DIRECTORIES: path.dirname(dir) };
    const top = (await runGit(["rev-parse", "--show-toplevel"], { cwd: dir, env })).trim();
    if (path.resolve(top) !== (await fs.realpath(dir))) return `its repository root is ${top}`;
    await runGit(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], { cwd: dir, env });
    return null;
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const detail = typeof stderr === "string" && stderr.trim() ? stderr.trim().split("\n")[0] : "HEAD is not a commit";
    return detail ?? "unreadable";
  }
}

/** Replays the commits into a temp directory and renames it into place. False if `target` appeared meanwhile. */
async function createRepository(demoRepoDir: string, commits: DemoCommit[], target: string): Promise<boolean> {
  // A crash half way must not leave a half-built repository under the final name (it would look valid).
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.creating-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    await runGit([...GIT_FLAGS, "init", "--quiet", "--initial-branch=main", tmp], { env: GIT_ENV });
    // Lets the portal (and users) push to the checked-out branch: the working tree follows.
    await runGit(["config", "receive.denyCurrentBranch", "updateInstead"], { cwd: tmp, env: GIT_ENV });
    for (const commit of commits) await replayCommit(path.join(demoRepoDir, "commits", commit.dir), commit, tmp);
    try {
      await fs.rename(tmp, target);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOTEMPTY" || code === "EEXIST") return false;
      throw error;
    }
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

async function replayCommit(commitDir: string, commit: DemoCommit, repoDir: string): Promise<void> {
  for (const rel of await listCommitFiles(commitDir)) {
    const dest = path.join(repoDir, rel);
    await fs.mkdir(path.dirname(dest), { recursive: true });
    // Read and write rather than copy: the file mode in git must not depend on the checkout's permissions.
    await fs.writeFile(dest, await fs.readFile(path.join(commitDir, rel)), { mode: 0o644 });
  }
  for (const rel of await readDeleteList(commitDir)) {
    if (rel.split("/").includes("..")) throw new Error(`${commitDir}: refusing to delete ${rel}`);
    await fs.rm(path.join(repoDir, rel), { recursive: true, force: true });
  }
  const { name, email } = commit.author;
  const env = {
    ...GIT_ENV,
    GIT_AUTHOR_NAME: name,
    GIT_AUTHOR_EMAIL: email,
    GIT_AUTHOR_DATE: commit.date,
    GIT_COMMITTER_NAME: name,
    GIT_COMMITTER_EMAIL: email,
    GIT_COMMITTER_DATE: commit.date,
  };
  await runGit(["add", "--all"], { cwd: repoDir, env });
  await runGit([...GIT_FLAGS, "-c", `user.name=${name}`, "-c", `user.email=${email}`, "commit", "--quiet", "--no-verify", "-m", commit.message.replace(/\n+$/, "")], {
    cwd: repoDir,
    env,
  });
}
