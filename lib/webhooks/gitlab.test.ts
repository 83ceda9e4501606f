import { describe, expect, it } from "vitest";
import { deliveryId, tokenMatches } from "./gitlab";
import { planGitLabDelivery, type GitLabRepositoryRow } from "./gitlab-events";
import { mergeRequestPayload, pipelinePayload, pushPayload } from "./gitlab-test-payloads";

const project = { id: 15, path: "acme/platform/gitops", webUrl: "https://gitlab.example.com/acme/platform/gitops" };
const rows: GitLabRepositoryRow[] = [
  { name: "gitops", url: "https://gitlab.example.com/acme/platform/gitops", defaultBranch: "main" },
  { name: "gitops-release", url: "https://gitlab.example.com/acme/platform/gitops.git", defaultBranch: "release" },
  { name: "other", url: "https://gitlab.example.com/acme/other", defaultBranch: "main" },
];

describe("tokenMatches", () => {
  it("accepts only the exact token", () => {
    expect(tokenMatches("s3cret-token", "s3cret-token")).toBe(true);
    expect(tokenMatches("s3cret-tokeN", "s3cret-token")).toBe(false);
    expect(tokenMatches("s3cret", "s3cret-token")).toBe(false);
    expect(tokenMatches("", "s3cret-token")).toBe(false);
    expect(tokenMatches(null, "s3cret-token")).toBe(false);
  });
});

describe("deliveryId", () => {
  const body = JSON.stringify(pushPayload(project, "refs/heads/main"));
  it("prefers Idempotency-Key, then X-Gitlab-Event-UUID, then a digest of the body", () => {
    expect(deliveryId({ headers: new Headers({ "idempotency-key": "k1", "x-gitlab-event-uuid": "u1" }), body })).toBe("k1");
    expect(deliveryId({ headers: new Headers({ "x-gitlab-event-uuid": "u1" }), body })).toBe("u1");
    expect(deliveryId({ headers: new Headers(), body })).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe("planGitLabDelivery", () => {
  it("syncs the repositories whose default branch was pushed", () => {
    expect(planGitLabDelivery("Push Hook", pushPayload(project, "refs/heads/main"), rows)).toEqual({ repositories: ["gitops", "gitops-release"], syncs: ["gitops"], refreshes: [] });
    expect(planGitLabDelivery("Push Hook", pushPayload(project, "refs/heads/release"), rows).syncs).toEqual(["gitops-release"]);
    expect(planGitLabDelivery("Push Hook", pushPayload(project, "refs/heads/feature"), rows)).toMatchObject({ syncs: [], ignored: expect.stringContaining("not a default branch") });
    expect(planGitLabDelivery("Push Hook", pushPayload(project, "refs/tags/main"), rows).syncs).toEqual([]);
  });

  it("refreshes merge requests on merge request and pipeline events", () => {
    expect(planGitLabDelivery("Merge Request Hook", mergeRequestPayload(project, 7), rows).refreshes).toEqual([
      { repository: "gitops", number: 7 },
      { repository: "gitops-release", number: 7 },
    ]);
    expect(planGitLabDelivery("Pipeline Hook", pipelinePayload(project, 8), rows).refreshes).toContainEqual({ repository: "gitops", number: 8 });
    expect(planGitLabDelivery("Pipeline Hook", pipelinePayload(project, null), rows)).toMatchObject({ refreshes: [], ignored: "pipeline without a merge request" });
  });

  it("refreshes the merge request a comment was made on (its gates may have moved), and ignores other comments", () => {
    const note = (mergeRequest: { iid: number } | null) => ({
      object_kind: "note",
      project: { id: project.id, path_with_namespace: project.path, web_url: project.webUrl },
      object_attributes: { id: 5, note: "LGTM", noteable_type: mergeRequest ? "MergeRequest" : "Issue" },
      merge_request: mergeRequest,
    });
    expect(planGitLabDelivery("Note Hook", note({ iid: 4 }), rows).refreshes).toContainEqual({ repository: "gitops", number: 4 });
    expect(planGitLabDelivery("Note Hook", note(null), rows)).toMatchObject({ refreshes: [], ignored: "a comment on something other than a merge request" });
  });

  it("matches by project path when the web address differs (GitLab behind a proxy)", () => {
    const proxied = { ...project, webUrl: "https://gitlab.internal:8443/acme/platform/gitops" };
    expect(planGitLabDelivery("Push Hook", pushPayload(proxied, "refs/heads/main"), rows).syncs).toEqual(["gitops"]);
  });

  it("ignores unknown projects, other events and malformed payloads", () => {
    const stranger = { id: 1, path: "someone/else", webUrl: "https://gitlab.example.com/someone/else" };
    expect(planGitLabDelivery("Push Hook", pushPayload(stranger, "refs/heads/main"), rows)).toMatchObject({ syncs: [], ignored: "no configured repository for this project" });
    expect(planGitLabDelivery("Issue Hook", {}, rows).ignored).toContain("not used");
    expect(planGitLabDelivery("Push Hook", { object_kind: "push" }, rows).ignored).toBe("not a push event payload");
    expect(planGitLabDelivery("Merge Request Hook", null, rows).syncs).toEqual([]);
  });
});
