import { z } from "zod";
import type { PrismaClient } from "@/lib/db/generated/client";
import { DomainError } from "@/lib/actions/domain-error";
import { ForbiddenError } from "@/lib/auth/errors";
import type { Decision, Resource } from "@/lib/auth/policy";
import type { ChangeSet } from "@/lib/gitops/change-set";
import type { EnvironmentImpact } from "@/lib/gitops/impact";
import type { ConfirmOption, FieldChange, RefusalOverride, SkippedFile } from "@/lib/gitops/promote";
import { bulkCellKey, bulkChangeSet, bulkPromotionBranch, treeAfter, type BulkCell, type BulkStep } from "@/lib/gitops/promote/bulk";
import { readCachedRepository, type CachedRepository } from "@/lib/sync/cached-repository";
import { syncRepositoryNow } from "@/lib/sync/sync-now";
import { storedBulkCells } from "./bulk-cells";
import { changeLabel } from "./change-label";
import { openChange, type ChangeLink, type Requester } from "./open-change";
import { impactOfEdits, planPromotionAt } from "./preview-promotion";
import { promotionRequestSchema, type PromotionRequest } from "./promotion-request";
import { rollbackContext, updatePin, type RollbackContext } from "./rollback";

// Bulk promotion: several cells (or "everything behind <env>" of a team) promoted in one change request
// per repository. Each cell is planned by the single-promotion planner with its own safety rules; the
// cells of one repository are planned one after another on the tree the previous ones left, and their
// edits composed into one edit per file (lib/gitops/promote/bulk.ts).

const cellSchema = promotionRequestSchema.pick({ repository: true, app: true, from: true, to: true, allowDowngrade: true, allowFloating: true, allowReplaceDigestPin: true, allowUnpin: true });

export const bulkPromotionSchema = z
  .object({
    cells: z.array(cellSchema).max(200, "at most 200 cells at once").default([]),
    /** "Everything behind `env`" of `team`: every app of the team whose `env` differs from the environment it is promoted from. */
    behind: promotionRequestSchema.pick({ to: true }).extend({ team: promotionRequestSchema.shape.app }).optional(),
    /** Per repository, the base the user previewed: a moved branch is planned again and shown, not opened. */
    expectedBaseShas: z.record(z.string(), z.string().regex(/^[0-9a-f]{40}$/)).optional(),
  })
  .refine((i) => i.cells.length > 0 || i.behind !== undefined, { message: "select at least one cell", path: ["cells"] });

export type BulkPromotionInput = z.output<typeof bulkPromotionSchema>;

export type BulkCellOutcome =
  | { cell: BulkCell; status: "included"; fields: FieldChange[]; notes: string[]; skipped: SkippedFile[]; downgrade: boolean }
  | { cell: BulkCell; status: "up-to-date" | "refused" | "needs-confirmation" | "open-change"; reason: string; confirm?: ConfirmOption[]; override?: RefusalOverride; change?: { id: number; label: string } };

export interface BulkRepositoryPlan {
  repository: string;
  baseSha: string;
  branch: string;
  cells: BulkCellOutcome[];
  /** The combined change (null when no cell has anything to promote). */
  changeSet: ChangeSet | null;
  /** Every cell whose rendered versions the combined change alters: what opening and merging are judged by. */
  affected: EnvironmentImpact[];
  /** This selection's own open change request, updated instead of opening another. */
  existingChange: ChangeLink | null;
  /** Why this user may not open it (names the cell), or null. */
  forbidden: string | null;
}

export type BulkRepositoryResult =
  | { repository: string; status: "opened" | "updated" | "identical"; change: ChangeLink; plan: BulkRepositoryPlan; reviewersTold?: true | "no-thread" | { failed: string } }
  | { repository: string; status: "base-moved" | "nothing-to-promote"; plan: BulkRepositoryPlan };

/** Asks the policy about one cell (`deployment.promote` on the app's team and the environment). */
export type CellAuthorizer = (resource: Resource) => Decision;

/** What a request's cells stand for: the cells listed, and "everything behind" expanded from the cache. */
export async function requestedCells(prisma: PrismaClient, input: BulkPromotionInput): Promise<PromotionRequest[]> {
  const listed = input.cells.map((c) => promotionRequestSchema.parse({ ...c, mode: "version" }));
  const behind = input.behind ? await cellsBehind(prisma, input.behind.team, input.behind.to) : [];
  const seen = new Set<string>();
  return [...listed, ...behind].filter((r) => {
    const key = `${r.repository}/${bulkCellKey(r)}`;
    return !seen.has(key) && seen.add(key);
  });
}

/** Every app of `team` whose `env` cell runs something else than the environment before it. */
async function cellsBehind(prisma: PrismaClient, team: string, env: string): Promise<PromotionRequest[]> {
  const [environments, apps] = await Promise.all([
    prisma.environment.findMany({ select: { name: true, order: true } }),
    prisma.app.findMany({
      where: { team: { name: team } },
      select: { name: true, repository: { select: { name: true } }, deployments: { select: { drift: true, environment: { select: { name: true } } } } },
      orderBy: [{ repository: { name: "asc" } }, { name: "asc" }],
    }),
  ]);
  const order = new Map(environments.map((e) => [e.name, e.order]));
  const rank = order.get(env);
  if (rank === undefined) throw new DomainError(`There is no environment ${env}.`);
  return apps.flatMap((app) => {
    const target = app.deployments.find((d) => d.environment.name === env);
    const previous = app.deployments
      .map((d) => d.environment.name)
      .filter((e) => (order.get(e) ?? 99) < rank)
      .sort((a, b) => (order.get(b) ?? 99) - (order.get(a) ?? 99))[0];
    if (!target || !previous || target.drift === "same") return [];
    return [promotionRequestSchema.parse({ repository: app.repository.name, app: app.name, from: previous, to: env })];
  });
}

interface RepositoryContext {
  requests: PromotionRequest[];
  branch: string;
  contexts: Map<string, RollbackContext>;
  /** Target cells already in another open change from Ferry (a single promotion or another selection). */
  openElsewhere: Map<string, { id: number; label: string }>;
  teams: Map<string, string | null>;
  protectedEnvs: Set<string>;
  existingChange: ChangeLink | null;
}

async function repositoryContext(prisma: PrismaClient, repository: string, requests: PromotionRequest[]): Promise<RepositoryContext> {
  const branch = bulkPromotionBranch(requests);
  const row = await prisma.repository.findUnique({ where: { name: repository }, select: { id: true, provider: true } });
  if (!row) throw new DomainError(`Repository ${repository} is not configured. Nothing was changed.`);
  const [contexts, open, apps, envs] = await Promise.all([
    Promise.all(requests.map(async (r) => [bulkCellKey(r), await rollbackContext(prisma, r)] as const)),
    prisma.changeRequest.findMany({
      where: { repositoryId: row.id, kind: "PROMOTION", state: { in: ["OPEN", "DRAFT"] } },
      select: { id: true, number: true, url: true, branch: true, appName: true, toEnv: true, changeSet: true },
    }),
    prisma.app.findMany({ where: { repositoryId: row.id }, select: { name: true, team: { select: { name: true } } } }),
    prisma.environment.findMany({ where: { protected: true }, select: { name: true } }),
  ]);
  const link = (c: (typeof open)[number]) => ({ id: c.id, number: c.number, url: c.url, label: changeLabel({ provider: row.provider, repository, number: c.number, id: c.id }) });
  const openElsewhere = new Map<string, { id: number; label: string }>();
  for (const c of open) {
    if (c.branch === branch) continue;
    for (const key of c.appName && c.toEnv ? [bulkCellKey({ app: c.appName, to: c.toEnv })] : storedBulkCells(c.changeSet).map(bulkCellKey)) openElsewhere.set(key, link(c));
  }
  const own = open.find((c) => c.branch === branch);
  return {
    requests,
    branch,
    contexts: new Map(contexts),
    openElsewhere,
    teams: new Map(apps.map((a) => [a.name, a.team?.name ?? null])),
    protectedEnvs: new Set(envs.map((e) => e.name)),
    existingChange: own ? link(own) : null,
  };
}

/** Plans every cell of one repository in sequence at `repo`'s head. Pure given the context (no I/O). */
export function planBulkAt(repo: CachedRepository, ctx: RepositoryContext, options: { requestedBy?: string; portalUrl?: string } = {}): Omit<BulkRepositoryPlan, "forbidden" | "existingChange"> {
  let tree = repo.tree;
  const steps: BulkStep[] = [];
  const cells: BulkCellOutcome[] = [];
  for (const request of ctx.requests) {
    const cell = { app: request.app, from: request.from, to: request.to };
    const other = ctx.openElsewhere.get(bulkCellKey(cell));
    if (other) {
      cells.push({ cell, status: "open-change", reason: `${cell.app} in ${cell.to} already has an open change from Ferry (${other.label}): update or close that one first`, change: other });
      continue;
    }
    let plan;
    try {
      plan = planPromotionAt({ ...repo, tree }, request, { ...options, context: ctx.contexts.get(bulkCellKey(cell)) });
    } catch (error) {
      if (error instanceof DomainError) {
        cells.push({ cell, status: "refused", reason: error.message });
        continue;
      }
      throw error;
    }
    if (plan.status === "up-to-date") cells.push({ cell, status: "up-to-date", reason: plan.message });
    else if (plan.status === "refused") cells.push({ cell, status: "refused", reason: plan.reason, ...(plan.override ? { override: plan.override } : {}) });
    else if (plan.status === "needs-confirmation") cells.push({ cell, status: "needs-confirmation", reason: plan.reason, confirm: plan.confirm ?? ["allowDowngrade"] });
    else {
      steps.push({ cell, edits: plan.changeSet.edits, fields: plan.fields, skipped: plan.skipped, notes: plan.notes, downgrade: plan.downgrade });
      cells.push({ cell, status: "included", fields: plan.fields, notes: plan.notes, skipped: plan.skipped, downgrade: plan.downgrade });
      tree = treeAfter(tree, plan.changeSet.edits);
    }
  }
  if (steps.length === 0) return { repository: repo.name, baseSha: repo.headSha, branch: ctx.branch, cells, changeSet: null, affected: [] };
  const left = cells.flatMap((c) => (c.status === "included" ? [] : [{ cell: c.cell, reason: c.reason }]));
  const changeSet = bulkChangeSet(repo.tree, steps, { branch: ctx.branch, repository: repo.name, baseSha: repo.headSha, requestedBy: options.requestedBy, portalUrl: options.portalUrl, left });
  return { repository: repo.name, baseSha: repo.headSha, branch: ctx.branch, cells, changeSet, affected: impactOfEdits(repo, changeSet) };
}

/**
 * The policy asked for every cell the combined change alters: the cells promoted and every other cell
 * whose rendered versions move (a shared file). The first refusal refuses the whole change, naming the cell.
 */
export function bulkRefusal(plan: Pick<BulkRepositoryPlan, "repository" | "cells" | "affected">, ctx: Pick<RepositoryContext, "teams" | "protectedEnvs">, authorize: CellAuthorizer): string | null {
  const judged = [...plan.cells.filter((c) => c.status === "included").map((c) => ({ app: c.cell.app, env: c.cell.to })), ...plan.affected.map((a) => ({ app: a.app, env: a.env }))];
  const seen = new Set<string>();
  for (const { app, env } of judged) {
    if (seen.has(`${app}/${env}`)) continue;
    seen.add(`${app}/${env}`);
    const decision = authorize({ team: ctx.teams.get(app) ?? null, env, protectedEnv: ctx.protectedEnvs.has(env) });
    if (!decision.allowed) return `${app} in ${env} (${plan.repository}): ${decision.reason}. The whole bulk promotion is refused; nothing was opened.`;
  }
  return null;
}

function byRepository(requests: PromotionRequest[]): Map<string, PromotionRequest[]> {
  const out = new Map<string, PromotionRequest[]>();
  for (const r of requests) out.set(r.repository, [...(out.get(r.repository) ?? []), r]);
  return new Map([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

async function freshRepository(prisma: PrismaClient, name: string, sync: boolean): Promise<CachedRepository> {
  if (sync) {
    const synced = await syncRepositoryNow(prisma, name);
    if (synced.status === "error") throw new DomainError(`Repository ${name} could not be read: ${synced.error}. Nothing was changed.`);
  }
  const repo = await readCachedRepository(prisma, name);
  if (!repo) throw new DomainError(`Repository ${name} is unknown or has not been synced yet.`);
  return repo;
}

/** The combined plan and diff per repository, as opening would write them. Writes nothing. */
export async function previewBulkPromotion(
  prisma: PrismaClient,
  input: BulkPromotionInput,
  authorize: CellAuthorizer,
  options: { requestedBy?: string; portalUrl?: string; sync?: boolean } = {},
): Promise<{ repositories: BulkRepositoryPlan[] }> {
  const requests = await requestedCells(prisma, input);
  if (requests.length === 0) throw new DomainError(input.behind ? `No app of team ${input.behind.team} differs in ${input.behind.to} from the environment before it: nothing to promote.` : "Select at least one cell.");
  const repositories: BulkRepositoryPlan[] = [];
  for (const [name, cells] of byRepository(requests)) {
    const ctx = await repositoryContext(prisma, name, cells);
    const repo = await freshRepository(prisma, name, options.sync !== false);
    const plan = planBulkAt(repo, ctx, options);
    repositories.push({ ...plan, existingChange: ctx.existingChange, forbidden: plan.changeSet ? bulkRefusal(plan, ctx, authorize) : null });
  }
  return { repositories };
}

/**
 * Opens (or updates) one change request per repository holding every promotable cell of it, through the
 * one write path (openChange). Nothing is written when any repository's change would be refused to this user.
 */
export async function openBulkPromotion(
  prisma: PrismaClient,
  input: BulkPromotionInput,
  requester: Requester,
  authorize: CellAuthorizer,
  options: {
    portalUrl?: string;
    /** "Update this change on the current head": the open change this selection's branch must still be. */
    updateOf?: { changeId: number };
    /** Cells the change held: on the new head each must still be in it (or be up to date), or nothing is written. */
    keep?: readonly BulkCell[];
  } = {},
): Promise<{ repositories: BulkRepositoryResult[] }> {
  const preview = await previewBulkPromotion(prisma, input, authorize, { requestedBy: requester.name, portalUrl: options.portalUrl });
  const refused = preview.repositories.find((r) => r.forbidden);
  if (refused?.forbidden) throw new ForbiddenError(refused.forbidden);
  const requests = byRepository(await requestedCells(prisma, input));
  const results: BulkRepositoryResult[] = [];
  for (const previewed of preview.repositories) {
    const cells = requests.get(previewed.repository) ?? [];
    const ctx = await repositoryContext(prisma, previewed.repository, cells);
    let planned: BulkRepositoryPlan = previewed;
    const result = await openChange<BulkRepositoryPlan>(prisma, {
      repository: previewed.repository,
      branch: ctx.branch,
      requester,
      expectedBaseSha: input.expectedBaseShas?.[previewed.repository],
      portalUrl: options.portalUrl,
      updateOf: options.updateOf,
      plan: (repo) => {
        const plan = planBulkAt(repo, ctx, { requestedBy: requester.name, portalUrl: options.portalUrl });
        const dropped = droppedCells(plan, options.keep ?? []);
        if (dropped.length > 0) throw new DomainError(`on the current head ${dropped.join("; ")}.`);
        const forbidden = plan.changeSet ? bulkRefusal(plan, ctx, authorize) : null;
        // Planned again under the write lock on the newest head: the policy is asked again for what it alters now.
        if (forbidden) throw new ForbiddenError(forbidden);
        planned = { ...plan, existingChange: ctx.existingChange, forbidden };
        if (!plan.changeSet) return { refusal: planned };
        const included = plan.cells.flatMap((c) => (c.status === "included" ? [c] : []));
        const envs = [...new Set(included.map((c) => c.cell.to))];
        const froms = [...new Set(included.map((c) => c.cell.from))];
        const teams = [...new Set(included.map((c) => ctx.teams.get(c.cell.app) ?? null))];
        return {
          plan: planned,
          draft: {
            kind: "PROMOTION",
            changeSet: plan.changeSet,
            appName: null,
            fromEnv: froms.length === 1 ? froms[0] : null,
            toEnv: envs.length === 1 ? envs[0] : null,
            details: {
              bulk: true,
              cells: included.map((c) => c.cell),
              // What was asked, confirmations included: "update on the current head" plans exactly this again.
              requested: cells.map(requestedCell),
              // The merge is judged by the app's team; a bulk change has no one app, so the team is recorded when its cells share one.
              ...(teams.length === 1 && teams[0] ? { team: teams[0] } : {}),
              fields: included.flatMap((c) => c.fields),
              skipped: included.flatMap((c) => c.skipped),
              notes: included.flatMap((c) => c.notes.map((n) => `${c.cell.app} → ${c.cell.to}: ${n}`)),
              downgrade: included.some((c) => c.downgrade),
              affected: plan.affected,
              left: plan.cells.flatMap((c) => (c.status === "included" ? [] : [{ cell: c.cell, status: c.status, reason: c.reason }])),
            },
          },
        };
      },
    });
    if (result.status === "opened" || result.status === "updated" || result.status === "identical") {
      for (const c of planned.cells) {
        const request = cells.find((r) => r.app === c.cell.app && r.to === c.cell.to);
        const context = ctx.contexts.get(bulkCellKey(c.cell));
        if (c.status === "included" && request && context) await updatePin(prisma, request, context, { changeId: result.change.id, by: requester });
      }
      results.push({ repository: previewed.repository, status: result.status, change: result.change, plan: planned, ...(result.reviewersTold !== undefined ? { reviewersTold: result.reviewersTold } : {}) });
    } else {
      results.push({ repository: previewed.repository, status: result.status === "base-moved" ? "base-moved" : "nothing-to-promote", plan: planned });
    }
  }
  return { repositories: results };
}

/** A cell request as stored on its change: the bulk request's own fields, confirmations only when given. */
function requestedCell(r: PromotionRequest): z.input<typeof cellSchema> {
  const flags = (["allowDowngrade", "allowFloating", "allowReplaceDigestPin", "allowUnpin"] as const).filter((f) => r[f]);
  return { repository: r.repository, app: r.app, from: r.from, to: r.to, ...Object.fromEntries(flags.map((f) => [f, true])) };
}

/** Kept cells the new plan leaves out for a reason other than being up to date, each with its reason. */
function droppedCells(plan: Pick<BulkRepositoryPlan, "cells">, keep: readonly BulkCell[]): string[] {
  return keep.flatMap((k) => {
    const outcome = plan.cells.find((c) => c.cell.app === k.app && c.cell.to === k.to);
    if (!outcome) return [`${k.app} → ${k.to} is no longer asked for`];
    if (outcome.status === "included" || outcome.status === "up-to-date") return [];
    return [`${k.app} → ${k.to} ${outcome.status === "needs-confirmation" ? "needs a decision" : "cannot be promoted"}: ${outcome.reason}`];
  });
}
