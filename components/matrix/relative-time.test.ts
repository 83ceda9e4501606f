import { describe, expect, it } from "vitest";
import { relativeTime } from "./relative-time";

describe("relativeTime", () => {
  const now = new Date("2026-11-21T12:00:00Z");
  it("picks the largest whole unit", () => {
    expect(relativeTime("2026-11-18T11:00:00Z", now)).toBe("3d ago");
    expect(relativeTime("2026-11-21T09:30:00Z", now)).toBe("2h ago");
    expect(relativeTime("2026-11-21T11:59:30Z", now)).toBe("just now");
    expect(relativeTime("2025-10-01T00:00:00Z", now)).toBe("1y ago");
  });
  it("is empty without a time", () => {
    expect(relativeTime(null, now)).toBe("");
  });
});
