import { staleSinceOf, type SourceState } from "./cell-live";
import { IN_SYNC } from "./types";

// How far a change request got: opened → merged → applied → healthy. "Applied" and "healthy" come only
// from the stored live state of the cells the change alters: the cluster applied the merge commit or a
// later commit of the branch (a descendant of it) and is synced to it; healthy once every live object of
// those cells is healthy at that revision. Without a live source, or with none placed in those cells, the
// timeline stops at "merged" and says why; a stale source claims nothing new.

export type RolloutStep = "opened" | "merged" | "applied" | "healthy";

export interface RolloutStepState {
  step: RolloutStep;
  /** When it happened; null when it has not (yet), or the source did not say when. */
  at: string | null;
  done: boolean;
}

export type RolloutPhase = "open" | "closed" | "merged" | "deploying" | "healthy" | "degraded";

export interface Rollout {
  changeId: number;
  phase: RolloutPhase;
  steps: RolloutStepState[];
  /**
   * Why the live steps say nothing: no source configured, no live object in the changed cells, or the
   * source stale since a time. Null when live state was read.
   */
  live: { kind: "not-connected" } | { kind: "not-placed"; cells: string[] } | { kind: "stale"; since: string } | null;
  /** Revision the cluster applied (short), when it counts as this change's. */
  revision: string | null;
  /** Worst health of the changed cells' objects once applied (Degraded, Progressing, …). */
  health: string | null;
  /** `source/name` of the live objects the steps are read from. */
  objects: string[];
}

export interface RolloutChange {
  id: number;
  state: "OPEN" | "DRAFT" | "MERGED" | "CLOSED";
  createdAt: Date;
  mergedAt: Date | null;
  mergeCommitSha: string | null;
  /** Versions the change sets (chart versions count as applied when a Helm source reports one of them). */
  targetVersions: readonly string[];
}

export interface RolloutLiveRow {
  sourceName: string;
  name: string;
  sync: string;
  health: string;
  revision: string | null;
  appliedAt: Date | null;
  healthSince: Date | null;
}

/** Whether a revision the cluster reports contains the merge commit; undefined when that is unknown. */
export type Descends = (revision: string) => boolean | undefined;

const GIT_SHA = /^[0-9a-f]{7,40}$/i;
const UNHEALTHY = new Set(["Degraded", "Missing"]);

/** Whether the cluster runs this change: synced to the merge commit, a descendant, or a chart version it sets. */
export function appliesChange(row: RolloutLiveRow, change: Pick<RolloutChange, "mergeCommitSha" | "targetVersions">, descends: Descends): boolean {
  if (!IN_SYNC.has(row.sync) || !row.revision) return false;
  if (GIT_SHA.test(row.revision)) return change.mergeCommitSha !== null && descends(row.revision) === true;
  return change.targetVersions.includes(row.revision);
}

function latest(dates: readonly (Date | null)[]): Date | null {
  let out: Date | null = null;
  for (const d of dates) if (d && (!out || d > out)) out = d;
  return out;
}

export interface RolloutInput {
  change: RolloutChange;
  /** Live objects placed in the cells the change alters. */
  rows: readonly RolloutLiveRow[];
  /** The changed cells, for "not placed" (e.g. "checkout in production"). */
  cells: readonly string[];
  /** Whether any live source is configured at all. */
  connected: boolean;
  sources: ReadonlyMap<string, SourceState>;
  descends: Descends;
  now: Date;
  maxSilenceMs: number;
}

export function deriveRollout(input: RolloutInput): Rollout {
  const { change, rows } = input;
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  const merged = change.state === "MERGED";
  const base: Rollout = {
    changeId: change.id,
    phase: change.state === "CLOSED" ? "closed" : merged ? "merged" : "open",
    steps: [
      { step: "opened", at: iso(change.createdAt), done: true },
      { step: "merged", at: iso(change.mergedAt), done: merged },
      { step: "applied", at: null, done: false },
      { step: "healthy", at: null, done: false },
    ],
    live: null,
    revision: null,
    health: null,
    objects: rows.map((r) => `${r.sourceName}/${r.name}`),
  };
  // Closed without merging: nothing was deployed, and live state has nothing to say about it.
  if (change.state === "CLOSED") return base;
  if (!input.connected) return { ...base, live: { kind: "not-connected" } };
  if (!merged) return base;
  if (rows.length === 0) return { ...base, live: { kind: "not-placed", cells: [...input.cells] } };
  const stale = staleSinceOf(rows, input.sources, input.now, input.maxSilenceMs);
  // A source nobody hears from may have moved on: what it said last is not claimed as progress.
  if (stale) return { ...base, phase: "deploying", live: { kind: "stale", since: stale.toISOString() } };
  // Flux gave up (Stalled: a build or apply that retrying cannot fix). It keeps reporting the revision it last
  // applied, not the one it failed on, and it will not become healthy by waiting: the timeline says degraded
  // rather than deploying, until someone fixes the cause.
  const stalled = rows.find((r) => r.sync === "Stalled");
  if (stalled) return { ...base, phase: "degraded", revision: stalled.revision?.slice(0, 12) ?? null, health: stalled.health !== "Healthy" && stalled.health !== "Unknown" ? stalled.health : "Stalled" };
  const applying = rows.filter((r) => appliesChange(r, change, input.descends));
  if (applying.length < rows.length) {
    const behind = rows.find((r) => !applying.includes(r));
    return { ...base, phase: "deploying", revision: behind?.revision?.slice(0, 12) ?? null };
  }
  const appliedAt = latest(rows.map((r) => r.appliedAt));
  const steps = base.steps.map((s) => (s.step === "applied" ? { ...s, at: iso(appliedAt), done: true } : s));
  const revision = rows[0]?.revision?.slice(0, 12) ?? null;
  const unhealthy = rows.find((r) => UNHEALTHY.has(r.health)) ?? rows.find((r) => r.health !== "Healthy");
  if (unhealthy) return { ...base, steps, revision, health: unhealthy.health, phase: UNHEALTHY.has(unhealthy.health) ? "degraded" : "deploying" };
  // Healthy since the later of its health turning healthy and the apply (a health that stayed green
  // through the sync became this change's health when the sync finished).
  const healthyAt = latest(rows.map((r) => latest([r.healthSince, r.appliedAt])));
  return {
    ...base,
    phase: "healthy",
    revision,
    health: "Healthy",
    steps: steps.map((s) => (s.step === "healthy" ? { ...s, at: iso(healthyAt), done: true } : s)),
  };
}
