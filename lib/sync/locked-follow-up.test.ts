import { describe, expect, it } from "vitest";
import { lockedFollowUpSeconds, nextLockedFollowUp } from "./locked-follow-up";
import { SYNC_TIMEOUT_MS } from "./sync-repository";

describe("follow-ups of a repository sync that found the lock held", () => {
  it("waits 1, 2, 4, 8, then 15 s between tries", () => {
    expect([1, 2, 3, 4, 5, 6, 20].map(lockedFollowUpSeconds)).toEqual([1, 2, 4, 8, 15, 15, 15]);
  });

  it("remembers when the lock was first found held and counts the follow-ups", () => {
    const now = new Date("2026-12-06T10:00:00Z");
    const first = nextLockedFollowUp({ repository: "shop" }, now);
    expect(first).toEqual({ data: { repository: "shop", lockedSince: now.toISOString(), followUp: 1 }, afterSeconds: 1 });
    const later = new Date(now.getTime() + 20_000);
    expect(nextLockedFollowUp(first!.data, later)).toEqual({ data: { repository: "shop", lockedSince: now.toISOString(), followUp: 2 }, afterSeconds: 2 });
  });

  it("stops once no sync that read the branch before the request can still hold the lock", () => {
    const since = new Date("2026-12-06T10:00:00Z");
    const job = { repository: "shop", lockedSince: since.toISOString(), followUp: 9 };
    const at = (ms: number) => new Date(since.getTime() + ms);
    expect(nextLockedFollowUp(job, at(SYNC_TIMEOUT_MS - 15_000))?.afterSeconds).toBe(15);
    expect(nextLockedFollowUp(job, at(SYNC_TIMEOUT_MS - 14_000))).toBeNull();
  });
});
