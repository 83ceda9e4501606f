import type { PrismaClient } from "@/lib/db/generated/client";
import { DomainError } from "@/lib/actions/domain-error";
import { appBranch, appHref, detectAppPreset, planApp, type PresetName, type ScaffoldPlan } from "@/lib/gitops/scaffold";
import type { CachedRepository } from "@/lib/sync/cached-repository";
import { freshRepository, openChange, type OpenChangeResult, type Requester } from "./open-change";
import { notPreviewed, scaffoldPlanDigest } from "./plan-digest";
import { storedScaffoldRequest } from "./scaffold-request";
import { publicUrl, repositoryRow, symlinksAt, type RepositoryRow } from "./scaffold-context";
import type { AppInput } from "./scaffold-request";
import type { ScaffoldPreview } from "./scaffold-tenant";

function plan(input: AppInput, row: RepositoryRow, repo: CachedRepository, symlinks: Set<string>, requestedBy?: string): ScaffoldPlan {
  return planApp({
    repository: repo.name,
    tree: repo.tree,
    model: repo.model,
    request: { name: input.name, team: input.team, image: input.image, tag: input.tag, port: input.port, environments: input.environments, preset: input.preset as PresetName | undefined },
    repoURL: publicUrl(row, repo),
    branch: row.defaultBranch,
    symlinks,
    requestedBy,
  });
}

/** An app of that name elsewhere: the matrix has one row per app name, so the name must be free everywhere. */
async function elsewhere(prisma: PrismaClient, input: AppInput): Promise<ScaffoldPlan | null> {
  const other = await prisma.app.findFirst({ where: { name: input.name, repository: { name: { not: input.repository } } }, select: { repository: { select: { name: true } } } });
  if (!other) return null;
  const repository = other.repository.name;
  return {
    status: "refused",
    reason: `App ${input.name} already exists in ${repository}.`,
    fieldErrors: { name: `App ${input.name} already exists in ${repository}.` },
    location: { repository, path: input.name, href: appHref(repository, input.name) },
  };
}

/** A repository that belongs to one team takes only that team's apps. */
function checkTeam(row: RepositoryRow, input: AppInput): void {
  if (row.team && row.team !== input.team) throw new DomainError(`Repository ${row.name} belongs to team ${row.team}; an app of team ${input.team} goes into one of that team's repositories.`);
}

export async function previewApp(prisma: PrismaClient, input: AppInput, options: { requestedBy?: string } = {}): Promise<ScaffoldPreview> {
  const row = await repositoryRow(prisma, input.repository);
  checkTeam(row, input);
  const repo = await freshRepository(prisma, input.repository);
  const symlinks = await symlinksAt(row, repo.headSha);
  const branch = appBranch(input.name);
  const open = await prisma.changeRequest.findFirst({ where: { repositoryId: row.id, branch, state: { in: ["OPEN", "DRAFT"] } }, select: { id: true, number: true, url: true } });
  const planned = (await elsewhere(prisma, input)) ?? plan(input, row, repo, symlinks, options.requestedBy);
  return {
    repository: repo.name,
    baseSha: repo.headSha,
    branch,
    detectedPreset: detectAppPreset(repo.model),
    plan: planned,
    planDigest: scaffoldPlanDigest(planned),
    existingChange: open,
  };
}

/** Opens (or updates) the one change request adding this app, on branch `ferry/app/<name>`. */
export async function openApp(prisma: PrismaClient, input: AppInput, requester: Requester, options: { updateOf?: { changeId: number } } = {}): Promise<OpenChangeResult<ScaffoldPlan>> {
  const row = await repositoryRow(prisma, input.repository);
  checkTeam(row, input);
  const refused = await elsewhere(prisma, input);
  const head = await freshRepository(prisma, input.repository);
  if (refused) return { status: "not-opened", plan: refused, baseSha: head.headSha };
  const symlinks = await symlinksAt(row, head.headSha);
  return openChange<ScaffoldPlan>(prisma, {
    repository: input.repository,
    branch: appBranch(input.name),
    requester,
    expectedBaseSha: input.expectedBaseSha,
    updateOf: options.updateOf,
    plan: (repo) => {
      const p = plan(input, row, repo, symlinks, requester.name);
      if (p.status !== "changes") return { refusal: p };
      const unseen = notPreviewed(p, input.expectedPlanDigest);
      if (unseen) return { refusal: unseen };
      return {
        plan: p,
        draft: {
          kind: "APP",
          appName: input.name,
          changeSet: p.changeSet,
          details: {
            app: input.name,
            // The team the change belongs to until the app is in the cache: who may merge it (review-change.ts changeResource).
            team: input.team,
            // Every environment it deploys to, so a merge needs the role of any protected one among them.
            affected: input.environments.map((env) => ({ app: input.name, env, versions: [] })),
            preset: p.templates.preset,
            templates: p.templates.label,
            request: storedScaffoldRequest(input),
          },
        },
      };
    },
  });
}
