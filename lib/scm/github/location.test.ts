import { describe, expect, it } from "vitest";
import { normaliseRepositoryUrl, parseGitHubUrl } from "./location";

describe("parseGitHubUrl", () => {
  it("github.com uses api.github.com; other hosts /api/v3; the override wins", () => {
    expect(parseGitHubUrl("https://github.com/acme/gitops.git")).toMatchObject({ owner: "acme", repo: "gitops", apiBaseUrl: "https://api.github.com", webOrigin: "https://github.com" });
    expect(parseGitHubUrl("https://ghe.example.com/acme/gitops/")).toMatchObject({ apiBaseUrl: "https://ghe.example.com/api/v3", apiHost: "ghe.example.com" });
    expect(parseGitHubUrl("https://github.com/acme/gitops", "https://proxy.example/api/").apiBaseUrl).toBe("https://proxy.example/api");
  });
  it("refuses what is not a repository address", () => {
    expect(() => parseGitHubUrl("https://github.com/acme")).toThrow(/does not name a repository/);
    expect(() => parseGitHubUrl("git@github.com:acme/gitops.git")).toThrow();
    expect(() => parseGitHubUrl("https://github.com/acme/..")).toThrow();
  });
});

describe("normaliseRepositoryUrl", () => {
  it("compares case-insensitively, without .git, slash or credentials", () => {
    expect(normaliseRepositoryUrl("https://user:pw@GitHub.com/Acme/GitOps.git/")).toBe("github.com/acme/gitops");
    expect(normaliseRepositoryUrl("https://github.com/acme/gitops")).toBe("github.com/acme/gitops");
    expect(normaliseRepositoryUrl("not a url")).toBeNull();
  });
});
