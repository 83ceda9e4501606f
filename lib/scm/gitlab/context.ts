import type { GitLabClient } from "./client";

/** What every GitLab operation needs: the client, the configured name, the project id. */
export interface GitLabContext {
  client: GitLabClient;
  /** Configured repository name (messages, ChangeRequest.repository). */
  repository: string;
  /** Full project path; gitbeaker URL-encodes it into the project id. */
  projectPath: string;
}

export function short(sha: string): string {
  return /^[0-9a-f]{40,64}$/.test(sha) ? sha.slice(0, 8) : sha;
}
