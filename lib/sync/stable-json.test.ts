import { describe, expect, it } from "vitest";
import { stableStringify } from "./stable-json";

describe("stableStringify", () => {
  it("ignores key order at every depth, keeps array order", () => {
    expect(stableStringify({ b: 1, a: { d: [2, 1], c: null } })).toBe(stableStringify({ a: { c: null, d: [2, 1] }, b: 1 }));
    expect(stableStringify([1, 2])).not.toBe(stableStringify([2, 1]));
  });
  it("drops undefined like JSON does, so an absent optional field equals a missing one", () => {
    expect(stableStringify({ a: 1, digest: undefined })).toBe(stableStringify({ a: 1 }));
  });
});
