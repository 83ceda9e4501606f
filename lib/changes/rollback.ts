import { DomainError } from "@/lib/actions/domain-error";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { Deployment } from "@/lib/gitops/model";
import type { RollbackPin } from "@/lib/gitops/promote/types";
import type { HistoryEntry } from "@/lib/sync/cell-history";
import { openScmRepository } from "@/lib/sync/open-scm";
import { readRepositoryAt } from "@/lib/sync/read-at-commit";
import type { PromotionRequest } from "./promotion-request";

/** What a promotion needs to know beyond the repository: the target's pin and, for a rollback, the cell it returns to. */
export interface RollbackContext {
  pin: RollbackPin | null;
  /** The target environment as it was at `request.rollbackTo`. */
  source: Deployment | null;
}

// Cells read at old commits (a whole repository read each): the dialog plans a rollback several times.
const sourcesRead = new Map<string, Deployment>();
const MAX_SOURCES_KEPT = 50;

async function cellIds(prisma: PrismaClient, request: Pick<PromotionRequest, "repository" | "app" | "to">) {
  const [app, env] = await Promise.all([
    prisma.app.findFirst({ where: { name: request.app, repository: { name: request.repository } }, select: { id: true } }),
    prisma.environment.findUnique({ where: { name: request.to }, select: { id: true } }),
  ]);
  return app && env ? { appId: app.id, environmentId: env.id } : null;
}

/** The pin of the target cell, as the planner takes it. */
export async function targetPin(prisma: PrismaClient, request: Pick<PromotionRequest, "repository" | "app" | "to">): Promise<RollbackPin | null> {
  const ids = await cellIds(prisma, request);
  if (!ids) return null;
  const pin = await prisma.rollbackPin.findUnique({ where: { appId_environmentId: ids } });
  return pin ? { version: pin.version, by: pin.pinnedByName, reason: pin.reason } : null;
}

export async function rollbackContext(prisma: PrismaClient, request: PromotionRequest): Promise<RollbackContext> {
  const pin = await targetPin(prisma, request);
  if (!request.rollbackTo) return { pin, source: null };
  if (request.from !== request.to) throw new DomainError(`A rollback returns ${request.to} to a version it ran: "from" must be ${request.to}, not ${request.from}.`);
  const entry = await historyEntry(prisma, request, request.rollbackTo);
  const key = `${request.repository}\u0000${request.app}\u0000${request.to}\u0000${entry.sha}`;
  let source = sourcesRead.get(key);
  if (!source) {
    const repo = await prisma.repository.findUniqueOrThrow({ where: { name: request.repository } });
    const { model } = await readRepositoryAt(prisma, openScmRepository(repo), entry.sha);
    source = model.deployments.find((d) => d.app === request.app && d.env === request.to);
    if (!source) throw new DomainError(`${request.app} had no ${request.to} environment at ${entry.sha.slice(0, 12)}. Nothing was changed.`);
    if (sourcesRead.size >= MAX_SOURCES_KEPT) sourcesRead.delete(sourcesRead.keys().next().value!);
    sourcesRead.set(key, source);
  }
  return { pin, source };
}

/** Only a version the cell's history lists can be rolled back to: a commit from anywhere else is not one it ran. */
async function historyEntry(prisma: PrismaClient, request: PromotionRequest, sha: string): Promise<HistoryEntry> {
  const ids = await cellIds(prisma, request);
  const history = ids ? await prisma.deploymentHistory.findFirst({ where: { deployment: { appId: ids.appId, environmentId: ids.environmentId } }, select: { entries: true } }) : null;
  const entry = ((history?.entries ?? []) as unknown as HistoryEntry[]).find((e) => e.sha === sha);
  if (!entry) throw new DomainError(`${sha.slice(0, 12)} is not in the history of ${request.app} in ${request.to}: roll back to a version listed there. Nothing was changed.`);
  return entry;
}

/** Shown form of what a cell runs: "name:value" per release field. */
export function describeVersions(cell: Pick<Deployment, "versions">): string {
  return cell.versions.map((v) => `${v.name}:${v.value ?? v.digest ?? "(none)"}`).join(", ") || "(no versions)";
}

/**
 * After a promotion's change opened: a rollback pins the cell (who, when, why); a promotion confirmed
 * through a pin clears it. Returns what it did, for the audit row.
 */
export async function updatePin(
  prisma: PrismaClient,
  request: PromotionRequest,
  context: RollbackContext,
  opened: { changeId: number; by: { id: string; name: string } },
): Promise<"pinned" | "unpinned" | null> {
  const ids = await cellIds(prisma, request);
  if (!ids) return null;
  if (request.rollbackTo && context.source) {
    const data = {
      version: describeVersions(context.source),
      commitSha: request.rollbackTo,
      reason: request.reason || `rolled back to ${request.rollbackTo.slice(0, 12)}`,
      pinnedById: opened.by.id,
      pinnedByName: opened.by.name,
      pinnedAt: new Date(),
      changeRequestId: opened.changeId,
    };
    await prisma.rollbackPin.upsert({ where: { appId_environmentId: ids }, create: { ...ids, ...data }, update: data });
    return "pinned";
  }
  if (context.pin && request.allowUnpin) {
    await prisma.rollbackPin.deleteMany({ where: ids });
    return "unpinned";
  }
  return null;
}

/** Removes the pin of a cell (the "Unpin" button); false when it had none. */
export async function removePin(prisma: PrismaClient, cell: Pick<PromotionRequest, "repository" | "app" | "to">): Promise<boolean> {
  const ids = await cellIds(prisma, cell);
  if (!ids) return false;
  return (await prisma.rollbackPin.deleteMany({ where: ids })).count > 0;
}
