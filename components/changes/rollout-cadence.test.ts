import { describe, expect, it } from "vitest";
import type { Rollout, RolloutPhase } from "@/lib/live/rollout";
import { MOVING_MS, pollInterval, SETTLED_MS, WATCH_AFTER_ROLLOUT_MS } from "./rollout-cadence";

const NOW = Date.parse("2026-12-03T12:00:00Z");
const ago = (ms: number) => new Date(NOW - ms).toISOString();

function rollout(phase: RolloutPhase, healthyAgoMs: number | null, appliedAgoMs: number | null, live: Rollout["live"] = null): Rollout {
  return {
    changeId: 1,
    phase,
    steps: [
      { step: "opened", at: ago(3_600_000), done: true },
      { step: "merged", at: ago(3_000_000), done: phase !== "open" },
      { step: "applied", at: appliedAgoMs === null ? null : ago(appliedAgoMs), done: appliedAgoMs !== null },
      { step: "healthy", at: healthyAgoMs === null ? null : ago(healthyAgoMs), done: healthyAgoMs !== null },
    ],
    live,
    revision: null,
    health: null,
    objects: [],
  };
}

describe("how often a change's timeline is polled", () => {
  it("polls fast while deploying, and while merged with the cluster not heard from yet", () => {
    expect(pollInterval([rollout("deploying", null, null)], false, NOW)).toBe(MOVING_MS);
    expect(pollInterval([rollout("merged", null, null)], false, NOW)).toBe(MOVING_MS);
    expect(pollInterval([rollout("merged", null, null, { kind: "not-connected" })], false, NOW)).toBe(SETTLED_MS);
  });

  it("polls an open change fast on its own page only", () => {
    expect(pollInterval([rollout("open", null, null)], true, NOW)).toBe(MOVING_MS);
    expect(pollInterval([rollout("open", null, null)], false, NOW)).toBe(SETTLED_MS);
  });

  it("keeps polling fast for a while after a rollout turned healthy, so a degradation right after shows within seconds", () => {
    expect(pollInterval([rollout("healthy", 10_000, 20_000)], true, NOW)).toBe(MOVING_MS);
    expect(pollInterval([rollout("healthy", WATCH_AFTER_ROLLOUT_MS + 1_000, WATCH_AFTER_ROLLOUT_MS + 2_000)], true, NOW)).toBe(SETTLED_MS);
  });

  it("watches a fresh degradation as closely, and settles on an old one", () => {
    expect(pollInterval([rollout("degraded", null, 60_000)], false, NOW)).toBe(MOVING_MS);
    expect(pollInterval([rollout("degraded", null, WATCH_AFTER_ROLLOUT_MS * 3)], false, NOW)).toBe(SETTLED_MS);
    expect(pollInterval([rollout("closed", null, null)], true, NOW)).toBe(SETTLED_MS);
  });

  it("polls a list fast when any one of its changes moves", () => {
    expect(pollInterval([rollout("healthy", WATCH_AFTER_ROLLOUT_MS * 2, WATCH_AFTER_ROLLOUT_MS * 2), rollout("deploying", null, null)], false, NOW)).toBe(MOVING_MS);
    expect(pollInterval([], false, NOW)).toBe(SETTLED_MS);
    expect(pollInterval(undefined, false, NOW)).toBe(SETTLED_MS);
  });
});
