import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readRepository } from "@/lib/gitops/read";
import { planPromotion } from "@/lib/gitops/promote";
import { loadFixture } from "@/lib/gitops/testing/load-fixture";
import { ConflictError, InvalidInputError, RefNotFoundError, StaleBaseError } from "../errors";
import type { FileChange } from "../types";
import { startGitLab, type GitLabHarness } from "./testing/harness";

let gl: GitLabHarness;
const author = { name: "Dana Dev", email: "dana@example.com" };

beforeEach(async () => {
  gl = await startGitLab();
});

afterEach(async () => {
  expect(gl.server.shapeErrors).toEqual([]);
  await gl.server.close();
});

function fileAt(ref: string, path: string): string | undefined {
  const id = gl.server.model.resolve(ref);
  const blob = id ? gl.server.model.get(id).files.get(path)?.blob : undefined;
  return blob ? gl.server.model.blobs.get(blob)?.toString("utf8") : undefined;
}

describe("GitLab promotion (commit + merge request)", () => {
  it("promotes with at most two GitLab calls after a sync: one commit, one merge request", async () => {
    const files: Record<string, string> = {};
    for (const [path, content] of loadFixture("conventions-mix")) files[path] = content;
    const base = gl.server.model.commitFiles("main", files, "Initial import").id;

    // Sync as the portal does, then plan a version promotion from the model.
    const entries = await gl.repo.readTree(await gl.repo.resolveRef("main"));
    const blobs = await gl.repo.readBlobs(entries.map((e) => e.blobSha));
    const tree = new Map(entries.map((e) => [e.path, blobs.get(e.blobSha) ?? ""]));
    const model = readRepository(tree);
    // web: its staging → prod plan edits a file prod builds (payments' would be refused: prod runs another
    // image name than staging's, so no images: entry could move it).
    const source = model.deployments.find((d) => d.app === "web" && d.env === "staging");
    const target = model.deployments.find((d) => d.app === "web" && d.env === "prod");
    if (!source || !target) throw new Error("fixture lacks web staging/prod");
    const plan = planPromotion({ tree, source, target, mode: "version", baseSha: base, repository: "gitops" });
    if (plan.status !== "changes") throw new Error(`expected changes, got ${plan.status}`);
    const changes: FileChange[] = plan.changeSet.edits.map((e) => (e.content === null ? { path: e.path, delete: true as const } : { path: e.path, content: e.content }));

    gl.server.resetRequests();
    const { commitSha } = await gl.repo.createBranchWithCommit({ baseSha: base, branch: plan.changeSet.branch, message: plan.changeSet.commitMessage, author, changes, force: true });
    const mr = await gl.repo.openChangeRequest({ headBranch: plan.changeSet.branch, baseBranch: "main", title: plan.changeSet.title, body: plan.changeSet.body });

    expect(gl.server.requests.map((r) => `${r.method} ${r.path.replace("projects/acme/platform/gitops/", "")}`)).toEqual(["POST repository/commits", "POST merge_requests"]);
    const commitBody = gl.server.requests[0]?.body as Record<string, unknown>;
    expect(commitBody.start_sha).toBe(base);
    expect(commitBody.force).toBe(true);
    expect(gl.server.model.get(commitSha).parents).toEqual([base]);
    for (const edit of plan.changeSet.edits) expect(fileAt(commitSha, edit.path)).toBe(edit.content ?? undefined);
    expect(mr).toMatchObject({ provider: "gitlab", state: "open", headBranch: plan.changeSet.branch, baseBranch: "main", headSha: commitSha, title: plan.changeSet.title });
    expect(mr.url).toBe(`${gl.server.projectUrl}/-/merge_requests/${mr.number}`);
  });

  it("also takes two calls from a fresh process when the promotion edits existing files", async () => {
    const base = gl.server.model.commitFiles("main", { "apps/a/prod/values.yaml": "tag: 1\n" }).id;
    const fresh = gl.freshClient();
    gl.server.resetRequests();
    await fresh.createBranchWithCommit({ baseSha: base, branch: "ferry/promote/a/prod", message: "Promote a", author, changes: [{ path: "apps/a/prod/values.yaml", content: "tag: 2\n" }] });
    await fresh.openChangeRequest({ headBranch: "ferry/promote/a/prod", baseBranch: "main", title: "Promote a", body: "" });
    expect(gl.server.requests.length).toBe(2);
  });

  it("learns the folders and plans again when a cold guess was wrong (new files), still building on the base", async () => {
    const base = gl.server.model.commitFiles("main", { "apps/a/dev/values.yaml": "tag: 1\n", "apps/a/dev/old.yaml": "x\n" }).id;
    const fresh = gl.freshClient();
    const { commitSha } = await fresh.createBranchWithCommit({
      baseSha: base,
      branch: "ferry/promote/a/prod",
      message: "Create prod",
      author,
      changes: [
        { path: "apps/a/prod/values.yaml", content: "tag: 1\n" },
        { path: "apps/a/dev/values.yaml", content: "tag: 2\n" },
        { path: "apps/a/dev/gone.yaml", delete: true },
        { path: "apps/a/dev/old.yaml", delete: true },
      ],
    });
    const files = gl.server.model.get(commitSha).files;
    expect([...files.keys()].sort()).toEqual(["apps/a/dev/values.yaml", "apps/a/prod/values.yaml"]);
    expect(gl.server.model.get(commitSha).parents).toEqual([base]);
    const commits = gl.server.requests.filter((r) => r.method === "POST");
    expect(commits.length).toBe(2);
    expect((commits[1]?.body as { actions: { action: string; file_path: string }[] }).actions).toEqual([
      expect.objectContaining({ action: "create", file_path: "apps/a/prod/values.yaml" }),
      expect.objectContaining({ action: "update", file_path: "apps/a/dev/values.yaml" }),
      { action: "delete", file_path: "apps/a/dev/old.yaml" },
    ]);
  });

  it("writes bytes exactly (CRLF, BOM, binary) and keeps an existing file's mode", async () => {
    const base = gl.server.model.commitFiles("main", { "run.sh": "#!/bin/sh\n" }, "init", { mode: "100755" }).id;
    await gl.repo.readTree(base);
    const bytes = new Uint8Array([0, 1, 2, 255]);
    const { commitSha } = await gl.repo.createBranchWithCommit({
      baseSha: base,
      branch: "b",
      message: "bytes",
      author,
      changes: [
        { path: "run.sh", content: "#!/bin/sh\r\necho hi\r\n" },
        { path: "bom.yaml", content: "\uFEFFa: 1\n" },
        { path: "blob.bin", content: bytes },
      ],
    });
    const files = gl.server.model.get(commitSha).files;
    expect(fileAt(commitSha, "run.sh")).toBe("#!/bin/sh\r\necho hi\r\n");
    expect(files.get("run.sh")?.mode).toBe("100755");
    expect(gl.server.model.blobs.get(files.get("bom.yaml")?.blob ?? "")?.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(gl.server.model.blobs.get(files.get("blob.bin")?.blob ?? "")).toEqual(Buffer.from(bytes));
    expect(gl.server.model.get(commitSha).authorName).toBe("Dana Dev");
  });

  it("builds on baseSha even when the default branch moved since", async () => {
    const base = gl.server.model.commitFiles("main", { "a.yaml": "1\n" }).id;
    gl.server.model.commitFiles("main", { "b.yaml": "someone else\n" });
    const { commitSha } = await gl.repo.createBranchWithCommit({ baseSha: base, branch: "p", message: "m", author, changes: [{ path: "a.yaml", content: "2\n" }] });
    expect(gl.server.model.get(commitSha).parents).toEqual([base]);
    expect(gl.server.model.get(commitSha).files.has("b.yaml")).toBe(false);
  });

  it("refuses a result not built on baseSha (a server that ignored start_sha) with StaleBaseError", async () => {
    const base = gl.server.model.commitFiles("main", { "a.yaml": "1\n" }).id;
    const moved = gl.server.model.commitFiles("main", { "b.yaml": "2\n" }).id;
    gl.server.ignoreStartSha = true;
    const error = await gl.repo.createBranchWithCommit({ baseSha: base, branch: "p", message: "m", author, changes: [{ path: "a.yaml", content: "2\n" }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleBaseError);
    expect(error).toMatchObject({ expectedSha: base, actualSha: moved, branch: "main" });
    expect(gl.server.model.branches.has("p")).toBe(false);
  });

  it("surfaces a lost ref race (\"incorrect old value provided\") as StaleBaseError", async () => {
    const base = gl.server.model.commitFiles("main", { "a.yaml": "1\n" }).id;
    gl.server.model.commitFiles("ferry/promote/a/prod", { "a.yaml": "old\n" }, "old promotion", { from: base });
    let other = "";
    gl.server.beforeRefUpdate = (branch) => {
      gl.server.beforeRefUpdate = null;
      other = gl.server.model.commitFiles(branch, { "a.yaml": "concurrent\n" }, "another writer").id;
    };
    const error = await gl.repo
      .createBranchWithCommit({ baseSha: base, branch: "ferry/promote/a/prod", message: "m", author, changes: [{ path: "a.yaml", content: "2\n" }], force: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleBaseError);
    expect(error).toMatchObject({ branch: "ferry/promote/a/prod", actualSha: other });
    expect(gl.server.model.branches.get("ferry/promote/a/prod")).toBe(other);
  });

  it("replaces an existing branch only with force", async () => {
    const base = gl.server.model.commitFiles("main", { "a.yaml": "1\n" }).id;
    gl.server.model.commitFiles("p", { "a.yaml": "old\n" }, "old", { from: base });
    await expect(gl.repo.createBranchWithCommit({ baseSha: base, branch: "p", message: "m", author, changes: [{ path: "a.yaml", content: "2\n" }] })).rejects.toBeInstanceOf(ConflictError);
    const { commitSha } = await gl.repo.createBranchWithCommit({ baseSha: base, branch: "p", message: "m", author, changes: [{ path: "a.yaml", content: "2\n" }], force: true });
    expect(gl.server.model.branches.get("p")).toBe(commitSha);
    expect(gl.server.model.get(commitSha).parents).toEqual([base]);
  });

  it("refuses unknown bases, hostile input and the default branch before or at the forge", async () => {
    gl.server.model.commitFiles("main", { "a.yaml": "1\n" });
    const change = [{ path: "a.yaml", content: "2\n" }];
    await expect(gl.repo.createBranchWithCommit({ baseSha: "a".repeat(40), branch: "p", message: "m", author, changes: change })).rejects.toBeInstanceOf(RefNotFoundError);
    gl.server.resetRequests();
    await expect(gl.repo.createBranchWithCommit({ baseSha: "a".repeat(40), branch: "-x", message: "m", author, changes: change })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(gl.repo.createBranchWithCommit({ baseSha: "a".repeat(40), branch: "p", message: "m", author, changes: [{ path: "../etc/passwd", content: "x" }] })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(gl.repo.createBranchWithCommit({ baseSha: "a".repeat(40), branch: "p", message: "m", author: { name: "x<y>", email: "e" }, changes: change })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(gl.repo.createBranchWithCommit({ baseSha: "a".repeat(40), branch: "main", message: "m", author, changes: change, force: true })).rejects.toBeInstanceOf(ConflictError);
    expect(gl.server.requests).toEqual([]);
  });

  it("deletes branches, and deleting a missing branch is not an error", async () => {
    const base = gl.server.model.commitFiles("main", { "a.yaml": "1\n" }).id;
    gl.server.model.commitFiles("p", { "a.yaml": "2\n" }, "m", { from: base });
    await gl.repo.deleteBranch("p");
    expect(gl.server.model.branches.has("p")).toBe(false);
    await expect(gl.repo.deleteBranch("p")).resolves.toBeUndefined();
    await expect(gl.repo.deleteBranch("main")).rejects.toBeInstanceOf(ConflictError);
  });
});
