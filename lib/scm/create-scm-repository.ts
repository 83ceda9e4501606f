import type { ChangeRequestStore } from "./change-request-store";
import { GitRepository } from "./git";
import { createGitHubRepository } from "./github";
import { createGitLabRepository } from "./gitlab";
import type { ScmProviderKind, ScmRepository } from "./types";

export interface ScmRepositorySpec {
  name: string;
  provider: ScmProviderKind;
  url: string;
  branch?: string;
}

export interface ScmFactoryOptions {
  /** Where remote git repositories are mirrored, and forge repositories cloned (`github/`, `gitlab/`). */
  cacheDir: string;
  /**
   * Where plain-git change requests are recorded (e.g. `new PrismaChangeRequestStore(getPrisma())`).
   * Without it a git repository can be read and branched, but not asked to open change requests.
   */
  changeRequests?: ChangeRequestStore;
}

/** The provider for one configured repository (see lib/config/repositories.ts). */
export function createScmRepository(spec: ScmRepositorySpec, opts: ScmFactoryOptions): ScmRepository {
  switch (spec.provider) {
    case "git":
      return new GitRepository({ name: spec.name, url: spec.url, defaultBranch: spec.branch, cacheDir: opts.cacheDir, changeRequests: opts.changeRequests });
    case "github":
      return createGitHubRepository({ name: spec.name, url: spec.url, branch: spec.branch, cacheDir: opts.cacheDir });
    case "gitlab":
      return createGitLabRepository({ name: spec.name, url: spec.url, branch: spec.branch, cacheDir: opts.cacheDir });
  }
}
