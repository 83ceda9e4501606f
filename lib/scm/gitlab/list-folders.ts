import type { GitLabContext } from "./context";
import { short } from "./context";
import { describeFailure } from "./errors";
import type { WireTreeItem } from "./wire";

/** Largest page GitLab serves. */
const PER_PAGE = 100;

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
