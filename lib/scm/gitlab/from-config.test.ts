import { describe, expect, it } from "vitest";
import { createScmRepository } from "../create-scm-repository";
import { createGitLabRepository } from "./from-config";
import { GitLabRepository } from "./repository";

describe("createGitLabRepository", () => {
  it("is what the factory builds for provider gitlab", () => {
    const repo = createScmRepository({ name: "gitops", provider: "gitlab", url: "https://gitlab.com/acme/platform/gitops", branch: "trunk" }, { cacheDir: "/tmp/unused" });
    expect(repo).toBeInstanceOf(GitLabRepository);
    expect(repo).toMatchObject({ name: "gitops", provider: "gitlab", defaultBranch: "trunk" });
  });

  it("takes the API base from FERRY_GITLAB_URL when set", () => {
    const repo = createGitLabRepository({ name: "gitops", url: "https://gitlab.example.com/acme/gitops" }, { FERRY_GITLAB_TOKEN: "glpat-x", FERRY_GITLAB_URL: "https://gitlab-api.internal" });
    expect(repo.location).toMatchObject({ apiBase: "https://gitlab-api.internal", projectPath: "acme/gitops", webUrl: "https://gitlab.example.com/acme/gitops" });
    expect(repo.commitUrl("abc")).toBe("https://gitlab.example.com/acme/gitops/-/commit/abc");
    expect(JSON.stringify(repo.location)).not.toContain("glpat-x");
  });
});
