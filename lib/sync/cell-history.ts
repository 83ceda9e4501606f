import type { Prisma, PrismaClient } from "@/lib/db/generated/client";
import type { Version } from "@/lib/gitops/model";
import { KustomizeBuildCache } from "@/lib/gitops/read";
import type { CommitInfo, ScmRepository } from "@/lib/scm/types";
import { HISTORY_DEPTH } from "./history-depth";
import { cellHistoryPaths } from "./history-paths";
import { readRepositoryAt } from "./read-at-commit";

/** Old commits read (a whole repository each) per refresh; cells left over are done at the next sync. */
export const MAX_COMMITS_READ = 60;
/**
 * Cells whose history is looked up per refresh. Their logs are one history walk, and cells of one
 * refresh share the old commits read, so a larger batch reads fewer commits in all.
 */
export const MAX_CELLS_PER_REFRESH = 2000;

export type HistoryVersion = Pick<Version, "kind" | "name" | "value" | "floating"> & { digest?: string };

/** One version a cell ran: the commit that brought it (newest first in a history). */
export interface HistoryEntry {
  sha: string;
  author: string;
  /** Author date, ISO 8601. */
  at: string;
  versions: HistoryVersion[];
}

export interface HistoryRefresh {
  /** Cells whose history was written. */
  refreshed: number;
  /** Stale cells left for the next sync (budget spent). */
  pending: number;
  /** Old commits read with the reader. */
  commitsRead: number;
}

const releaseOf = (versions: readonly HistoryVersion[]): HistoryVersion[] =>
  versions.map(({ kind, name, value, floating, digest }) => ({ kind, name, value, floating, ...(digest ? { digest } : {}) }));
const releaseKey = (versions: readonly HistoryVersion[]): string => versions.map((v) => `${v.kind}\u0000${v.name}\u0000${v.value ?? ""}\u0000${v.digest ?? ""}`).join("\n");

/**
 * Brings the stored history of a repository's cells up to their last commit: for each cell whose last
 * commit moved, `git log --first-parent` over the files that hold its versions (as "last changed"
 * does), and the cell as the reader sees it at each of those commits. Only commits not already in the
 * stored history are read, so after a merge this reads nothing but the new head's rows.
 * GitHub and GitLab repositories are read from their local clone like plain git (no API request).
 */
export async function refreshCellHistory(prisma: PrismaClient, repositoryId: number, scm: ScmRepository): Promise<HistoryRefresh> {
  const done: HistoryRefresh = { refreshed: 0, pending: 0, commitsRead: 0 };
  const repo = await prisma.repository.findUnique({ where: { id: repositoryId }, select: { headSha: true } });
  if (!repo?.headSha) return done;
  const cells = await prisma.deployment.findMany({
    where: { app: { repositoryId } },
    select: { id: true, path: true, versions: true, lastCommitSha: true, app: { select: { name: true } }, environment: { select: { name: true } }, history: { select: { headSha: true, entries: true } } },
    orderBy: { id: "asc" },
  });
  const cellsAtPath = new Map<string, number>();
  for (const c of cells) cellsAtPath.set(c.path, (cellsAtPath.get(c.path) ?? 0) + 1);
  const stale = cells.filter((c) => c.lastCommitSha !== null && c.history?.headSha !== c.lastCommitSha);
  if (stale.length === 0) return done;

  // Which commits each cell's history still needs read.
  const work: { cell: (typeof stale)[number]; fresh: CommitInfo[]; base: HistoryEntry[] }[] = [];
  const batch = stale.slice(0, MAX_CELLS_PER_REFRESH);
  const pathsOf = (cell: (typeof stale)[number]) => cellHistoryPaths({ path: cell.path, versions: cell.versions as unknown as Version[] }, cellsAtPath.get(cell.path) ?? 0);
  const logOf = await cellLogs(scm, repo.headSha, batch.map(pathsOf));
  for (const [i, cell] of batch.entries()) {
    const log = await logOf(i);
    const known = cell.history ? log.findIndex((c) => c.sha === cell.history?.headSha) : -1;
    work.push(known >= 0 ? { cell, fresh: log.slice(0, known), base: cell.history?.entries as unknown as HistoryEntry[] } : { cell, fresh: log, base: [] });
  }
  done.pending = stale.length - work.length;

  // Each old commit is read once for every cell that needs it; the cell's own last commit is its current row.
  const wanted = new Map<string, Set<number>>();
  for (const w of work) for (const c of w.fresh) if (c.sha !== w.cell.lastCommitSha) wanted.set(c.sha, (wanted.get(c.sha) ?? new Set()).add(w.cell.id));
  const readable = new Set<string>();
  const skipped = new Set<number>();
  for (const [sha, ids] of wanted) {
    if (readable.size < MAX_COMMITS_READ) readable.add(sha);
    else for (const id of ids) skipped.add(id);
  }
  const versionsAt = new Map<string, HistoryVersion[] | null>(); // `${cellId}@${sha}`
  const buildCache = new KustomizeBuildCache();
  for (const sha of readable) {
    const { model } = await readRepositoryAt(prisma, scm, sha, buildCache);
    done.commitsRead++;
    for (const w of work) {
      if (!wanted.get(sha)?.has(w.cell.id)) continue;
      const then = model.deployments.find((d) => d.app === w.cell.app.name && d.env === w.cell.environment.name);
      versionsAt.set(`${w.cell.id}@${sha}`, then ? releaseOf(then.versions) : null);
    }
  }

  for (const w of work) {
    if (skipped.has(w.cell.id)) {
      done.pending++;
      continue;
    }
    const current = releaseOf(w.cell.versions as unknown as Version[]);
    const entries = [...w.base];
    // Oldest first, so each entry is the commit that brought its versions.
    for (const commit of [...w.fresh].reverse()) {
      const versions = commit.sha === w.cell.lastCommitSha ? current : versionsAt.get(`${w.cell.id}@${commit.sha}`);
      if (!versions) continue; // the cell did not exist at that commit
      if (entries[0] && releaseKey(entries[0].versions) === releaseKey(versions)) continue;
      entries.unshift({ sha: commit.sha, author: commit.author, at: commit.date.toISOString(), versions });
    }
    const data = { headSha: w.cell.lastCommitSha!, entries: entries.slice(0, HISTORY_DEPTH) as unknown as Prisma.InputJsonValue };
    try {
      await prisma.deploymentHistory.upsert({ where: { deploymentId: w.cell.id }, create: { deploymentId: w.cell.id, ...data }, update: data });
      done.refreshed++;
    } catch (error) {
      // The cell went away in a sync meanwhile (its row and history go together): nothing to keep.
      if ((error as { code?: string }).code !== "P2003") throw error;
    }
  }
  return done;
}

/**
 * Each cell's first-parent log over its paths, newest first, HISTORY_DEPTH long. Cells over one path
 * (nearly all) come from one history walk where the provider offers it: a git log per cell is a process
 * each, 20 s for 200 cells. A cell over several files gets its own log: only git knows how their
 * commits interleave on the branch (author dates need not).
 */
async function cellLogs(scm: ScmRepository, headSha: string, pathsPerCell: string[][]): Promise<(i: number) => Promise<CommitInfo[]>> {
  const logOf = (i: number) => scm.log({ ref: headSha, paths: pathsPerCell[i], limit: HISTORY_DEPTH, firstParent: true });
  if (!scm.commitsByPath) return logOf;
  const single = [...new Set(pathsPerCell.filter((paths) => paths.length === 1).flat())];
  const byPath = single.length ? await scm.commitsByPath(headSha, single, HISTORY_DEPTH) : new Map<string, CommitInfo[]>();
  return async (i) => {
    const paths = pathsPerCell[i]!;
    return paths.length === 1 ? (byPath.get(paths[0]!) ?? []) : logOf(i);
  };
}
