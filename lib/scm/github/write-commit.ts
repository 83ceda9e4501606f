import { ConflictError, InvalidInputError, RefNotFoundError } from "../errors";
import { assertChangeList } from "../git/commit-changes";
import { assertCommitMessage, assertIdentity, FERRY_COMMITTER } from "../git/write-arguments";
import type { CreateBranchWithCommitInput, FileChange, TreeEntry } from "../types";
import { statusOf } from "./auth";
import { assertBranchName } from "./arguments";
import { fail, OBJECT_ID, type GitHubContext } from "./context";
import { githubMessage } from "./errors";

/** A commit's root tree (what a new commit's `base_tree` needs) and its files. */
export interface CommitTree {
  treeSha: string;
  entries: TreeEntry[];
}

/** The base commit's tree, from the instance's cache (filled by readTree) or one recursive tree read. */
export type BaseTreeLookup = (baseSha: string) => Promise<CommitTree>;

export type TreeItem = { path: string; mode: "100644" | "100755"; type: "blob"; content: string } | { path: string; mode: "100644"; type: "blob"; sha: null };

/**
 * One commit on top of `baseSha`, published as `branch`, in at most four calls:
 * [tree of the base, unless cached] → `POST git/trees` (base_tree + inline contents, `sha: null`
 * deletes) → `POST git/commits` → `POST git/refs` (or, with `force` and an existing branch,
 * `PATCH git/refs/heads/{branch}` with force).
 * GitHub's REST API has no compare-and-swap for refs: concurrent writers of one branch are kept
 * apart by the portal's branch write lock and the per-instance write queue, not by GitHub.
 */
export async function createBranchWithCommit(ctx: GitHubContext, input: CreateBranchWithCommitInput, baseTree: BaseTreeLookup): Promise<{ commitSha: string }> {
  assertBranchName(ctx.name, input.branch);
  if (!OBJECT_ID.test(input.baseSha)) throw new InvalidInputError(ctx.name, `"${input.baseSha}" is not a full commit sha: plan changes against a resolved commit.`);
  assertCommitMessage(ctx.name, input.message);
  assertIdentity(ctx.name, input.author, "author");
  const committer = input.committer ?? FERRY_COMMITTER;
  assertIdentity(ctx.name, committer, "committer");
  assertChangeList(ctx.name, input.changes);

  const base = await baseTree(input.baseSha);
  const items = treeItems(ctx.name, input.changes, new Map(base.entries.map((e) => [e.path, e.mode])));
  if (items.length === 0) {
    throw new InvalidInputError(ctx.name, "The changes only delete files that do not exist: there is nothing to commit.");
  }
  const { octokit, owner, repo } = ctx;
  let tree: string;
  try {
    tree = (await octokit.rest.git.createTree({ owner, repo, base_tree: base.treeSha, tree: items })).data.sha;
  } catch (error) {
    throw fail(ctx, error, `write the changed files for branch "${input.branch}"`);
  }
  let commitSha: string;
  try {
    const { data } = await octokit.rest.git.createCommit({
      owner,
      repo,
      message: input.message,
      tree,
      parents: [input.baseSha],
      author: { name: input.author.name, email: input.author.email },
      committer: { name: committer.name, email: committer.email },
    });
    commitSha = data.sha;
  } catch (error) {
    if (statusOf(error) === 422) throw new RefNotFoundError(ctx.name, input.baseSha, { cause: error });
    throw fail(ctx, error, `create the commit for branch "${input.branch}"`);
  }
  await publishBranch(ctx, input.branch, commitSha, input.force ?? false, input.replaces);
  return { commitSha };
}

/**
 * `replaces` (the tip the caller read): a string goes straight to `PATCH git/refs` (a rebuild of a
 * known branch spends no `POST git/refs` that GitHub refuses with 422); null creates the branch and
 * refuses, even with `force`, one that appeared meanwhile; undefined tries create, then update.
 */
export async function publishBranch(ctx: GitHubContext, branch: string, sha: string, force: boolean, replaces: string | null | undefined): Promise<void> {
  const { octokit, owner, repo } = ctx;
  if (typeof replaces === "string" && force) return updateBranch(ctx, branch, sha);
  try {
    await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha });
    return;
  } catch (error) {
    if (!isReferenceExists(error)) throw fail(ctx, error, `create branch "${branch}"`);
    if (replaces === null) {
      throw new ConflictError(ctx.name, `Branch "${branch}" of "${ctx.name}" was created by someone else while Ferry was writing it; Ferry did not overwrite it.`, { cause: error });
    }
    if (!force) {
      throw new ConflictError(ctx.name, `Branch "${branch}" already exists in "${ctx.name}": adopt its change request, or replace the branch with force.`, { cause: error });
    }
  }
  await updateBranch(ctx, branch, sha);
}

async function updateBranch(ctx: GitHubContext, branch: string, sha: string): Promise<void> {
  const { octokit, owner, repo } = ctx;
  try {
    await octokit.rest.git.updateRef({ owner, repo, ref: `heads/${branch}`, sha, force: true });
  } catch (error) {
    // Deleted between our two calls (the change request was closed meanwhile): create it after all.
    if (statusOf(error) === 422 && /does not exist/i.test(githubMessage(error))) {
      try {
        await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha });
        return;
      } catch (again) {
        if (isReferenceExists(again)) throw new ConflictError(ctx.name, `Branch "${branch}" of "${ctx.name}" changed while Ferry was replacing it; reload and try again.`, { cause: again });
        throw fail(ctx, again, `create branch "${branch}"`);
      }
    }
    throw fail(ctx, error, `update branch "${branch}"`);
  }
}

/** GitHub answers 422 (and some servers 409) "Reference already exists" to `POST git/refs`. */
export function isReferenceExists(error: unknown): boolean {
  const status = statusOf(error);
  return (status === 422 || status === 409) && /reference already exists/i.test(githubMessage(error));
}

/**
 * Tree entries for `POST git/trees`. A written file keeps its mode (an executable stays one); a new
 * file is 100644; deleting an absent file is dropped (a no-op, as in the git provider) because
 * GitHub refuses `sha: null` for a path the base tree does not have.
 */
export function treeItems(repository: string, changes: readonly FileChange[], modes: ReadonlyMap<string, string>): TreeItem[] {
  const items: TreeItem[] = [];
  const folders = folderSet(modes);
  for (const change of changes) {
    const existing = modes.get(change.path);
    if ("delete" in change) {
      if (folders.has(change.path)) throw new InvalidInputError(repository, `"${change.path}" is a folder, not a file: delete its files instead.`);
      if (existing !== undefined) items.push({ path: change.path, mode: "100644", type: "blob", sha: null });
      continue;
    }
    if (existing === "120000" || existing === "160000") {
      throw new InvalidInputError(repository, `"${change.path}" is a ${existing === "120000" ? "symbolic link" : "submodule"}, not a file Ferry can write.`);
    }
    if (folders.has(change.path)) throw new InvalidInputError(repository, `The changes would replace the folder "${change.path}" with a file.`);
    for (let slash = change.path.indexOf("/"); slash >= 0; slash = change.path.indexOf("/", slash + 1)) {
      const parent = change.path.slice(0, slash);
      if (modes.has(parent) && !changes.some((c) => c.path === parent && "delete" in c)) {
        throw new InvalidInputError(repository, `"${parent}" is a file: "${change.path}" cannot be written below it.`);
      }
    }
    items.push({ path: change.path, mode: existing === "100755" ? "100755" : "100644", type: "blob", content: contentString(repository, change.path, change.content) });
  }
  return items;
}

/**
 * Inline tree content is a JSON string, stored as its UTF-8 bytes. Bytes that are not valid UTF-8
 * cannot be sent this way (that would need a blob upload per file); GitOps files are text.
 */
function contentString(repository: string, path: string, content: string | Uint8Array): string {
  if (typeof content === "string") return content;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(content);
  } catch {
    throw new InvalidInputError(repository, `"${path}" is not UTF-8 text; the GitHub provider writes text files only.`);
  }
}

function folderSet(modes: ReadonlyMap<string, string>): Set<string> {
  const folders = new Set<string>();
  for (const path of modes.keys()) {
    for (let slash = path.indexOf("/"); slash >= 0; slash = path.indexOf("/", slash + 1)) folders.add(path.slice(0, slash));
  }
  return folders;
}
