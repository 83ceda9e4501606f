import { runGit } from "./run-git";

/**
 * The working tree that has `branch` checked out (the main one or a linked worktree), or null.
 * A bare repository has none, so every branch of it can be moved with update-ref.
 */
export async function checkedOutIn(gitDir: string, branch: string, timeoutMs?: number): Promise<string | null> {
  const out = await runGit(["worktree", "list", "--porcelain", "-z"], { gitDir, timeoutMs });
  let worktree: string | null = null;
  for (const line of out.split("\0")) {
    if (line.startsWith("worktree ")) worktree = line.slice("worktree ".length);
    else if (line === `branch refs/heads/${branch}`) return worktree;
  }
  return null;
}
