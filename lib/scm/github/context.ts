import type { ScmError } from "../errors";
import type { Octokit } from "./client";
import { toScmError } from "./errors";

/** What every GitHub operation needs: the client, the repository's coordinates, and error mapping. */
export interface GitHubContext {
  octokit: Octokit;
  owner: string;
  repo: string;
  /** Configured repository name (messages, errors). */
  name: string;
  /** API host for messages. */
  host: string;
}

export function fail(ctx: GitHubContext, error: unknown, action: string, ref?: string): ScmError {
  return toScmError(error, { repository: ctx.name, host: ctx.host, action, ref });
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
