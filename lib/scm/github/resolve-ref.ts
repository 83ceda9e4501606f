import { statusOf } from "./auth";
import { fail, type GitHubContext } from "./context";

interface CachedRef {
  etag: string;
  sha: string;
  type: string;
}

/**
 * Branch tips through the API, for the write side (which must see the forge's state, not the local
 * clone's last fetch), with conditional requests: each ref's ETag is kept, sent back as
 * If-None-Match, and a 304 ("unchanged", free of rate limit) answers from memory.
 */
export class RefResolver {
  private readonly refs = new Map<string, CachedRef>();

  constructor(private readonly ctx: GitHubContext) {}

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
}
