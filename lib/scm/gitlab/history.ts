import { InvalidInputError } from "../errors";
import type { CommitInfo, LogOptions } from "../types";
import { mapLimit } from "./client";
import type { GitLabContext } from "./context";
import { short } from "./context";
import { reshapeCommit } from "./reshape";
import type { WireCommit } from "./wire";

const PER_PAGE = 100;

/**
 * Commits reachable from `ref`, newest first, through the commits API (`ref_name`, `path`). GitLab
 * filters by one path per request: several paths are asked one by one and merged by commit date.
 */
export async function log(ctx: GitLabContext, opts: LogOptions, paths: readonly string[], concurrency: number): Promise<CommitInfo[]> {
  const limit = opts.limit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw new InvalidInputError(ctx.repository, `Invalid log limit ${limit}.`);
  if (limit === 0) return [];
  const filters: (string | undefined)[] = paths.length === 0 || paths.includes("") ? [undefined] : [...paths];
  const pages = limit === undefined ? undefined : Math.ceil(limit / PER_PAGE);
  const lists = await mapLimit(filters, concurrency, (path) =>
    ctx.client.call({ action: `read the history of ${opts.ref}${path ? ` for "${path}"` : ""}`, ref: opts.ref }, (api) =>
      api.Commits.all(ctx.projectPath, { refName: opts.ref, path, perPage: Math.min(limit ?? PER_PAGE, PER_PAGE), maxPages: pages }),
    ),
  );
  const seen = new Map<string, WireCommit & { committed_date?: string }>();
  for (const list of lists) for (const commit of list as unknown as (WireCommit & { committed_date?: string })[]) seen.set(commit.id, commit);
  let commits = [...seen.values()];
  if (lists.length > 1) commits.sort((a, b) => Date.parse(b.committed_date ?? b.authored_date) - Date.parse(a.committed_date ?? a.authored_date));
  if (limit !== undefined) commits = commits.slice(0, limit);
  return commits.map(reshapeCommit);
}

/**
 * For each path, the newest first-parent commit on `commitSha` that changed it: one request per
 * path (`first_parent=true`, one result), a bounded number in flight. GitLab's REST API has no way
 * to walk history with file names, so this is the cheapest exact answer.
 */
export async function lastCommitByPath(ctx: GitLabContext, commitSha: string, wanted: Map<string, string[]>, concurrency: number): Promise<Map<string, CommitInfo>> {
  const result = new Map<string, CommitInfo>();
  const keys = [...wanted.keys()];
  const found = await mapLimit(keys, concurrency, async (path) => {
    const list = (await ctx.client.call({ action: `find the last change of "${path || "/"}" at ${short(commitSha)}`, ref: commitSha }, (api) =>
      api.Commits.all(ctx.projectPath, { refName: commitSha, path: path || undefined, firstParent: true, perPage: 1, maxPages: 1 }),
    )) as unknown as WireCommit[];
    return { path, commit: list[0] };
  });
  for (const { path, commit } of found) {
    if (!commit) continue;
    const info = reshapeCommit(commit);
    for (const original of wanted.get(path) ?? []) result.set(original, info);
  }
  return result;
}
