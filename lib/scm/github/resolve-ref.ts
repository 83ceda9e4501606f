import { RefNotFoundError } from "../errors";
import { statusOf } from "./auth";
import { fail, OBJECT_ID, type GitHubContext } from "./context";

interface CachedRef {
  etag: string;
  sha: string;
  type: string;
}

/**
 * Branch/tag/sha → commit sha with conditional requests: each ref's ETag is kept, sent back as
 * If-None-Match, and a 304 ("unchanged", free of rate limit) answers from memory. So an idle poll
 * of an unchanged branch costs exactly one request that does not count against the limit.
 */
export class RefResolver {
  private readonly refs = new Map<string, CachedRef>();
  /** Commit shas seen to exist: a sha never changes meaning, so it is checked once. */
  private readonly commits = new Set<string>();

  constructor(private readonly ctx: GitHubContext) {}

  async resolve(ref: string): Promise<string> {
    if (OBJECT_ID.test(ref)) return this.verifyCommit(ref);
    const branch = await this.readRef(`heads/${ref}`);
    if (branch) return branch.sha;
    const tag = await this.readRef(`tags/${ref}`);
    if (tag) return tag.type === "tag" ? this.peelTag(tag.sha, ref) : tag.sha;
    // An abbreviated sha: the commits endpoint expands it.
    if (/^[0-9a-f]{4,39}$/.test(ref)) return this.expandShortSha(ref);
    throw new RefNotFoundError(this.ctx.name, ref);
  }

  /** A branch's tip, or null when it does not exist: one (conditional) request. */
  async branchTip(branch: string): Promise<string | null> {
    return (await this.readRef(`heads/${branch}`))?.sha ?? null;
  }

  /** Forget a branch's cached answer (after Ferry moved it itself). */
  forget(branch: string): void {
    this.refs.delete(`heads/${branch}`);
  }

  /** GET git/ref/{ref}: null for a 404, the cached answer for a 304. */
  private async readRef(ref: string): Promise<{ sha: string; type: string } | null> {
    const { octokit, owner, repo } = this.ctx;
    const cached = this.refs.get(ref);
    try {
      const { data, headers } = await octokit.rest.git.getRef({ owner, repo, ref, headers: cached ? { "if-none-match": cached.etag } : {} });
      const answer = { sha: data.object.sha, type: data.object.type };
      if (headers.etag) this.refs.set(ref, { etag: headers.etag, ...answer });
      return answer;
    } catch (error) {
      const status = statusOf(error);
      if (status === 304 && cached) return cached;
      // 409: the repository is empty, so no ref exists.
      if (status === 404 || status === 409) {
        this.refs.delete(ref);
        return null;
      }
      throw fail(this.ctx, error, `read ref "${ref}"`);
    }
  }

  private async verifyCommit(sha: string): Promise<string> {
    if (this.commits.has(sha)) return sha;
    const { octokit, owner, repo } = this.ctx;
    try {
      await octokit.rest.git.getCommit({ owner, repo, commit_sha: sha });
    } catch (error) {
      if (statusOf(error) === 422 || statusOf(error) === 409) throw new RefNotFoundError(this.ctx.name, sha, { cause: error });
      throw fail(this.ctx, error, `read commit ${sha.slice(0, 8)}`, sha);
    }
    this.commits.add(sha);
    return sha;
  }

  /** An annotated tag points at a tag object; follow it (and tags of tags) to the commit. */
  private async peelTag(sha: string, ref: string): Promise<string> {
    const { octokit, owner, repo } = this.ctx;
    let current = sha;
    for (let depth = 0; depth < 5; depth++) {
      try {
        const { data } = await octokit.rest.git.getTag({ owner, repo, tag_sha: current });
        if (data.object.type !== "tag") return data.object.sha;
        current = data.object.sha;
      } catch (error) {
        throw fail(this.ctx, error, `read tag "${ref}"`, ref);
      }
    }
    throw new RefNotFoundError(this.ctx.name, ref);
  }

  private async expandShortSha(ref: string): Promise<string> {
    const { octokit, owner, repo } = this.ctx;
    try {
      const { data } = await octokit.rest.repos.getCommit({ owner, repo, ref, per_page: 1 });
      this.commits.add(data.sha);
      return data.sha;
    } catch (error) {
      if (statusOf(error) === 422 || statusOf(error) === 409) throw new RefNotFoundError(this.ctx.name, ref, { cause: error });
      throw fail(this.ctx, error, `read commit "${ref}"`, ref);
    }
  }
}
