import type { Rollout } from "@/lib/live/rollout";

/** Fast while a change is on its way (a stream event should show within seconds), slow once settled. */
export const MOVING_MS = 2_000;
export const SETTLED_MS = 15_000;
/**
 * A rollout that just turned healthy is the one most likely to turn bad: readiness passed, then the
 * pods crash-loop or a dependency gives way. Whoever is watching it should see that within seconds,
 * so it is polled fast for this long after its last step, then slowly.
 */
export const WATCH_AFTER_ROLLOUT_MS = 5 * 60_000;

function lastStepAt(rollout: Rollout): number | null {
  const times = rollout.steps.filter((s) => s.done && s.at).map((s) => Date.parse(s.at!));
  return times.length ? Math.max(...times) : null;
}

/**
 * Whether any of these timelines is still moving. On a change's own page an open change may be merged
 * any moment (`openMoves`); in the list, open ones wait for the list's own poll.
 */
export function moving(rollouts: readonly Rollout[] | undefined, openMoves: boolean, now: number): boolean {
  return !!rollouts?.some((r) => {
    if (r.phase === "deploying" || (r.phase === "merged" && r.live === null) || (openMoves && r.phase === "open")) return true;
    if (r.phase !== "healthy" && r.phase !== "degraded") return false;
    const at = lastStepAt(r);
    return at !== null && now - at < WATCH_AFTER_ROLLOUT_MS;
  });
}

export function pollInterval(rollouts: readonly Rollout[] | undefined, openMoves: boolean, now: number): number {
  return moving(rollouts, openMoves, now) ? MOVING_MS : SETTLED_MS;
}
