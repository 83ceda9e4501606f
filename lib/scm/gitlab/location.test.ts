import { describe, expect, it } from "vitest";
import { GitLabLocationError, normaliseProjectUrl, parseGitLabUrl } from "./location";

describe("parseGitLabUrl", () => {
  it("reads gitlab.com projects with subgroups", () => {
    expect(parseGitLabUrl("https://gitlab.com/acme/platform/gitops")).toEqual({
      projectPath: "acme/platform/gitops",
      apiBase: "https://gitlab.com",
      apiHost: "gitlab.com",
      webUrl: "https://gitlab.com/acme/platform/gitops",
    });
  });

  it("ignores .git, a trailing slash and /-/ suffixes", () => {
    expect(parseGitLabUrl("https://gitlab.example.com/acme/gitops.git").projectPath).toBe("acme/gitops");
    expect(parseGitLabUrl("https://gitlab.example.com/acme/gitops/").projectPath).toBe("acme/gitops");
    expect(parseGitLabUrl("https://gitlab.example.com/acme/gitops/-/tree/main").projectPath).toBe("acme/gitops");
  });

  it("serves a self-managed instance from the repository URL's origin", () => {
    const loc = parseGitLabUrl("http://git.internal:8080/team/gitops");
    expect(loc.apiBase).toBe("http://git.internal:8080");
    expect(loc.apiHost).toBe("git.internal:8080");
  });

  it("uses FERRY_GITLAB_URL as the base, also for an instance under a relative URL", () => {
    expect(parseGitLabUrl("https://gitlab.example.com/acme/gitops", "https://gitlab-api.internal/").apiBase).toBe("https://gitlab-api.internal");
    const relative = parseGitLabUrl("https://example.com/gitlab/acme/gitops", "https://example.com/gitlab");
    expect(relative.projectPath).toBe("acme/gitops");
    expect(relative.apiBase).toBe("https://example.com/gitlab");
    expect(relative.webUrl).toBe("https://example.com/gitlab/acme/gitops");
  });

  it("never keeps credentials from the URL", () => {
    const loc = parseGitLabUrl("https://oauth2:glpat-secret@gitlab.com/acme/gitops");
    expect(JSON.stringify(loc)).not.toContain("glpat-secret");
  });

  it("refuses addresses that name no project", () => {
    expect(() => parseGitLabUrl("https://gitlab.com/acme")).toThrow(GitLabLocationError);
    expect(() => parseGitLabUrl("ssh://git@gitlab.com/acme/gitops")).toThrow(GitLabLocationError);
    expect(() => parseGitLabUrl("not a url")).toThrow(GitLabLocationError);
    expect(() => parseGitLabUrl("https://gitlab.com/acme/../x")).toThrow(GitLabLocationError);
  });
});

describe("normaliseProjectUrl", () => {
  it("compares web addresses by host and path", () => {
    expect(normaliseProjectUrl("https://GitLab.com/Acme/GitOps.git/")).toBe("gitlab.com/acme/gitops");
    expect(normaliseProjectUrl("https://gitlab.com/acme/gitops/-/merge_requests/1")).toBe("gitlab.com/acme/gitops");
    expect(normaliseProjectUrl("nope")).toBeNull();
  });
});
