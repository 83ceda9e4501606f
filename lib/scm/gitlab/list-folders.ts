import type { TreeEntry } from "../types";
import type { GitLabContext } from "./context";
import { short } from "./context";
import { describeFailure } from "./errors";
import { reshapeTreeItem } from "./reshape";
import type { WireTreeItem } from "./wire";

/** Largest page GitLab serves. */
const PER_PAGE = 100;

/**
 * Every file of a commit's tree. GitLab pages the recursive listing (100 per page); keyset
 * pagination (GitLab 15+) keeps deep pages cheap for GitLab, and older servers fall back to offset
 * pages. gitbeaker follows the `Link: rel="next"` header GitLab sends in both modes.
 */
export async function readTree(ctx: GitLabContext, commitSha: string): Promise<TreeEntry[]> {
  const items = (await ctx.client.call({ action: `read the tree of ${short(commitSha)}`, ref: commitSha }, (api) =>
    api.Repositories.allRepositoryTrees(ctx.projectPath, { ref: commitSha, recursive: true, perPage: PER_PAGE, pagination: "keyset" }),
  )) as unknown as WireTreeItem[];
  const entries: TreeEntry[] = [];
  for (const item of items) {
    const entry = reshapeTreeItem(item);
    if (entry) entries.push(entry);
  }
  return entries;
}

/**
 * Names in the given folders of a commit (one non-recursive listing per folder), for learning which
 * of a commit's paths exist without reading the whole tree. A folder that does not exist is empty.
 */
export async function listFolders(ctx: GitLabContext, commitSha: string, folders: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const folder of folders) {
    let items: WireTreeItem[];
    try {
      items = (await ctx.client.call(
        { action: `list "${folder || "/"}" at ${short(commitSha)}`, ref: commitSha },
        (api) => api.Repositories.allRepositoryTrees(ctx.projectPath, { ref: commitSha, path: folder || undefined, perPage: PER_PAGE }),
        { raw: true },
      )) as unknown as WireTreeItem[];
    } catch (error) {
      // GitLab answers 404 "Tree Not Found" for a folder that is not there.
      if (describeFailure(error).status === 404 && folder !== "") continue;
      throw ctx.client.fail(error, { action: `list "${folder || "/"}" at ${short(commitSha)}`, ref: commitSha });
    }
    for (const item of items) if (item.type === "blob") found.add(item.path);
  }
  return found;
}
