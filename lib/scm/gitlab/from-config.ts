import { readSecret } from "@/lib/config/secrets";
import { GitLabRepository } from "./repository";

export interface GitLabRepositorySpec {
  name: string;
  url: string;
  branch?: string;
  /** Where the project's partial clone is kept (default `<FERRY_DATA_DIR>/mirrors`). */
  cacheDir?: string;
}

/**
 * The GitLab provider for a configured repository, with credentials from the environment:
 * FERRY_GITLAB_TOKEN (or FERRY_GITLAB_TOKEN_FILE) and, optionally, FERRY_GITLAB_URL when the API is
 * not served at the repository URL's origin.
 */
export function createGitLabRepository(spec: GitLabRepositorySpec, env: Record<string, string | undefined> = process.env): GitLabRepository {
  return new GitLabRepository({
    name: spec.name,
    url: spec.url,
    defaultBranch: spec.branch,
    token: readSecret("FERRY_GITLAB_TOKEN", env),
    apiUrl: env.FERRY_GITLAB_URL,
    cacheDir: spec.cacheDir,
  });
}
