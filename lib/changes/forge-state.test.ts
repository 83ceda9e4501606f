import { describe, expect, it } from "vitest";
import { forgeUpdate } from "./forge-state";

// What a forge's answer changes in a change request's row: only what moved, so an idle poll writes nothing.

const now = new Date("2026-12-02T12:00:00Z");
const row = {
  id: 1,
  state: "OPEN" as const,
  url: "https://forge/pull/1",
  headSha: "a".repeat(40),
  mergeCommitSha: null,
  reviewState: "approved",
  checksState: "success",
  conflict: false,
  forgeUpdatedAt: new Date("2026-12-02T10:00:00Z"),
  mergedAt: null,
  closedAt: null,
};
const same = { number: 1, state: "open" as const, url: row.url, headSha: row.headSha, mergeCommitSha: null, updatedAt: row.forgeUpdatedAt, mergeable: true, conflict: false };

describe("forgeUpdate", () => {
  it("is empty when nothing moved (review and checks absent from the read are kept)", () => {
    expect(forgeUpdate(row, same, now)).toEqual({});
  });

  it("records a conflict, and keeps the last verdict while the forge is still computing", () => {
    expect(forgeUpdate(row, { ...same, conflict: true, mergeable: false }, now)).toEqual({ conflict: true });
    expect(forgeUpdate({ ...row, conflict: true }, { ...same, conflict: null, mergeable: null }, now)).toEqual({});
  });

  it("a merge sets state, merge commit and time, and forgets the conflict", () => {
    const merged = { ...same, state: "merged" as const, mergeCommitSha: "c".repeat(40), conflict: null, updatedAt: new Date("2026-12-02T11:00:00Z") };
    expect(forgeUpdate({ ...row, conflict: true }, merged, now)).toEqual({ state: "MERGED", mergeCommitSha: "c".repeat(40), conflict: null, forgeUpdatedAt: merged.updatedAt, mergedAt: now });
  });
});
