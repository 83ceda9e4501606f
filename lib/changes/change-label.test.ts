import { describe, expect, it } from "vitest";
import { changeLabel } from "./change-label";

describe("changeLabel", () => {
  it("names the repository, in each forge's cross-reference syntax", () => {
    expect(changeLabel({ provider: "github", repository: "payments", number: 12, id: 3 })).toBe("payments#12");
    expect(changeLabel({ provider: "gitlab", repository: "platform", number: 12, id: 3 })).toBe("platform!12");
    expect(changeLabel({ provider: "git", repository: "demo-apps", number: 12, id: 3 })).toBe("demo-apps#12");
  });

  it("tells apart the same number in two repositories", () => {
    const a = changeLabel({ provider: "git", repository: "payments-gitops", number: 1, id: 1 });
    const b = changeLabel({ provider: "git", repository: "platform", number: 1, id: 2 });
    expect(a).not.toBe(b);
  });

  it("falls back to the portal id before the forge numbered it", () => {
    expect(changeLabel({ provider: "github", repository: "payments", number: null, id: 3 })).toBe("payments change 3");
  });
});
