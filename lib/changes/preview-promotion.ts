import type { PrismaClient } from "@/lib/db/generated/client";
import { DomainError } from "@/lib/actions/domain-error";
import type { ChangeSet } from "@/lib/gitops/change-set";
import { CONFIG_FILE, parseRepoConfig } from "@/lib/gitops/config";
import { changeImpact, type EnvironmentImpact } from "@/lib/gitops/impact";
import { judgeByImpact } from "@/lib/gitops/promote/judge-impact";
import { planPromotion, promotionBranch, type PromotionPlan } from "@/lib/gitops/promote";
import { KustomizeBuildCache } from "@/lib/gitops/read";
import { sharedParseCache } from "@/lib/sync/load-file-tree";
import { readCachedRepository, type CachedRepository } from "@/lib/sync/cached-repository";
import { syncRepositoryNow } from "@/lib/sync/sync-now";
import type { PromotionRequest } from "./promotion-request";
import { rollbackContext, type RollbackContext } from "./rollback";
import { unreadableFiles } from "./unreadable-files";
import { heldByBulkRefusal, openBulkChangeHolding } from "./bulk-cells";
import { changeLabel } from "./change-label";
import { impactRefusal, repositoryOwnership, type CellAuthorizer, type Ownership } from "./impact-refusal";

export interface PromotionPreview {
  repositoryId: number;
  baseSha: string;
  branch: string;
  plan: PromotionPlan;
  /**
   * The open change request this promotion would update, if any: the base it was planned on, whether it
   * conflicts, and each field's "Now" as it was planned (so the dialog can say what moved since).
   */
  existingChange: {
    id: number;
    number: number | null;
    url: string | null;
    label: string;
    baseSha: string;
    conflict: boolean;
    plannedNow: { name: string; file: string; field: string; from: string | null }[];
  } | null;
  /** The open bulk change that already promotes this cell: this promotion is refused while it is open. */
  heldBy: { id: number; label: string } | null;
}

export interface PreviewOptions {
  /** Bring the cache to the branch head first (default). Off for benchmarks and repeated previews. */
  sync?: boolean;
  requestedBy?: string;
  portalUrl?: string;
  /** The target's rollback pin and, for a rollback, the cell it returns to (see ./rollback.ts). */
  context?: RollbackContext;
  /** Judges every other cell the plan alters (see judgeImpact); without it only the requested cell was judged. */
  authorizeCell?: CellAuthorizer;
}

/** Plans a promotion against the repository's current head, from the cache. Writes nothing. */
export async function previewPromotion(prisma: PrismaClient, request: PromotionRequest, options: PreviewOptions = {}): Promise<PromotionPreview> {
  if (options.sync !== false) {
    const synced = await syncRepositoryNow(prisma, request.repository);
    if (synced.status === "error") throw new DomainError(`Repository ${request.repository} could not be read: ${synced.error}. Nothing was changed.`);
  }
  const repo = await readCachedRepository(prisma, request.repository);
  if (!repo) throw new DomainError(`Repository ${request.repository} is unknown or has not been synced yet.`);
  const plan = planPromotionAt(repo, request, { ...options, context: options.context ?? (await rollbackContext(prisma, request)) });
  return promotionPreview(prisma, repo, request, options.authorizeCell ? await judgeImpact(prisma, repo.id, request, plan, options.authorizeCell) : plan);
}

/**
 * The action checked the requested cell; a plan that also moves other cells (a shared file) is refused
 * when the requester may not promote one of them, naming it, so a shared base cannot carry one team's
 * promotion into another team's deployment.
 */
export async function judgeImpact(prisma: PrismaClient, repositoryId: number, request: PromotionRequest, plan: PromotionPlan, authorize: CellAuthorizer): Promise<PromotionPlan> {
  if (plan.status !== "changes" || !(plan.affected ?? []).some((a) => a.app !== request.app || a.env !== request.to)) return plan;
  return refuseImpact(request, plan, await repositoryOwnership(prisma, repositoryId), authorize);
}

/** judgeImpact with the repository's ownership already read (inside a write, which plans synchronously). */
export function refuseImpact(request: PromotionRequest, plan: PromotionPlan, ownership: Ownership, authorize: CellAuthorizer): PromotionPlan {
  const others = plan.status === "changes" ? (plan.affected ?? []).filter((a) => a.app !== request.app || a.env !== request.to) : [];
  const refused = others.length > 0 ? impactRefusal(others, ownership, authorize) : null;
  if (!refused) return plan;
  return {
    status: "refused",
    reason: `This promotion also alters ${refused.app} in ${refused.env} (a file it edits feeds that cell too), and ${refused.reason}. Ask someone who may promote both, or a platform admin. Nothing was changed.`,
  };
}

/** The preview shape for a plan made at `repo`'s head, with the open change request it would update. */
export async function promotionPreview(prisma: PrismaClient, repo: Pick<CachedRepository, "id" | "headSha">, request: PromotionRequest, plan: PromotionPlan): Promise<PromotionPreview> {
  const branch = promotionBranch(request.app, request.to);
  const open = await prisma.changeRequest.findFirst({
    where: { repositoryId: repo.id, branch, state: { in: ["OPEN", "DRAFT"] } },
    select: { id: true, number: true, url: true, baseSha: true, conflict: true, changeSet: true, repository: { select: { name: true, provider: true } } },
  });
  const planned = ((open?.changeSet as { fields?: { name: string; file: string; field: string; from: string | null }[] } | null)?.fields ?? []).map(({ name, file, field, from }) => ({ name, file, field, from }));
  const existingChange = open
    ? {
        id: open.id,
        number: open.number,
        url: open.url,
        label: changeLabel({ provider: open.repository.provider, repository: open.repository.name, number: open.number, id: open.id }),
        baseSha: open.baseSha,
        conflict: open.conflict === true,
        plannedNow: planned,
      }
    : null;
  const heldBy = await openBulkChangeHolding(prisma, repo.id, request, branch);
  return { repositoryId: repo.id, baseSha: repo.headSha, branch, plan: heldBy ? refuseHeld(request, plan, heldBy) : plan, existingChange, heldBy };
}

/** A plan that would open (or ask to open) a change for a cell an open bulk change holds is refused instead. */
export function refuseHeld(request: Pick<PromotionRequest, "app" | "to">, plan: PromotionPlan, holder: { label: string }): PromotionPlan {
  if (plan.status !== "changes" && plan.status !== "needs-confirmation") return plan;
  return { status: "refused", reason: heldByBulkRefusal(request, holder) };
}

/** The pure part: the plan for `request` against a repository as the cache holds it. */
export function planPromotionAt(repo: CachedRepository, request: PromotionRequest, options: Pick<PreviewOptions, "requestedBy" | "portalUrl" | "context"> = {}): PromotionPlan {
  const cell = (env: string) => repo.model.deployments.find((d) => d.app === request.app && d.env === env);
  if (!repo.model.apps.some((a) => a.name === request.app)) throw new DomainError(`There is no app ${request.app} in repository ${request.repository}.`);
  const rollback = request.rollbackTo ? options.context?.source : undefined;
  if (request.rollbackTo && !rollback) throw new DomainError(`The version of ${request.app} in ${request.to} at ${request.rollbackTo.slice(0, 12)} was not read. Nothing was changed.`);
  const source = rollback ?? cell(request.from);
  const target = cell(request.to);
  if (!source) throw new DomainError(`${request.app} has no ${request.from} environment in ${request.repository}.`);
  if (!target) throw new DomainError(`${request.app} has no ${request.to} environment in ${request.repository}: add the environment first (Add app).`);

  const config = repo.tree.has(CONFIG_FILE) ? parseRepoConfig(repo.tree.get(CONFIG_FILE) ?? "").config : undefined;
  const broken = [...new Set([...unreadableFiles(repo.model, source), ...unreadableFiles(repo.model, target)])];
  if (broken.length > 0) return { status: "refused", reason: `${broken.join("; ")}. Fix the file first: Ferry does not edit what it cannot parse.` };
  const plan = planPromotion({
    tree: repo.tree,
    source,
    target,
    mode: request.mode,
    neverPromote: config?.neverPromote,
    allowDowngrade: request.allowDowngrade,
    allowFloating: request.allowFloating,
    allowReplaceDigestPin: request.allowReplaceDigestPin,
    rollback: request.rollbackTo ? { commitSha: request.rollbackTo, ...(request.reason ? { reason: request.reason } : {}) } : undefined,
    targetPin: options.context?.pin ?? undefined,
    allowUnpin: request.allowUnpin,
    targetProtected: repo.model.environments.find((e) => e.name === request.to)?.protected ?? false,
    baseSha: repo.headSha,
    repository: repo.name,
    sourceSha: request.rollbackTo ?? repo.headSha,
    portalUrl: options.portalUrl,
    requestedBy: options.requestedBy,
  });
  return plan.status === "changes" ? withImpact(repo, plan, request) : plan;
}

/** Judge the change by what it changes (see judgeByImpact): re-read the repository with it applied. */
function withImpact(repo: CachedRepository, plan: Extract<PromotionPlan, { status: "changes" }>, request: PromotionRequest): PromotionPlan {
  return judgeByImpact(plan, impactOfEdits(repo, plan.changeSet), request);
}

/** Every cell whose rendered versions `changeSet` alters in `repo` (also what a bulk promotion is judged by). */
export function impactOfEdits(repo: CachedRepository, changeSet: Pick<ChangeSet, "edits">): EnvironmentImpact[] {
  const buildCache = impactBuilds.get(repo.name) ?? new KustomizeBuildCache();
  impactBuilds.set(repo.name, buildCache);
  return changeImpact(repo.tree, repo.model, changeSet, { ...repo.readOptions, parseCache: sharedParseCache(), buildCache, contentKey: (path) => contentOf(repo.tree, changeSet, path) });
}

// The impact read of a preview rebuilds only the overlays the change touches: one build cache per
// repository, keyed by file content (the tree after the change has no blob SHAs for edited files).
const impactBuilds = new Map<string, KustomizeBuildCache>();

function contentOf(tree: CachedRepository["tree"], changeSet: { edits: { path: string; content: string | null }[] }, path: string): string | undefined {
  const edit = changeSet.edits.find((e) => e.path === path);
  return edit ? (edit.content ?? undefined) : tree.get(path);
}

