import { describe, expect, it } from "vitest";
import { displayUrl } from "./repositories";

describe("displayUrl", () => {
  it("removes user and token from remote URLs", () => {
    expect(displayUrl("https://x-access-token:ghs_secret@github.com/acme/gitops.git")).toBe("https://github.com/acme/gitops.git");
  });
  it("leaves local paths and clean URLs alone", () => {
    expect(displayUrl("/srv/git/platform")).toBe("/srv/git/platform");
    expect(displayUrl("https://gitlab.com/acme/fleet.git")).toBe("https://gitlab.com/acme/fleet.git");
  });
});
