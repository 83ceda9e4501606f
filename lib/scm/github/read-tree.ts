import { RefNotFoundError } from "../errors";
import type { TreeEntry } from "../types";
import { statusOf } from "./auth";
import { fail, mapLimit, type GitHubContext } from "./context";
import { reshapeTreeEntries } from "./reshape";

const CONCURRENCY = 8;

/**
 * Every blob of a commit's tree. One request (`git/trees/{sha}?recursive=1`) for any ordinary
 * repository; GitHub truncates recursive listings past 100,000 entries / 7 MB, and then the tree
 * is walked instead: the root without recursion, each subtree recursively again (most fit), and
 * only subtrees that are themselves truncated are split further.
 */
export async function readTree(ctx: GitHubContext, commitSha: string): Promise<CommitTree> {
  try {
    const root: { sha?: string } = {};
    const entries = await walk(ctx, commitSha, "", root);
    return { treeSha: root.sha ?? "", entries };
  } catch (error) {
    const status = statusOf(error);
    // 409: empty repository; 422: not a tree-ish.
    if (status === 409 || status === 422) throw new RefNotFoundError(ctx.name, commitSha, { cause: error });
    throw fail(ctx, error, `read the tree of ${commitSha.slice(0, 8)}`, commitSha);
  }
}

export interface CommitTree {
  /** The commit's root tree (what a new commit's `base_tree` needs). */
  treeSha: string;
  entries: TreeEntry[];
}

async function walk(ctx: GitHubContext, treeSha: string, prefix: string, root?: { sha?: string }): Promise<TreeEntry[]> {
  const { octokit, owner, repo } = ctx;
  const full = await octokit.rest.git.getTree({ owner, repo, tree_sha: treeSha, recursive: "1" });
  if (root) root.sha = full.data.sha;
  if (!full.data.truncated) return reshapeTreeEntries(full.data.tree, prefix);
  const level = await octokit.rest.git.getTree({ owner, repo, tree_sha: treeSha });
  const entries = reshapeTreeEntries(level.data.tree, prefix);
  const subtrees = level.data.tree.filter((item) => item.type === "tree" && item.path && item.sha);
  const nested = await mapLimit(subtrees, CONCURRENCY, (item) => walk(ctx, item.sha ?? "", `${prefix}${item.path}/`));
  return [...entries, ...nested.flat()];
}
