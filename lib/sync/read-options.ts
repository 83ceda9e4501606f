import type { ReadOptions } from "@/lib/gitops/read";

export type RepositoryReadOptions = Required<Pick<ReadOptions, "rootAppName" | "branch" | "repositoryUrl">>;

/**
 * How the portal reads a repository, at its head or at any commit, before or after a change: one set
 * of options everywhere, because a change is judged by comparing two reads, and two reads that name
 * a root-level app or resolve a `targetRevision` differently would show cells moving that did not.
 */
export function repositoryReadOptions(repo: { name: string; defaultBranch: string; url: string }): RepositoryReadOptions {
  return { rootAppName: repo.name, branch: repo.defaultBranch, repositoryUrl: repo.url };
}
