import type { PrismaClient } from "@/lib/db/client";
import type { Version } from "@/lib/gitops/model";
import { cellLive, type CellLive, type LiveRow, type SourceState } from "@/lib/live/cell-live";
import { IN_SYNC } from "@/lib/live/types";
import { deployingChanges } from "./change-rollouts";
import { liveCellKey, MAX_SILENCE_MS } from "./live-cell-key";

export { liveCellKey } from "./live-cell-key";

export interface LiveCellInput {
  repository: string;
  app: string;
  env: string;
  versions: Pick<Version, "kind" | "name" | "value" | "floating" | "digest">[];
  lastCommitSha: string | null;
}


/** The live state of each given cell that a live object is placed in, read from the stored snapshot. */
export async function getLiveCells(prisma: PrismaClient, cells: readonly LiveCellInput[], now: Date = new Date()): Promise<Map<string, CellLive>> {
  const out = new Map<string, CellLive>();
  if (cells.length === 0) return out;
  const repositories = [...new Set(cells.map((c) => c.repository))];
  const apps = [...new Set(cells.map((c) => c.app))];
  const [rows, sources, heads] = await Promise.all([
    prisma.liveApplication.findMany({
      where: { repository: { in: repositories }, app: { in: apps } },
      select: { sourceName: true, name: true, sync: true, health: true, revision: true, images: true, appliedAt: true, repository: true, app: true, env: true },
    }),
    prisma.liveSource.findMany({ select: { name: true, staleSince: true, lastContactAt: true } }),
    prisma.repository.findMany({ where: { name: { in: repositories } }, select: { name: true, headSha: true } }),
  ]);
  if (rows.length === 0) return out;
  const byCell = new Map<string, LiveRow[]>();
  for (const r of rows) {
    const key = liveCellKey(r.repository ?? "", r.app ?? "", r.env ?? "");
    byCell.set(key, [...(byCell.get(key) ?? []), r]);
  }
  const sourceStates = new Map<string, SourceState>(sources.map((s) => [s.name, s]));
  const headOf = new Map(heads.map((h) => [h.name, h.headSha]));
  for (const c of cells) {
    const key = liveCellKey(c.repository, c.app, c.env);
    const live = cellLive(byCell.get(key) ?? [], { versions: c.versions, head: headOf.get(c.repository) ?? null, lastCommit: c.lastCommitSha }, sourceStates, now, MAX_SILENCE_MS);
    if (live) out.set(key, live);
  }
  // A cell synced and healthy at git's current content has no change on its way: only the others are
  // looked up among merged changes (none, and no query, when everything runs what git says).
  const unsettled = cells.filter((c) => {
    const live = out.get(liveCellKey(c.repository, c.app, c.env));
    return live && !live.staleSince && !(IN_SYNC.has(live.sync) && live.health === "Healthy" && live.applied === "head");
  });
  const deploying = await deployingChanges(prisma, unsettled, now);
  for (const [key, changeId] of deploying) {
    const live = out.get(key);
    if (live) live.deploying = changeId;
  }
  return out;
}
