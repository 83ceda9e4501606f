import { describe, expect, it } from "vitest";
import { deriveRollout, type RolloutInput, type RolloutLiveRow } from "./rollout";

const now = new Date("2026-12-02T12:00:00Z");
const MERGE = "a1".repeat(20);
const LATER = "b2".repeat(20);
const OLDER = "c3".repeat(20);
const fresh = new Map([["argo", { staleSince: null, lastContactAt: new Date("2026-12-02T11:59:50Z") }]]);
const row = (over: Partial<RolloutLiveRow> = {}): RolloutLiveRow => ({
  sourceName: "argo",
  name: "shop-production",
  sync: "Synced",
  health: "Healthy",
  revision: MERGE,
  appliedAt: new Date("2026-12-02T11:50:00Z"),
  healthSince: new Date("2026-12-02T11:52:00Z"),
  ...over,
});
const input = (over: Partial<RolloutInput> = {}): RolloutInput => ({
  change: { id: 7, state: "MERGED", createdAt: new Date("2026-12-02T11:00:00Z"), mergedAt: new Date("2026-12-02T11:45:00Z"), mergeCommitSha: MERGE, targetVersions: ["2.4.0"] },
  rows: [row()],
  cells: ["shop in production"],
  connected: true,
  sources: fresh,
  // The branch: OLDER → MERGE → LATER.
  descends: (rev) => (rev === MERGE || rev === LATER ? true : rev === OLDER ? false : undefined),
  now,
  maxSilenceMs: 35 * 60_000,
  ...over,
});
const steps = (r: ReturnType<typeof deriveRollout>) => r.steps.map((s) => `${s.step}:${s.done ? (s.at ?? "?") : "-"}`);

describe("deriveRollout", () => {
  it("follows a merged change to healthy, with the time of each step", () => {
    const r = deriveRollout(input());
    expect(r.phase).toBe("healthy");
    expect(steps(r)).toEqual(["opened:2026-12-02T11:00:00.000Z", "merged:2026-12-02T11:45:00.000Z", "applied:2026-12-02T11:50:00.000Z", "healthy:2026-12-02T11:52:00.000Z"]);
    expect(r.live).toBeNull();
  });

  it("counts a later commit of the branch as applied, but not an older one", () => {
    expect(deriveRollout(input({ rows: [row({ revision: LATER })] })).phase).toBe("healthy");
    const older = deriveRollout(input({ rows: [row({ revision: OLDER })] }));
    expect(older.phase).toBe("deploying");
    expect(steps(older).slice(2)).toEqual(["applied:-", "healthy:-"]);
  });

  it("is not applied while the cluster is only comparing the new revision (out of sync)", () => {
    const r = deriveRollout(input({ rows: [row({ sync: "OutOfSync", health: "Progressing" })] }));
    expect(r.phase).toBe("deploying");
    expect(r.steps[2]?.done).toBe(false);
  });

  it("is applied but deploying while progressing, and degraded when the app is", () => {
    const progressing = deriveRollout(input({ rows: [row({ health: "Progressing" })] }));
    expect(progressing.phase).toBe("deploying");
    expect(steps(progressing).slice(2)).toEqual(["applied:2026-12-02T11:50:00.000Z", "healthy:-"]);
    const degraded = deriveRollout(input({ rows: [row({ health: "Degraded" })] }));
    expect(degraded).toMatchObject({ phase: "degraded", health: "Degraded" });
  });

  it("is degraded, not deploying, when Flux has stalled, whichever revision it last applied", () => {
    const stalled = deriveRollout(input({ rows: [row({ sync: "Stalled", health: "Unknown", revision: MERGE })] }));
    expect(stalled).toMatchObject({ phase: "degraded", health: "Stalled", revision: MERGE.slice(0, 12) });
    expect(stalled.steps[2]?.done).toBe(false);
    // Flux reports the revision it last applied (or none), not the one it failed on.
    expect(deriveRollout(input({ rows: [row({ sync: "Stalled", health: "Degraded", revision: OLDER })] }))).toMatchObject({ phase: "degraded", health: "Degraded" });
    expect(deriveRollout(input({ rows: [row({ sync: "Stalled", health: "Degraded", revision: null })] })).phase).toBe("degraded");
  });

  it("takes the apply time when the health stayed green through the sync", () => {
    const r = deriveRollout(input({ rows: [row({ healthSince: new Date("2026-12-01T00:00:00Z") })] }));
    expect(r.steps[3]).toEqual({ step: "healthy", at: "2026-12-02T11:50:00.000Z", done: true });
  });

  it("needs every object of the changed cells, and reports the worst", () => {
    const r = deriveRollout(input({ rows: [row(), row({ name: "shop-production-us", revision: OLDER })] }));
    expect(r.phase).toBe("deploying");
    const mixed = deriveRollout(input({ rows: [row(), row({ name: "shop-production-us", health: "Missing" })] }));
    expect(mixed).toMatchObject({ phase: "degraded", health: "Missing" });
  });

  it("reads a Helm source's revision as the chart version the change sets", () => {
    expect(deriveRollout(input({ rows: [row({ revision: "2.4.0" })] })).phase).toBe("healthy");
    expect(deriveRollout(input({ rows: [row({ revision: "2.3.9" })] })).phase).toBe("deploying");
  });

  it("never claims a revision whose ancestry is unknown", () => {
    expect(deriveRollout(input({ rows: [row({ revision: "d4".repeat(20) })] })).phase).toBe("deploying");
  });

  it("stops at merged without a live source, or without a live object in the changed cells", () => {
    const none = deriveRollout(input({ connected: false, rows: [] }));
    expect(none).toMatchObject({ phase: "merged", live: { kind: "not-connected" } });
    expect(steps(none).slice(2)).toEqual(["applied:-", "healthy:-"]);
    expect(deriveRollout(input({ rows: [] }))).toMatchObject({ phase: "merged", live: { kind: "not-placed", cells: ["shop in production"] } });
  });

  it("claims nothing from a stale source", () => {
    const stale = new Map([["argo", { staleSince: new Date("2026-12-02T11:40:00Z"), lastContactAt: new Date("2026-12-02T11:39:00Z") }]]);
    const r = deriveRollout(input({ sources: stale }));
    expect(r).toMatchObject({ phase: "deploying", live: { kind: "stale", since: "2026-12-02T11:40:00.000Z" } });
    expect(r.steps[3]?.done).toBe(false);
    const silent = new Map([["argo", { staleSince: null, lastContactAt: new Date("2026-12-02T10:00:00Z") }]]);
    expect(deriveRollout(input({ sources: silent })).live).toEqual({ kind: "stale", since: "2026-12-02T10:00:00.000Z" });
  });

  it("is open or closed before a merge, whatever the cluster runs", () => {
    const open = deriveRollout(input({ change: { ...input().change, state: "OPEN", mergedAt: null, mergeCommitSha: null } }));
    expect(open.phase).toBe("open");
    expect(steps(open)).toEqual(["opened:2026-12-02T11:00:00.000Z", "merged:-", "applied:-", "healthy:-"]);
    expect(deriveRollout(input({ change: { ...input().change, state: "CLOSED", mergedAt: null, mergeCommitSha: null }, connected: false }))).toMatchObject({ phase: "closed", live: null });
  });
});
