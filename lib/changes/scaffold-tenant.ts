import type { PrismaClient } from "@/lib/db/generated/client";
import { detectTenantPreset, planTenant, tenantBranch, type PresetName, type ScaffoldPlan } from "@/lib/gitops/scaffold";
import { readCachedRepository, type CachedRepository } from "@/lib/sync/cached-repository";
import { assertRepositoryActive } from "@/lib/sync/retire-repositories";
import { freshRepository, openChange, type OpenChangeResult, type Requester } from "./open-change";
import { notPreviewed, scaffoldPlanDigest } from "./plan-digest";
import { storedScaffoldRequest } from "./scaffold-request";
import { newRepositoryRefusal, publicUrl, repositoryRow, symlinksAt, type RepositoryRow } from "./scaffold-context";
import type { TenantInput } from "./scaffold-request";

export interface ScaffoldPreview {
  repository: string;
  baseSha: string;
  branch: string;
  /** The convention found in the repository (the form may override it). */
  detectedPreset: PresetName;
  plan: ScaffoldPlan;
  /** Fingerprint of the plan's files (null when refused): sent back on open, which refuses any other plan. */
  planDigest: string | null;
  /** The open change request this would update, if any. */
  existingChange: { id: number; number: number | null; url: string | null } | null;
}

interface TenantWorld {
  platform: RepositoryRow;
  apps: RepositoryRow;
  appsRepo: CachedRepository | null;
}

async function world(prisma: PrismaClient, input: TenantInput): Promise<TenantWorld> {
  const platform = await repositoryRow(prisma, input.repository);
  if (input.apps.newRepository) throw newRepositoryRefusal(input.apps.repository, platform.provider);
  const found = await prisma.repository.findUnique({ where: { name: input.apps.repository }, select: { id: true, name: true, provider: true, url: true, defaultBranch: true, team: true, archivedAt: true } });
  if (!found) throw newRepositoryRefusal(input.apps.repository, platform.provider);
  assertRepositoryActive(found);
  const { archivedAt: _archived, ...apps } = found;
  return { platform, apps, appsRepo: await readCachedRepository(prisma, apps.name) };
}

function plan(input: TenantInput, w: TenantWorld, repo: CachedRepository, symlinks: Set<string>, requestedBy?: string): ScaffoldPlan {
  return planTenant({
    repository: repo.name,
    tree: repo.tree,
    model: repo.model,
    request: { name: input.name, displayName: input.displayName, owners: input.owners, environments: input.environments, apps: { repository: input.apps.repository, path: input.apps.path }, preset: input.preset as PresetName | undefined },
    platformRepoURL: publicUrl(w.platform, repo, ...(w.appsRepo ? [w.appsRepo] : [])),
    platformBranch: w.platform.defaultBranch,
    appsRepoURL: publicUrl(w.apps, repo, ...(w.appsRepo ? [w.appsRepo] : [])),
    appsBranch: w.apps.defaultBranch,
    symlinks,
    requestedBy,
  });
}

async function openChangeOf(prisma: PrismaClient, repositoryId: number, branch: string) {
  return prisma.changeRequest.findFirst({ where: { repositoryId, branch, state: { in: ["OPEN", "DRAFT"] } }, select: { id: true, number: true, url: true } });
}

/** The onboarding form's preview: every file of the change, against the platform repository's head. Writes nothing. */
export async function previewTenant(prisma: PrismaClient, input: TenantInput, options: { requestedBy?: string } = {}): Promise<ScaffoldPreview> {
  const w = await world(prisma, input);
  const repo = await freshRepository(prisma, input.repository);
  const symlinks = await symlinksAt(w.platform, repo.headSha);
  const branch = tenantBranch(input.name);
  const planned = plan(input, w, repo, symlinks, options.requestedBy);
  return {
    repository: repo.name,
    baseSha: repo.headSha,
    branch,
    detectedPreset: detectTenantPreset(repo.tree, repo.model),
    plan: planned,
    planDigest: scaffoldPlanDigest(planned),
    existingChange: await openChangeOf(prisma, w.platform.id, branch),
  };
}

/**
 * Opens (or updates) the one change request onboarding this tenant, on branch `ferry/tenant/<name>`:
 * planned again on the latest head under the branch lock (openChange).
 */
export async function openTenant(prisma: PrismaClient, input: TenantInput, requester: Requester, options: { updateOf?: { changeId: number } } = {}): Promise<OpenChangeResult<ScaffoldPlan>> {
  const w = await world(prisma, input);
  const head = await freshRepository(prisma, input.repository);
  const symlinks = await symlinksAt(w.platform, head.headSha);
  return openChange<ScaffoldPlan>(prisma, {
    repository: input.repository,
    branch: tenantBranch(input.name),
    requester,
    expectedBaseSha: input.expectedBaseSha,
    updateOf: options.updateOf,
    plan: (repo) => {
      const p = plan(input, w, repo, symlinks, requester.name);
      if (p.status !== "changes") return { refusal: p };
      const unseen = notPreviewed(p, input.expectedPlanDigest);
      if (unseen) return { refusal: unseen };
      return { plan: p, draft: { kind: "TENANT", changeSet: p.changeSet, details: { tenant: input.name, preset: p.templates.preset, templates: p.templates.label, request: storedScaffoldRequest(input) } } };
    },
  });
}
