import { parseImageRef } from "@/lib/gitops/image-ref";
import type { Version } from "@/lib/gitops/model";
import { IN_SYNC, type LiveHealth, type LiveSync } from "./types";

// What a cell says about what runs, from the live objects placed in it and the state of their
// sources: sync and health, whether the repository's head is applied, and images that differ from git.
// A source that stopped answering (or whose follower stopped) makes the cell stale, never green.

export interface LiveRow {
  sourceName: string;
  name: string;
  sync: string;
  health: string;
  revision: string | null;
  images: string[];
  appliedAt: Date | null;
}

export interface SourceState {
  staleSince: Date | null;
  lastContactAt: Date | null;
}

export interface ImageMismatch {
  image: string;
  git: string;
  live: string[];
}

export interface CellLive {
  /** The live object shown, `source/name`; others placed in the same cell are counted. */
  application: string;
  others: number;
  sync: LiveSync;
  health: LiveHealth;
  /** Set when the source cannot be reached: nothing else here is current. */
  staleSince: string | null;
  /** The revision the cluster was compared with (short), and whether it is the repository's head. */
  revision: string | null;
  applied: "head" | "behind" | "unknown";
  appliedAt: string | null;
  imageMismatches: ImageMismatch[];
  /** The merged change request still on its way to healthy in this cell (set by the data layer). */
  deploying?: number;
}

const SYNC_RANK: Record<string, number> = { Stalled: 3, NotReady: 2, OutOfSync: 2, Reconciling: 1, Unknown: 1, Synced: 0, Ready: 0 };
const HEALTH_RANK: Record<string, number> = { Degraded: 5, Missing: 4, Unknown: 3, Progressing: 2, Suspended: 1, Healthy: 0 };

/** Docker Hub's short names: `nginx` is `docker.io/library/nginx`. */
function imageName(name: string): string {
  const first = name.split("/")[0] ?? "";
  const hasRegistry = name.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  const full = hasRegistry ? name : `docker.io/${name.includes("/") ? name : `library/${name}`}`;
  return full.replace(/^index\.docker\.io\//, "docker.io/");
}

/** Images git pins that the cluster runs in another version (only images the cluster reports at all). */
export function imageMismatches(versions: readonly Pick<Version, "kind" | "name" | "value" | "floating" | "digest">[], liveImages: readonly string[]): ImageMismatch[] {
  const live = liveImages.map((i) => ({ raw: i, ref: parseImageRef(i) }));
  const out: ImageMismatch[] = [];
  for (const v of versions) {
    if (v.kind !== "image" || v.floating || !v.value) continue;
    const name = imageName(v.name);
    const running = live.filter((l) => imageName(l.ref.name) === name);
    if (running.length === 0) continue;
    const gitDigest = v.digest ?? (v.value.startsWith("sha256:") ? v.value : undefined);
    const matches = running.some((l) => (gitDigest && l.ref.digest === gitDigest) || l.ref.tag === v.value);
    if (!matches) out.push({ image: v.name, git: v.value, live: running.map((l) => l.raw) });
  }
  return out;
}

/**
 * Whether the revision the cluster reports is git's current content for the cell: the head or the cell's
 * last commit, or (a Helm source reports a chart version) the chart version git pins.
 */
function appliedState(revision: string | null, head: string | null, lastCommit: string | null, versions: readonly Pick<Version, "kind" | "value">[]): CellLive["applied"] {
  if (!revision) return "unknown";
  if (!/^[0-9a-f]{40}$/i.test(revision)) {
    const charts = versions.filter((v) => v.kind === "chart" && v.value);
    return charts.length === 0 ? "unknown" : charts.some((v) => v.value === revision) ? "head" : "behind";
  }
  if (!head) return "unknown";
  return revision === head || (lastCommit !== null && revision.startsWith(lastCommit)) ? "head" : "behind";
}

/** The earliest time any of the rows' sources went stale, or null while all of them are followed. */
export function staleSinceOf(rows: readonly { sourceName: string }[], sources: ReadonlyMap<string, SourceState>, now: Date, maxSilenceMs: number): Date | null {
  const times = rows.flatMap((r) => {
    const s = sources.get(r.sourceName);
    if (!s) return [];
    if (s.staleSince) return [s.staleSince];
    // No follower has heard from the source for longer than a follow window: nobody is following it.
    if (!s.lastContactAt) return [now];
    return now.getTime() - s.lastContactAt.getTime() > maxSilenceMs ? [s.lastContactAt] : [];
  });
  return times.sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
}

/**
 * The live state of one cell. `rows` are the live objects placed in it (worst first is shown);
 * `head` is the repository head and `lastCommit` the last commit that changed the cell: either one as
 * the applied revision means git's current content for the cell runs.
 */
export function cellLive(
  rows: readonly LiveRow[],
  cell: { versions: readonly Pick<Version, "kind" | "name" | "value" | "floating" | "digest">[]; head: string | null; lastCommit: string | null },
  sources: ReadonlyMap<string, SourceState>,
  now: Date,
  maxSilenceMs: number,
): CellLive | null {
  if (rows.length === 0) return null;
  const worst = [...rows].sort((a, b) => (HEALTH_RANK[b.health] ?? 3) - (HEALTH_RANK[a.health] ?? 3) || (SYNC_RANK[b.sync] ?? 1) - (SYNC_RANK[a.sync] ?? 1))[0] as LiveRow;
  const staleSince = staleSinceOf(rows, sources, now, maxSilenceMs);
  const revision = worst.revision;
  // The cell's last commit may be abbreviated (the matrix keeps 12 characters).
  const lastCommit = cell.lastCommit && cell.lastCommit.length >= 7 ? cell.lastCommit : null;
  const applied = appliedState(revision, cell.head, lastCommit, cell.versions);
  return {
    application: `${worst.sourceName}/${worst.name}`,
    others: rows.length - 1,
    sync: (worst.sync in SYNC_RANK ? worst.sync : "Unknown") as LiveSync,
    health: (worst.health in HEALTH_RANK ? worst.health : "Unknown") as LiveHealth,
    staleSince: staleSince ? staleSince.toISOString() : null,
    revision: revision ? revision.slice(0, 12) : null,
    applied,
    appliedAt: worst.appliedAt?.toISOString() ?? null,
    imageMismatches: imageMismatches(cell.versions, worst.images),
  };
}

/** Whether a cell needs attention: the "only out of sync or unhealthy" filter. */
export function needsAttention(sync: string, health: string): boolean {
  return !IN_SYNC.has(sync) || health !== "Healthy";
}
