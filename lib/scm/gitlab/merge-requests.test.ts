import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConflictError, InvalidInputError, RefNotFoundError, StaleBaseError } from "../errors";
import { startGitLab, type GitLabHarness } from "./testing/harness";

let gl: GitLabHarness;
let base: string;

beforeEach(async () => {
  gl = await startGitLab();
  base = gl.server.model.commitFiles("main", { "apps/a/prod/values.yaml": "tag: 1\n" }).id;
});

afterEach(async () => {
  expect(gl.server.shapeErrors).toEqual([]);
  await gl.server.close();
});

function branch(name: string, content = "tag: 2\n"): string {
  return gl.server.model.commitFiles(name, { "apps/a/prod/values.yaml": content }, `on ${name}`, { from: base }).id;
}

describe("GitLab merge requests", () => {
  it("opens a merge request (labels, draft) in one call and finds it again", async () => {
    const head = branch("ferry/promote/a/prod");
    gl.server.resetRequests();
    const mr = await gl.repo.openChangeRequest({ headBranch: "ferry/promote/a/prod", baseBranch: "main", title: "Promote a", body: "Body", labels: ["ferry", "promotion"], draft: true });
    expect(gl.server.requests.length).toBe(1);
    expect(mr).toMatchObject({ number: 1, state: "draft", title: "Draft: Promote a", body: "Body", labels: ["ferry", "promotion"], headSha: head, author: "ferry-bot", mergeCommitSha: null });

    expect(await gl.repo.findChangeRequest({ headBranch: "ferry/promote/a/prod" })).toMatchObject({ number: 1, state: "draft" });
    expect(await gl.repo.findChangeRequest({ headBranch: "ferry/promote/a/prod", baseBranch: "other" })).toBeNull();
    expect(await gl.repo.findChangeRequest({ headBranch: "nothing" })).toBeNull();
  });

  it('adopts the open merge request GitLab reports ("Another open merge request already exists"), never a duplicate', async () => {
    branch("ferry/promote/a/prod");
    const existing = gl.server.openMergeRequest({ sourceBranch: "ferry/promote/a/prod", title: "Old title", description: "old" });
    const mr = await gl.repo.openChangeRequest({ headBranch: "ferry/promote/a/prod", baseBranch: "main", title: "Promote a (again)", body: "new body" });
    expect(gl.server.mergeRequests.size).toBe(1);
    expect(mr).toMatchObject({ number: existing.iid, title: "Promote a (again)", body: "new body", state: "open" });
    expect(gl.server.requests.some((r) => r.method === "POST" && r.path.endsWith("merge_requests"))).toBe(true);
  });

  it("reads state, head, mergeability, approvals and the head pipeline", async () => {
    const head = branch("p");
    const opened = await gl.repo.openChangeRequest({ headBranch: "p", baseBranch: "main", title: "t", body: "" });
    let cr = await gl.repo.getChangeRequest(opened.number);
    expect(cr).toMatchObject({ state: "open", headSha: head, mergeable: true, reviewState: "pending", checksState: null });

    const server = gl.server.mergeRequests.get(opened.number);
    if (!server) throw new Error("no MR");
    server.approvalsRequired = 1;
    gl.server.setPipeline(opened.number, "running");
    cr = await gl.repo.getChangeRequest(opened.number);
    expect(cr).toMatchObject({ mergeable: false, reviewState: "pending", checksState: "pending" });

    server.approvedBy = ["rita"];
    gl.server.setPipeline(opened.number, "success");
    expect(await gl.repo.getChangeRequest(opened.number)).toMatchObject({ mergeable: true, reviewState: "approved", checksState: "success" });

    gl.server.setPipeline(opened.number, "failed");
    server.requestedChanges = true;
    expect(await gl.repo.getChangeRequest(opened.number)).toMatchObject({ reviewState: "changes_requested", checksState: "failure" });

    // Someone else pushes to the branch: the head follows.
    const moved = gl.server.model.commitFiles("p", { "x.yaml": "x\n" }).id;
    expect((await gl.repo.getChangeRequest(opened.number)).headSha).toBe(moved);
    await expect(gl.repo.getChangeRequest(99)).rejects.toBeInstanceOf(RefNotFoundError);
  });

  it("merges exactly the reviewed head, and refuses (StaleBaseError) when it moved", async () => {
    const head = branch("p");
    const opened = await gl.repo.openChangeRequest({ headBranch: "p", baseBranch: "main", title: "t", body: "" });
    const moved = gl.server.model.commitFiles("p", { "x.yaml": "x\n" }).id;

    const stale = await gl.repo.mergeChangeRequest(opened.number, { expectedHeadSha: head }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(StaleBaseError);
    expect(stale).toMatchObject({ branch: "p", expectedSha: head, actualSha: moved });
    expect(gl.server.model.branches.get("main")).toBe(base);

    const merged = await gl.repo.mergeChangeRequest(opened.number, { expectedHeadSha: moved });
    expect(merged).toMatchObject({ state: "merged", headSha: moved, mergeable: null });
    expect(merged.mergeCommitSha).toBe(gl.server.model.branches.get("main"));
    expect(gl.server.model.get(merged.mergeCommitSha ?? "").parents).toEqual([base, moved]);
    expect(gl.server.requests.filter((r) => r.path.endsWith("/merge")).map((r) => (r.body as { sha?: string }).sha)).toEqual([head, moved]);
  });

  it("reports conflicts, drafts and closed merge requests as ConflictError with GitLab's message", async () => {
    branch("p", "tag: from-branch\n");
    const opened = await gl.repo.openChangeRequest({ headBranch: "p", baseBranch: "main", title: "t", body: "" });
    gl.server.model.commitFiles("main", { "apps/a/prod/values.yaml": "tag: from-main\n" });
    const conflict = await gl.repo.mergeChangeRequest(opened.number).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ConflictError);
    expect((conflict as Error).message).toContain("Branch cannot be merged");
    expect(await gl.repo.getChangeRequest(opened.number)).toMatchObject({ mergeable: false });

    branch("d");
    const draft = await gl.repo.openChangeRequest({ headBranch: "d", baseBranch: "main", title: "t", body: "", draft: true });
    await expect(gl.repo.mergeChangeRequest(draft.number)).rejects.toBeInstanceOf(ConflictError);
    await expect(gl.repo.mergeChangeRequest(draft.number, { method: "rebase" })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it("squash-merges on request", async () => {
    branch("p");
    const opened = await gl.repo.openChangeRequest({ headBranch: "p", baseBranch: "main", title: "t", body: "" });
    const merged = await gl.repo.mergeChangeRequest(opened.number, { method: "squash", commitMessage: "Promote a" });
    expect(gl.server.model.get(merged.mergeCommitSha ?? "")).toMatchObject({ parents: [base], message: "Promote a" });
  });

  it("updates and closes, deleting the branch when asked; a merged request cannot be closed", async () => {
    branch("p");
    const opened = await gl.repo.openChangeRequest({ headBranch: "p", baseBranch: "main", title: "t", body: "" });
    const updated = await gl.repo.updateChangeRequest(opened.number, { title: "t2", body: "b2", labels: ["x"] });
    expect(updated).toMatchObject({ title: "t2", body: "b2", labels: ["x"] });

    const closed = await gl.repo.closeChangeRequest(opened.number, { deleteBranch: true });
    expect(closed.state).toBe("closed");
    expect(gl.server.model.branches.has("p")).toBe(false);
    expect(await gl.repo.findChangeRequest({ headBranch: "p" })).toBeNull();
    expect(await gl.repo.findChangeRequest({ headBranch: "p", state: "any" })).toMatchObject({ number: opened.number, state: "closed" });

    branch("q");
    const other = await gl.repo.openChangeRequest({ headBranch: "q", baseBranch: "main", title: "t", body: "" });
    await gl.repo.mergeChangeRequest(other.number);
    await expect(gl.repo.closeChangeRequest(other.number)).rejects.toBeInstanceOf(ConflictError);
    await expect(gl.repo.updateChangeRequest(99, { title: "x" })).rejects.toBeInstanceOf(RefNotFoundError);
  });
});
