import { InvalidInputError } from "../errors";
import type { CommitInfo, LogOptions } from "../types";
import { statusOf } from "./auth";
import { fail, mapLimit, type GitHubContext } from "./context";
import { reshapeCommit } from "./reshape";

const CONCURRENCY = 8;
/** A log without a limit still stops here: the commits API pages 100 at a time. */
export const MAX_LOG_COMMITS = 1000;
/** Paths looked up per lastCommitByPath call (one request each); the rest come on later syncs. */
export const MAX_PATHS_PER_CALL = 100;
const MAX_CACHED_ANSWERS = 20_000;

/** "apps/x/", "./apps/x" → "apps/x"; "", ".", "/" → "" (the repository root). */
export function normalizeRepoPath(path: string): string {
  let p = path.replace(/\/+$/, "");
  while (p.startsWith("./")) p = p.slice(2);
  p = p.replace(/^\/+/, "");
  return p === "." ? "" : p;
}

function assertSafePath(ctx: GitHubContext, path: string): void {
  if (/[\0\n\r]/.test(path)) throw new InvalidInputError(ctx.name, `Refusing path ${JSON.stringify(path)}: control characters are not allowed.`);
}

/** `GET commits?sha=&path=&per_page=`, paged up to `limit`. */
async function listCommits(ctx: GitHubContext, sha: string, path: string | undefined, limit: number): Promise<CommitInfo[]> {
  const { octokit, owner, repo } = ctx;
  const out: CommitInfo[] = [];
  const perPage = Math.min(100, Math.max(1, limit));
  for (let page = 1; out.length < limit; page++) {
    const { data } = await octokit.rest.repos.listCommits({ owner, repo, sha, per_page: perPage, page, ...(path ? { path } : {}) });
    out.push(...data.map(reshapeCommit));
    if (data.length < perPage) break;
  }
  return out.slice(0, limit);
}

/**
 * Commits reachable from `opts.ref`, newest first. GitHub filters by one path per request, so
 * several paths are one request each, merged by date and de-duplicated.
 */
export async function log(ctx: GitHubContext, sha: string, opts: LogOptions): Promise<CommitInfo[]> {
  if (opts.limit !== undefined && (!Number.isInteger(opts.limit) || opts.limit < 0)) throw new InvalidInputError(ctx.name, `Invalid log limit ${opts.limit}.`);
  const limit = Math.min(opts.limit ?? MAX_LOG_COMMITS, MAX_LOG_COMMITS);
  if (limit === 0) return [];
  for (const p of opts.paths ?? []) assertSafePath(ctx, p);
  const paths = [...new Set((opts.paths ?? []).map(normalizeRepoPath))];
  try {
    if (paths.length === 0 || paths.includes("")) return await listCommits(ctx, sha, undefined, limit);
    const lists = await mapLimit(paths, CONCURRENCY, (p) => listCommits(ctx, sha, p, limit));
    const bySha = new Map<string, CommitInfo>();
    for (const commit of lists.flat()) bySha.set(commit.sha, commit);
    return [...bySha.values()].sort((a, b) => b.date.getTime() - a.date.getTime()).slice(0, limit);
  } catch (error) {
    if (statusOf(error) === 409) return []; // empty repository
    throw fail(ctx, error, `read the history of ${opts.ref}`, opts.ref);
  }
}

/**
 * Newest commit touching each path, one `per_page=1` request per path (GitHub has no multi-path
 * history), capped per call and answered from a cache keyed by (commit, path): history below a
 * commit never changes, so a re-sync of the same head costs nothing.
 * Unlike the git provider (first-parent), GitHub attributes a change merged from a branch to the
 * branch's commit, not the merge commit.
 */
export class LastCommitCache {
  private readonly answers = new Map<string, CommitInfo | null>();

  constructor(private readonly ctx: GitHubContext) {}

  async lookup(commitSha: string, paths: readonly string[]): Promise<Map<string, CommitInfo>> {
    const wanted = new Map<string, string[]>();
    for (const p of paths) {
      assertSafePath(this.ctx, p);
      const key = normalizeRepoPath(p);
      wanted.set(key, [...(wanted.get(key) ?? []), p]);
    }
    const missing = [...wanted.keys()].filter((p) => !this.answers.has(cacheKey(commitSha, p))).slice(0, MAX_PATHS_PER_CALL);
    try {
      await mapLimit(missing, CONCURRENCY, async (p) => {
        const [commit] = await listCommits(this.ctx, commitSha, p === "" ? undefined : p, 1);
        this.remember(cacheKey(commitSha, p), commit ?? null);
      });
    } catch (error) {
      throw fail(this.ctx, error, `read the history of ${commitSha.slice(0, 8)}`, commitSha);
    }
    const result = new Map<string, CommitInfo>();
    for (const [p, originals] of wanted) {
      const commit = this.answers.get(cacheKey(commitSha, p));
      if (commit) for (const original of originals) result.set(original, commit);
    }
    return result;
  }

  private remember(key: string, commit: CommitInfo | null): void {
    // Oldest first out: Map keeps insertion order.
    if (this.answers.size >= MAX_CACHED_ANSWERS) this.answers.delete(this.answers.keys().next().value ?? "");
    this.answers.set(key, commit);
  }
}

function cacheKey(commitSha: string, path: string): string {
  return `${commitSha}\0${path}`;
}
