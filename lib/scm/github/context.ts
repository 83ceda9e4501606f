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

export const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
