import type { PrismaClient } from "@/lib/db/generated/client";
import type { DriftState, FieldDrift } from "@/lib/gitops/drift";
import type { Version } from "@/lib/gitops/model";
import type { CommitInfo } from "@/lib/scm/types";
import { openScmRepository } from "@/lib/sync/open-scm";
import { MemoCache } from "./memo-cache";

export interface AppEnvironmentDetail {
  env: string;
  order: number;
  protected: boolean;
  path: string;
  versions: Version[];
  files: string[];
  errors: string[];
  drift: DriftState;
  driftFields: FieldDrift[];
  lastCommit: { sha: string; by: string | null; at: string | null } | null;
}

export interface AppDetail {
  id: number;
  name: string;
  team: string | null;
  repository: { name: string; provider: string; headSha: string | null };
  path: string;
  environments: AppEnvironmentDetail[];
}

export async function getAppDetail(prisma: PrismaClient, repository: string, app: string): Promise<AppDetail | null> {
  const row = await prisma.app.findFirst({
    where: { name: app, repository: { name: repository } },
    include: {
      team: { select: { name: true } },
      repository: { select: { name: true, provider: true, headSha: true } },
      deployments: { include: { environment: true } },
    },
  });
  if (!row) return null;
  const environments = row.deployments
    .map((d) => ({
      env: d.environment.name,
      order: d.environment.order,
      protected: d.environment.protected,
      path: d.path,
      versions: d.versions as unknown as Version[],
      files: d.files,
      errors: d.errors as string[],
      drift: (d.drift as DriftState | null) ?? "unknown",
      driftFields: (d.driftFields as FieldDrift[] | null) ?? [],
      lastCommit: d.lastCommitSha ? { sha: d.lastCommitSha, by: d.lastCommitBy, at: d.lastCommitAt?.toISOString() ?? null } : null,
    }))
    .sort((a, b) => a.order - b.order || a.env.localeCompare(b.env));
  return { id: row.id, name: row.name, team: row.team?.name ?? null, repository: row.repository, path: row.path, environments };
}

// The history of given paths at a given commit never changes: it is read once (two git processes, or
// forge calls) and kept per repository, commit and paths, so app pages between two syncs spawn nothing.
const recentCommits = new MemoCache<CommitInfo[]>(500);

/**
 * Recent commits touching the app's folders. Read from the repository (a local mirror for git), so a
 * failure here degrades to a message on the page rather than failing it.
 */
export async function getRecentCommits(
  prisma: PrismaClient,
  detail: AppDetail,
  limit = 10,
): Promise<{ commits: CommitInfo[]; error: string | null }> {
  const repo = await prisma.repository.findUnique({ where: { name: detail.repository.name } });
  if (!repo?.headSha) return { commits: [], error: "The repository has not been synced yet." };
  try {
    const paths = [...new Set([detail.path, ...detail.environments.map((e) => e.path)])].filter(Boolean);
    const headSha = repo.headSha;
    const key = [repo.id, repo.provider, repo.url, headSha, limit, ...paths].join("\n");
    const commits = await recentCommits.get(key, () => openScmRepository(repo).log({ ref: headSha, paths, limit }));
    return { commits, error: null };
  } catch (error) {
    return { commits: [], error: `Recent commits could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}
