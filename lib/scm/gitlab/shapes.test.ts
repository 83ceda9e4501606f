import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ForgeUnavailableError } from "../errors";
import { reshapeMergeRequest } from "./reshape";
import { startGitLab, type GitLabHarness } from "./testing/harness";
import { branchShape, mergeRequestShape } from "./testing/shapes";
import type { WireMergeRequest } from "./wire";

describe("the GitLab test server's shape checks", () => {
  let gl: GitLabHarness;
  beforeEach(async () => {
    gl = await startGitLab();
    gl.server.model.commitFiles("main", { "a.yaml": "a\n" });
  });
  afterEach(async () => {
    await gl.server.close();
  });

  it("turns a response GitLab would not send into a failure the test sees", async () => {
    // An error body with an undocumented field: the server sends 500 instead, every time.
    gl.server.fail({ path: /branches\/main$/, times: 100, status: 404, body: { msg: "not GitLab's shape" } });
    await expect(gl.repo.readBranchTip("main")).rejects.toBeInstanceOf(ForgeUnavailableError);
    expect(gl.server.shapeErrors.length).toBeGreaterThan(0);
    expect(gl.server.shapeErrors[0]).toContain("404 body");
  });

  it("validates what it sends", async () => {
    await gl.repo.readBranchTip("main");
    expect(gl.server.shapeErrors).toEqual([]);
  });
});

describe("documented shapes", () => {
  it("are strict: a missing or an extra field fails", () => {
    const commit = {
      id: "a".repeat(40),
      short_id: "aaaaaaaa",
      created_at: "2026-11-20T09:00:00.000+00:00",
      parent_ids: [],
      title: "t",
      message: "t",
      author_name: "a",
      author_email: "a@example.com",
      authored_date: "2026-11-20T09:00:00.000+00:00",
      committer_name: "a",
      committer_email: "a@example.com",
      committed_date: "2026-11-20T09:00:00.000+00:00",
      trailers: {},
      web_url: "https://gitlab.example.com/a/b/-/commit/x",
    };
    const branch = { name: "main", merged: false, protected: true, default: true, developers_can_push: false, developers_can_merge: false, can_push: true, web_url: "https://gitlab.example.com/a/b/-/tree/main", commit };
    expect(branchShape.safeParse(branch).success).toBe(true);
    expect(branchShape.safeParse({ ...branch, extra: 1 }).success).toBe(false);
    const { can_push: _omitted, ...missing } = branch;
    expect(branchShape.safeParse(missing).success).toBe(false);
    expect(mergeRequestShape.safeParse({ iid: 1 }).success).toBe(false);
  });
});

describe("reshapeMergeRequest", () => {
  const mr: WireMergeRequest = {
    id: 1,
    iid: 3,
    title: "t",
    description: null,
    state: "opened",
    created_at: "2026-11-20T09:00:00.000Z",
    updated_at: "2026-11-20T09:00:00.000Z",
    target_branch: "main",
    source_branch: "p",
    author: null,
    labels: [],
    sha: "b".repeat(40),
    merge_commit_sha: null,
    web_url: "https://gitlab.example.com/a/b/-/merge_requests/3",
  };

  it("reads drafts from work_in_progress and mergeability from merge_status on older GitLab", () => {
    expect(reshapeMergeRequest("r", { ...mr, work_in_progress: true })).toMatchObject({ state: "draft", body: "", author: null });
    expect(reshapeMergeRequest("r", { ...mr, merge_status: "can_be_merged" }).mergeable).toBe(true);
    expect(reshapeMergeRequest("r", { ...mr, merge_status: "unchecked" }).mergeable).toBeNull();
    expect(reshapeMergeRequest("r", { ...mr, detailed_merge_status: "checking" }).mergeable).toBeNull();
    expect(reshapeMergeRequest("r", { ...mr, detailed_merge_status: "ci_still_running" }).mergeable).toBe(false);
    expect(reshapeMergeRequest("r", { ...mr, state: "locked" }).state).toBe("open");
  });

  it("takes the squash commit, or the head, as what landed when there is no merge commit", () => {
    expect(reshapeMergeRequest("r", { ...mr, state: "merged", squash_commit_sha: "c".repeat(40) }).mergeCommitSha).toBe("c".repeat(40));
    expect(reshapeMergeRequest("r", { ...mr, state: "merged" }).mergeCommitSha).toBe("b".repeat(40));
    expect(reshapeMergeRequest("r", { ...mr, state: "closed" })).toMatchObject({ state: "closed", mergeCommitSha: null, mergeable: null });
  });

  it("leaves review and checks out when not known, and maps pipelines", () => {
    const plain = reshapeMergeRequest("r", mr);
    expect("reviewState" in plain || "checksState" in plain).toBe(false);
    expect(reshapeMergeRequest("r", { ...mr, head_pipeline: null }).checksState).toBeNull();
    expect(reshapeMergeRequest("r", { ...mr, head_pipeline: { id: 1, status: "canceled" } }).checksState).toBe("failure");
    expect(reshapeMergeRequest("r", { ...mr, head_pipeline: { id: 1, status: "manual" } }).checksState).toBe("pending");
    expect(reshapeMergeRequest("r", mr, null).reviewState).toBeNull();
    // No approvals required and none given: not "approved".
    expect(reshapeMergeRequest("r", mr, { approved: true, approvals_left: 0, approved_by: [] }).reviewState).toBe("pending");
  });
});
