import { describe, expect, it } from "vitest";
import { cellLive, imageMismatches, type LiveRow } from "./cell-live";

const now = new Date("2026-12-02T12:00:00Z");
const HEAD = "a".repeat(40);
const row = (over: Partial<LiveRow> = {}): LiveRow => ({ sourceName: "argo", name: "checkout-prod", sync: "Synced", health: "Healthy", revision: HEAD, images: [], appliedAt: new Date("2026-12-02T11:57:00Z"), ...over });
const image = (name: string, value: string, extra: { floating?: boolean; digest?: string } = {}) => ({ kind: "image" as const, name, value, floating: extra.floating ?? false, digest: extra.digest });
const fresh = new Map([["argo", { staleSince: null, lastContactAt: new Date("2026-12-02T11:59:00Z") }]]);
const MAX = 35 * 60_000;

describe("cellLive", () => {
  it("is nothing without a live object", () => {
    expect(cellLive([], { versions: [], head: HEAD, lastCommit: null }, fresh, now, MAX)).toBeNull();
  });

  it("says the head is applied, and when", () => {
    expect(cellLive([row()], { versions: [], head: HEAD, lastCommit: null }, fresh, now, MAX)).toMatchObject({ sync: "Synced", health: "Healthy", applied: "head", appliedAt: "2026-12-02T11:57:00.000Z", staleSince: null });
  });

  it("counts the cell's own last commit as its head, and anything else as not applied yet", () => {
    expect(cellLive([row({ revision: "b".repeat(40) })], { versions: [], head: HEAD, lastCommit: "b".repeat(40) }, fresh, now, MAX)?.applied).toBe("head");
    expect(cellLive([row({ revision: "c".repeat(40) })], { versions: [], head: HEAD, lastCommit: "b".repeat(40) }, fresh, now, MAX)?.applied).toBe("behind");
  });

  it("shows the worst of several objects and counts the others", () => {
    const live = cellLive([row(), row({ name: "checkout-prod-us", health: "Degraded" })], { versions: [], head: HEAD, lastCommit: null }, fresh, now, MAX);
    expect(live).toMatchObject({ application: "argo/checkout-prod-us", health: "Degraded", others: 1 });
  });

  it("is stale since the source stopped answering, or since it was last heard of when nobody follows it", () => {
    const down = new Map([["argo", { staleSince: new Date("2026-12-02T11:30:00Z"), lastContactAt: new Date("2026-12-02T11:29:00Z") }]]);
    expect(cellLive([row()], { versions: [], head: HEAD, lastCommit: null }, down, now, MAX)?.staleSince).toBe("2026-12-02T11:30:00.000Z");
    const silent = new Map([["argo", { staleSince: null, lastContactAt: new Date("2026-12-02T10:00:00Z") }]]);
    expect(cellLive([row()], { versions: [], head: HEAD, lastCommit: null }, silent, now, MAX)?.staleSince).toBe("2026-12-02T10:00:00.000Z");
  });
});

describe("imageMismatches", () => {
  it("names an image git pins that runs in another version", () => {
    expect(imageMismatches([image("ghcr.io/acme/checkout", "1.4.2")], ["ghcr.io/acme/checkout:1.4.1", "docker.io/library/redis:7"])).toEqual([
      { image: "ghcr.io/acme/checkout", git: "1.4.2", live: ["ghcr.io/acme/checkout:1.4.1"] },
    ]);
  });

  it("accepts the same version, Docker Hub short names, digests; ignores floating tags and images not reported", () => {
    expect(imageMismatches([image("nginx", "1.27")], ["docker.io/library/nginx:1.27"])).toEqual([]);
    expect(imageMismatches([image("ghcr.io/a/b", "1.0", { digest: "sha256:abc" })], ["ghcr.io/a/b@sha256:abc"])).toEqual([]);
    expect(imageMismatches([image("ghcr.io/a/b", "latest", { floating: true })], ["ghcr.io/a/b:0.9"])).toEqual([]);
    expect(imageMismatches([image("ghcr.io/a/other", "1.0")], ["ghcr.io/a/b:0.9"])).toEqual([]);
  });
});
