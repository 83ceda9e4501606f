import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startGitLab, type GitLabHarness } from "./testing/harness";

// Merge gates on GitLab through the real gitbeaker client against the test server, whose answers are
// checked against GitLab's documented shapes (approval_state, the single merge request).

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

describe("GitLab merge gates", () => {
  it("shows each approval rule with who approved, and the head pipeline, for the MR's head", async () => {
    const head = gl.server.model.commitFiles("ferry/promote/a/prod", { "apps/a/prod/values.yaml": "tag: 2\n" }, "promote", { from: base }).id;
    const opened = await gl.repo.openChangeRequest({ headBranch: "ferry/promote/a/prod", baseBranch: "main", title: "Promote a", body: "", draft: true });
    const mr = gl.server.mergeRequests.get(opened.number)!;
    mr.approvalRules = [
      { name: "SRE", approvalsRequired: 1, eligible: ["sam", "sue"] },
      { name: "Security", approvalsRequired: 0, eligible: [] },
    ];
    gl.server.setPipeline(opened.number, "running");

    gl.server.resetRequests();
    let gates = await gl.repo.readMergeGates(opened.number);
    expect(gl.server.requests.map((r) => r.path.split("/").slice(-2).join("/")).sort()).toEqual(["1/approval_state", "merge_requests/1"]);
    expect(gates.headSha).toBe(head);
    expect(gates.gates).toEqual([
      expect.objectContaining({ kind: "draft", state: "pending", required: true }),
      expect.objectContaining({ kind: "approval", name: "SRE", state: "pending", required: true, detail: "0 of 1 approval; can approve: sam, sue" }),
      expect.objectContaining({ kind: "approval", name: "Security", state: "success", required: false }),
      expect.objectContaining({ kind: "pipeline", state: "pending", required: true, detail: "running" }),
    ]);

    mr.approvedBy = ["sue"];
    gl.server.setPipeline(opened.number, "success");
    gates = await gl.repo.readMergeGates(opened.number);
    expect(gates.gates.find((g) => g.name === "SRE")).toMatchObject({ state: "success", detail: "1 of 1 approval (sue)" });
    expect(gates.gates.find((g) => g.kind === "pipeline")).toMatchObject({ state: "success" });
  });

  it("says when approval rules cannot be read, and still shows the pipeline", async () => {
    gl.server.model.commitFiles("b", { "apps/a/prod/values.yaml": "tag: 3\n" }, "b", { from: base });
    const opened = await gl.repo.openChangeRequest({ headBranch: "b", baseBranch: "main", title: "B", body: "" });
    gl.server.setPipeline(opened.number, "failed");
    gl.server.fail({ path: /approval_state$/, times: 1, status: 403, body: { message: "403 Forbidden" } });
    const gates = await gl.repo.readMergeGates(opened.number);
    expect(gates.notes.join(" ")).toMatch(/Approval rules are not readable/);
    expect(gates.gates).toEqual([expect.objectContaining({ kind: "pipeline", state: "failure", required: true })]);
  });
});
