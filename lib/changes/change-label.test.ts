import { describe, expect, it } from "vitest";
import { changeLabel } from "./change-label";

describe("changeLabel", () => {
  it("uses each forge's own words", () => {
    expect(changeLabel("github", 12, 3)).toBe("PR #12");
    expect(changeLabel("gitlab", 12, 3)).toBe("MR !12");
    expect(changeLabel("git", 12, 3)).toBe("change #12");
  });
  it("falls back to the portal id before the forge numbered it", () => {
    expect(changeLabel("github", null, 3)).toBe("change #3");
  });
});
