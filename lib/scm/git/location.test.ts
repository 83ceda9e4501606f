import { describe, expect, it } from "vitest";
import { normalizeRepoPath } from "./arguments";
import { parseGitLocation, redactUrl } from "./location";

describe("parseGitLocation", () => {
  it.each([
    ["/srv/git/fleet", "local"],
    ["./repos/fleet", "local"],
    ["repos/fleet", "local"],
    ["https://github.com/acme/fleet.git", "remote"],
    ["ssh://git@example.com/fleet.git", "remote"],
    ["file:///srv/git/fleet", "remote"],
    ["git@github.com:acme/fleet.git", "remote"],
  ])("%s is %s", (url, kind) => {
    expect(parseGitLocation(url).kind).toBe(kind);
  });

  it("redacts credentials in URLs and messages", () => {
    expect(redactUrl("https://user:tok3n@github.com/a.git")).toBe("https://***@github.com/a.git");
    expect(redactUrl("fatal: unable to access 'https://x:y@h/r/': 403")).toBe("fatal: unable to access 'https://***@h/r/': 403");
    expect(redactUrl("git@github.com:acme/a.git")).toBe("git@github.com:acme/a.git");
  });

  it("normalizes repository paths", () => {
    expect(["apps/x/", "./apps/x", "/apps/x", ".", "", "/"].map(normalizeRepoPath)).toEqual(["apps/x", "apps/x", "apps/x", "", "", ""]);
  });
});
