import { describe, expect, it } from "vitest";
import { locationFor, messageFor } from "./server-paths";

describe("server paths are for platform admins", () => {
  it("shows a local repository's path to admins only", () => {
    expect(locationFor("ADMIN", "/work/main/.data/repos/platform")).toBe("/work/main/.data/repos/platform");
    expect(locationFor("VIEWER", "/work/main/.data/repos/platform")).toBe("local repository on the Ferry server");
    expect(locationFor("DEVELOPER", "file:///srv/git/platform.git")).toBe("local repository on the Ferry server");
    expect(locationFor("VIEWER", "relative/repos/x")).toBe("local repository on the Ferry server");
  });

  it("keeps remote URLs, which say nothing about the server", () => {
    expect(locationFor("VIEWER", "https://github.com/acme/gitops")).toBe("https://github.com/acme/gitops");
  });

  it("removes absolute paths from messages", () => {
    const error = "fatal: '/srv/git/platform.git' does not appear to be a git repository (cwd=/var/lib/ferry/mirrors/platform)";
    expect(messageFor("VIEWER", error)).toBe("fatal: '[server path]' does not appear to be a git repository (cwd=[server path])");
    expect(messageFor("ADMIN", error)).toBe(error);
    expect(messageFor("VIEWER", "apps/checkout/production/deployment.yaml: bad indentation")).toBe("apps/checkout/production/deployment.yaml: bad indentation");
  });
});
