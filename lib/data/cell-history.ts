import { changeLabel } from "@/lib/changes/change-label";
import type { PrismaClient, RollbackPin } from "@/lib/db/generated/client";
import type { HistoryEntry } from "@/lib/sync/cell-history";

export type { HistoryEntry, HistoryVersion } from "@/lib/sync/cell-history";

export interface CellHistoryItem extends HistoryEntry {
  /** The change request whose merge (or fast-forward) is this commit, when Ferry opened it. */
  change: { id: number; label: string } | null;
  /** What the cell runs now (the newest entry). */
  current: boolean;
}

/** A cell held at a version by a rollback. */
export interface RollbackPinView {
  version: string;
  commitSha: string;
  reason: string;
  by: string;
  at: string;
  changeId: number | null;
}

export interface CellHistory {
  env: string;
  entries: CellHistoryItem[];
  /** Null until the history was read (the first sync after the cell changed, plain git only). */
  readAt: string | null;
  pin: RollbackPinView | null;
}

export function pinView(pin: RollbackPin | undefined): RollbackPinView | null {
  return pin ? { version: pin.version, commitSha: pin.commitSha, reason: pin.reason, by: pin.pinnedByName, at: pin.pinnedAt.toISOString(), changeId: pin.changeRequestId } : null;
}

/** Histories of an app's cells per environment, from the cache (never from git). */
export async function getAppHistories(prisma: PrismaClient, appId: number): Promise<Map<string, CellHistory>> {
  const app = await prisma.app.findUnique({
    where: { id: appId },
    select: {
      repositoryId: true,
      repository: { select: { name: true, provider: true } },
      deployments: { select: { environment: { select: { name: true } }, history: { select: { entries: true, updatedAt: true } } } },
      rollbackPins: { include: { environment: { select: { name: true } } } },
    },
  });
  const out = new Map<string, CellHistory>();
  if (!app) return out;
  const shas = app.deployments.flatMap((d) => ((d.history?.entries ?? []) as unknown as HistoryEntry[]).map((e) => e.sha));
  const changes = shas.length
    ? await prisma.changeRequest.findMany({
        where: { repositoryId: app.repositoryId, state: "MERGED", OR: [{ mergeCommitSha: { in: shas } }, { headSha: { in: shas } }] },
        select: { id: true, number: true, mergeCommitSha: true, headSha: true },
        orderBy: { id: "asc" },
      })
    : [];
  const changeOf = new Map<string, { id: number; label: string }>();
  const link = (c: (typeof changes)[number]) => ({ id: c.id, label: changeLabel({ provider: app.repository.provider, repository: app.repository.name, number: c.number, id: c.id }) });
  // A merge commit names its change exactly; a fast-forward merge's commit is the change's own head.
  for (const c of changes) if (c.headSha && !changeOf.has(c.headSha)) changeOf.set(c.headSha, link(c));
  for (const c of changes) if (c.mergeCommitSha) changeOf.set(c.mergeCommitSha, link(c));
  for (const d of app.deployments) {
    const entries = (d.history?.entries ?? []) as unknown as HistoryEntry[];
    const pin = app.rollbackPins.find((p) => p.environment.name === d.environment.name);
    out.set(d.environment.name, {
      env: d.environment.name,
      entries: entries.map((e, i) => ({ ...e, change: changeOf.get(e.sha) ?? null, current: i === 0 })),
      readAt: d.history?.updatedAt.toISOString() ?? null,
      pin: pinView(pin),
    });
  }
  return out;
}

/** One cell's history (the matrix popover), or null when there is no such cell. */
export async function getCellHistory(prisma: PrismaClient, cell: { repository: string; app: string; env: string }): Promise<CellHistory | null> {
  const app = await prisma.app.findFirst({ where: { name: cell.app, repository: { name: cell.repository } }, select: { id: true } });
  if (!app) return null;
  return (await getAppHistories(prisma, app.id)).get(cell.env) ?? null;
}
