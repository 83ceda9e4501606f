import { GitCommandError, runGit } from "./run-git";

/** What merging `head` into `base` takes, decided without a working tree. */
export type MergePlan =
  /** `head` is already contained in `base`: nothing to merge. */
  | { kind: "up-to-date" }
  /** `base` is an ancestor of `head`: the base branch can simply move to `head`. */
  | { kind: "fast-forward"; sha: string }
  /** Both moved and merge cleanly: `tree` is the merged tree (already written to the object store). */
  | { kind: "merge"; tree: string }
  /** Both changed the same lines (or the histories are unrelated): nothing was merged. */
  | { kind: "conflict"; paths: string[]; reason: string };

export async function isAncestor(gitDir: string, ancestor: string, descendant: string, timeoutMs?: number): Promise<boolean> {
  try {
    await runGit(["merge-base", "--is-ancestor", ancestor, descendant], { gitDir, timeoutMs });
    return true;
  } catch (error) {
    if (error instanceof GitCommandError && error.exitCode === 1) return false;
    throw error;
  }
}

/** `base` and `head` are full commit shas. */
export async function planMerge(gitDir: string, base: string, head: string, timeoutMs?: number): Promise<MergePlan> {
  if (await isAncestor(gitDir, head, base, timeoutMs)) return { kind: "up-to-date" };
  if (await isAncestor(gitDir, base, head, timeoutMs)) return { kind: "fast-forward", sha: head };
  // merge-tree (git ≥ 2.38) merges in the object store only: the real index and working tree are
  // never touched, so a conflict leaves nothing behind to clean up.
  const args = ["merge-tree", "--write-tree", "-z", "--name-only", "--no-messages", base, head];
  try {
    const out = await runGit(args, { gitDir, timeoutMs });
    return { kind: "merge", tree: out.split("\0")[0]?.trim() ?? "" };
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
    // Exit 1 = conflicts: the tree id, then the conflicted paths (one per stage, so deduplicated).
    if (error.exitCode === 1) {
      const [, ...paths] = error.stdout.split("\0").filter(Boolean);
      return { kind: "conflict", paths: [...new Set(paths)], reason: "conflicting changes" };
    }
    if (/unrelated histories/i.test(error.stderr)) return { kind: "conflict", paths: [], reason: "the branches have no common history" };
    throw error;
  }
}
