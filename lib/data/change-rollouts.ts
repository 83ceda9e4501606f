import type { PrismaClient } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import { descendsFrom } from "@/lib/live/descends";
import { deriveRollout, type Rollout, type RolloutLiveRow } from "@/lib/live/rollout";
import { openScmRepository } from "@/lib/sync/open-scm";
import { liveCellKey, MAX_SILENCE_MS } from "./live-cell-key";

// Each change request's promotion timeline, read from the stored live state of the cells it alters and
// the repository's history (is the applied revision the merge commit or a descendant?).

const changeSelect = {
  id: true,
  state: true,
  createdAt: true,
  mergedAt: true,
  mergeCommitSha: true,
  appName: true,
  toEnv: true,
  changeSet: true,
  repository: { select: { name: true, provider: true, url: true, defaultBranch: true } },
} satisfies Prisma.ChangeRequestSelect;

type ChangeRow = Prisma.ChangeRequestGetPayload<{ select: typeof changeSelect }>;

const GIT_SHA = /^[0-9a-f]{40}$/i;

/** The cells a change alters: those its plan recorded, else its app in its target environment. */
export function changedCells(change: Pick<ChangeRow, "appName" | "toEnv" | "changeSet">): { app: string; env: string }[] {
  const set = change.changeSet as { affected?: unknown } | null;
  const affected = Array.isArray(set?.affected)
    ? set.affected.flatMap((a: unknown) =>
        typeof a === "object" && a !== null && "app" in a && "env" in a && typeof a.app === "string" && typeof a.env === "string" ? [{ app: a.app, env: a.env }] : [],
      )
    : [];
  if (affected.length > 0) return affected;
  return change.appName && change.toEnv ? [{ app: change.appName, env: change.toEnv }] : [];
}

function targetVersions(changeSet: unknown): string[] {
  const fields = (changeSet as { fields?: unknown } | null)?.fields;
  if (!Array.isArray(fields)) return [];
  return fields.flatMap((f: unknown) => (typeof f === "object" && f !== null && "to" in f && typeof f.to === "string" ? [f.to] : []));
}

async function rolloutsOf(prisma: PrismaClient, changes: ChangeRow[], now: Date): Promise<Rollout[]> {
  if (changes.length === 0) return [];
  const [sourceRows, liveRows] = await Promise.all([
    prisma.liveSource.findMany({ select: { name: true, staleSince: true, lastContactAt: true } }),
    prisma.liveApplication.findMany({
      where: {
        repository: { in: [...new Set(changes.map((c) => c.repository.name))] },
        app: { in: [...new Set(changes.flatMap((c) => changedCells(c).map((x) => x.app)))] },
      },
      select: { sourceName: true, name: true, sync: true, health: true, revision: true, appliedAt: true, healthSince: true, repository: true, app: true, env: true },
    }),
  ]);
  const byCell = new Map<string, RolloutLiveRow[]>();
  for (const r of liveRows) {
    const key = liveCellKey(r.repository ?? "", r.app ?? "", r.env ?? "");
    byCell.set(key, [...(byCell.get(key) ?? []), r]);
  }
  const sources = new Map(sourceRows.map((s) => [s.name, s]));
  const rowsOf = (c: ChangeRow) => changedCells(c).flatMap((x) => byCell.get(liveCellKey(c.repository.name, x.app, x.env)) ?? []);

  // Ancestry is asked only for merged changes whose cells report a git revision; answers are cached.
  const ancestry = new Map<string, boolean | undefined>();
  await Promise.all(
    changes.flatMap((c) => {
      const merge = c.mergeCommitSha;
      if (c.state !== "MERGED" || !merge) return [];
      const revisions = new Set(rowsOf(c).flatMap((r) => (r.revision && GIT_SHA.test(r.revision) ? [r.revision] : [])));
      return [...revisions].map(async (revision) => {
        let answer: boolean | undefined;
        try {
          answer = await descendsFrom(openScmRepository(c.repository), merge, revision);
        } catch {
          // A repository without its forge credentials here: the history cannot be read, nothing is claimed.
          answer = undefined;
        }
        ancestry.set(`${c.id}\u0000${revision}`, answer);
      });
    }),
  );

  return changes.map((c) =>
    deriveRollout({
      change: { id: c.id, state: c.state, createdAt: c.createdAt, mergedAt: c.mergedAt, mergeCommitSha: c.mergeCommitSha, targetVersions: targetVersions(c.changeSet) },
      rows: rowsOf(c),
      cells: changedCells(c).map((x) => `${x.app} in ${x.env}`),
      connected: sourceRows.length > 0,
      sources,
      descends: (revision) => ancestry.get(`${c.id}\u0000${revision}`),
      now,
      maxSilenceMs: MAX_SILENCE_MS,
    }),
  );
}

/** Timelines of the given changes, or of the newest ones (as many as the Changes page lists). */
export async function getChangeRollouts(prisma: PrismaClient, ids?: number[], now: Date = new Date(), limit = 200): Promise<Rollout[]> {
  const changes = await prisma.changeRequest.findMany({
    where: ids ? { id: { in: ids } } : {},
    orderBy: { updatedAt: "desc" },
    take: limit,
    select: changeSelect,
  });
  return rolloutsOf(prisma, changes, now);
}

/**
 * For cells with live state: the newest merged change that altered each, when it is still deploying
 * (merged, not yet healthy on the cluster). Keyed like getLiveCells.
 */
export async function deployingChanges(prisma: PrismaClient, cells: readonly { repository: string; app: string; env: string }[], now: Date = new Date()): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (cells.length === 0) return out;
  const wanted = new Set(cells.map((c) => liveCellKey(c.repository, c.app, c.env)));
  const merged = await prisma.changeRequest.findMany({
    where: { state: "MERGED", repository: { name: { in: [...new Set(cells.map((c) => c.repository))] } } },
    orderBy: { mergedAt: "desc" },
    take: 500,
    select: changeSelect,
  });
  const newest = new Map<string, ChangeRow>();
  for (const c of merged)
    for (const x of changedCells(c)) {
      const key = liveCellKey(c.repository.name, x.app, x.env);
      if (wanted.has(key) && !newest.has(key)) newest.set(key, c);
    }
  const changes = [...new Set(newest.values())];
  const rollouts = new Map((await rolloutsOf(prisma, changes, now)).map((r) => [r.changeId, r]));
  for (const [key, c] of newest) {
    const r = rollouts.get(c.id);
    // A stale source says "stale" in the cell already; "deploying" would be a claim nobody checked.
    if (r?.phase === "deploying" && r.live === null) out.set(key, c.id);
  }
  return out;
}
