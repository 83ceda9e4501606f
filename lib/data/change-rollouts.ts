import type { PrismaClient } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { descendsFrom } from "@/lib/live/descends";
import { deriveRollout, type Rollout, type RolloutChange, type RolloutLiveRow } from "@/lib/live/rollout";
import { openScmRepository } from "@/lib/sync/open-scm";
import { liveCellKey, MAX_SILENCE_MS } from "./live-cell-key";

// Each change request's promotion timeline, read from the stored live state of the cells it alters and
// the repository's history (is the applied revision the merge commit or a descendant?).

/** What a timeline needs of a change: its plan's affected cells and fields, not the whole stored change set (its diff). */
interface ChangeRow {
  id: number;
  state: RolloutChange["state"];
  createdAt: Date;
  mergedAt: Date | null;
  mergeCommitSha: string | null;
  appName: string | null;
  toEnv: string | null;
  affected: unknown;
  fields: unknown;
  repository: { name: string; provider: string; url: string; defaultBranch: string };
}

async function loadChanges(prisma: PrismaClient, where: Prisma.Sql, orderBy: Prisma.Sql, limit: number): Promise<ChangeRow[]> {
  const rows = await prisma.$queryRaw<(Omit<ChangeRow, "repository"> & { repoName: string; repoProvider: string; repoUrl: string; repoBranch: string })[]>`
    SELECT c."id", c."state"::text AS "state", c."createdAt", c."mergedAt", c."mergeCommitSha", c."appName", c."toEnv",
           c."changeSet"->'affected' AS "affected", c."changeSet"->'fields' AS "fields",
           r."name" AS "repoName", r."provider"::text AS "repoProvider", r."url" AS "repoUrl", r."defaultBranch" AS "repoBranch"
    FROM "ChangeRequest" c JOIN "Repository" r ON r."id" = c."repositoryId"
    WHERE ${where} ORDER BY ${orderBy} LIMIT ${limit}`;
  return rows.map(({ repoName, repoProvider, repoUrl, repoBranch, ...c }) => ({ ...c, repository: { name: repoName, provider: repoProvider, url: repoUrl, defaultBranch: repoBranch } }));
}

const GIT_SHA = /^[0-9a-f]{40}$/i;

/** The cells a change alters: those its plan recorded, else its app in its target environment. */
export function changedCells(change: Pick<ChangeRow, "appName" | "toEnv" | "affected">): { app: string; env: string }[] {
  const affected = Array.isArray(change.affected)
    ? change.affected.flatMap((a: unknown) =>
        typeof a === "object" && a !== null && "app" in a && "env" in a && typeof a.app === "string" && typeof a.env === "string" ? [{ app: a.app, env: a.env }] : [],
      )
    : [];
  if (affected.length > 0) return affected;
  return change.appName && change.toEnv ? [{ app: change.appName, env: change.toEnv }] : [];
}

function targetVersions(fields: unknown): string[] {
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
      change: { id: c.id, state: c.state, createdAt: c.createdAt, mergedAt: c.mergedAt, mergeCommitSha: c.mergeCommitSha, targetVersions: targetVersions(c.fields) },
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
  if (ids?.length === 0) return [];
  const where = ids ? Prisma.sql`c."id" IN (${Prisma.join(ids)})` : Prisma.sql`TRUE`;
  return rolloutsOf(prisma, await loadChanges(prisma, where, Prisma.sql`c."updatedAt" DESC`, limit), now);
}

/**
 * For cells with live state: the newest merged change that altered each, when it is still deploying
 * (merged, not yet healthy on the cluster). Keyed like getLiveCells.
 */
export async function deployingChanges(prisma: PrismaClient, cells: readonly { repository: string; app: string; env: string }[], now: Date = new Date()): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (cells.length === 0) return out;
  const wanted = new Set(cells.map((c) => liveCellKey(c.repository, c.app, c.env)));
  const repositories = [...new Set(cells.map((c) => c.repository))];
  const merged = await loadChanges(prisma, Prisma.sql`c."state" = 'MERGED' AND r."name" IN (${Prisma.join(repositories)})`, Prisma.sql`c."mergedAt" DESC NULLS LAST`, 500);
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
