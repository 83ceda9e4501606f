import type { PrismaClient } from "@/lib/db/generated/client";
import { DomainError } from "@/lib/actions/domain-error";
import { repoUrlOf } from "@/lib/gitops/scaffold";
import type { CachedRepository } from "@/lib/sync/cached-repository";
import { openScmRepository } from "@/lib/sync/open-scm";
import { assertRepositoryActive } from "@/lib/sync/retire-repositories";

/** What a scaffold needs to know about a configured repository beyond its cached tree. */
export interface RepositoryRow {
  id: number;
  name: string;
  provider: string;
  url: string;
  defaultBranch: string;
  team: string | null;
}

export async function repositoryRow(prisma: PrismaClient, name: string): Promise<RepositoryRow> {
  const row = await prisma.repository.findUnique({ where: { name }, select: { id: true, name: true, provider: true, url: true, defaultBranch: true, team: true, archivedAt: true } });
  if (!row) throw new DomainError(`Repository ${name} is not configured in Ferry.`);
  assertRepositoryActive(row);
  const { archivedAt: _archived, ...active } = row;
  return active;
}

/**
 * Paths that are symbolic links at `sha` (git mode 120000). The cache keeps contents, not modes,
 * so this asks the provider; writes under these paths are refused.
 */
export async function symlinksAt(row: RepositoryRow, sha: string): Promise<Set<string>> {
  const entries = await openScmRepository(row).readTree(sha);
  return new Set(entries.filter((e) => e.mode === "120000").map((e) => e.path));
}

/** The URL manifests use for `row` (as other manifests spell it), else its configured URL. */
export function publicUrl(row: RepositoryRow, ...trees: CachedRepository[]): string {
  for (const repo of trees) {
    const found = repoUrlOf(repo.tree, row.name, "");
    if (found) return found;
  }
  return row.url;
}

/**
 * Ferry cannot create repositories: none of its providers (plain git, GitHub, GitLab) is given the
 * right to, so a NEW repository for a tenant is refused with what to do instead.
 */
export function newRepositoryRefusal(name: string, provider: string | null): DomainError {
  const where = provider === "github" ? "on GitHub" : provider === "gitlab" ? "on GitLab" : "on your git server";
  return new DomainError(
    `Ferry cannot create repository ${name || "(unnamed)"}: the ${provider ?? "git"} provider and its token are not allowed to create repositories. ` +
      `Create it ${where} first, add it to Ferry's repositories (ferry.config.yaml or FERRY_REPOSITORIES), then choose it here — or pick a folder in an existing repository.`,
  );
}
