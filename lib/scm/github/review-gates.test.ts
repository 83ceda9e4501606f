import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connect, startTokenServer } from "./testing/connect";
import type { GitHubTestServer } from "./testing/github-test-server";

// Forge-native review through the real octokit client against the spec-validated GitHub test server:
// a draft pull request, code owners requested from the base commit's CODEOWNERS, and the merge gates
// (reviews, check runs, branch protection) of the exact head.

let server: GitHubTestServer;
let base = "";
let n = 0;

beforeAll(async () => {
  server = await startTokenServer();
  base = server.git.commitFiles("main", {
    ".github/CODEOWNERS": "* @acme/platform\n/apps/checkout/ @alice @octocat @acme/payments\n/apps/checkout/staging/ @bob\n",
    "apps/checkout/production/values.yaml": "tag: 1\n",
    "apps/checkout/staging/values.yaml": "tag: 1\n",
  });
}, 60_000);
afterAll(() => server.close());
afterEach(() => {
  expect(server.violations.splice(0)).toEqual([]);
  server.protection.clear();
});

/** A branch off main changing `path`. */
function branchChanging(path: string): string {
  const name = `ferry/test-${++n}`;
  server.git.refs.set(`refs/heads/${name}`, base);
  server.git.commitFiles(name, { [path]: `tag: ${n + 1}\n` });
  return name;
}

describe("GitHub review", () => {
  it("opens a draft pull request and asks the changed files' code owners for a review, leaving out the author", async () => {
    const scm = connect(server);
    const branch = branchChanging("apps/checkout/production/values.yaml");
    const pull = await scm.openChangeRequest({ headBranch: branch, baseBranch: "main", title: "Promote checkout", body: "", draft: true, requestCodeOwners: { baseSha: base, paths: ["apps/checkout/production/values.yaml"] } });
    expect(pull.state).toBe("draft");
    const stored = server.pulls.get(pull.number);
    expect(stored?.draft).toBe(true);
    // octocat is the pull request's author on the test server: GitHub would refuse the whole request.
    expect(pull.author).toBe("octocat");
    expect(stored?.requestedReviewers).toEqual(["alice"]);
    expect(stored?.requestedTeams).toEqual(["payments"]);

    const gates = await scm.readMergeGates(pull.number);
    expect(gates.requestedReviewers).toEqual(["alice", "acme/payments"]);
    expect(gates.gates).toContainEqual(expect.objectContaining({ kind: "draft", state: "pending", required: true }));
  });

  it("follows the last matching CODEOWNERS rule, and makes no request when no changed path has an owner", async () => {
    const scm = connect(server);
    const staging = branchChanging("apps/checkout/staging/values.yaml");
    const pull = await scm.openChangeRequest({ headBranch: staging, baseBranch: "main", title: "Promote staging", body: "", requestCodeOwners: { baseSha: base, paths: ["apps/checkout/staging/values.yaml"] } });
    expect(server.pulls.get(pull.number)?.requestedReviewers).toEqual(["bob"]);
    expect(server.pulls.get(pull.number)?.requestedTeams ?? []).toEqual([]);

    const before = server.count((r) => r.operationId === "pulls/request-reviewers");
    const other = branchChanging("README.md");
    const second = await scm.openChangeRequest({ headBranch: other, baseBranch: "main", title: "Docs", body: "", requestCodeOwners: { baseSha: base, paths: ["README.md"] } });
    expect(server.pulls.get(second.number)?.requestedTeams).toEqual(["platform"]);
    expect(server.count((r) => r.operationId === "pulls/request-reviewers")).toBe(before + 1);

    const third = branchChanging("apps/other.yaml");
    const unowned = await scm.openChangeRequest({ headBranch: third, baseBranch: "main", title: "Nothing owned", body: "", requestCodeOwners: { baseSha: base, paths: [] } });
    expect(server.pulls.get(unowned.number)?.requestedReviewers).toBeUndefined();
    expect(server.count((r) => r.operationId === "pulls/request-reviewers")).toBe(before + 1);
  });

  it("reads reviews, check runs and branch protection's required checks and approvals as gates of the exact head", async () => {
    const scm = connect(server);
    const branch = branchChanging("apps/checkout/production/values.yaml");
    const pull = await scm.openChangeRequest({ headBranch: branch, baseBranch: "main", title: "Gated", body: "" });
    const head = pull.headSha;
    server.protection.set("main", { requiredChecks: ["build"], requiredApprovals: 1, adminReadable: true });
    server.checkRuns.set(head, [
      { name: "build", status: "in_progress", conclusion: null },
      { name: "lint", status: "completed", conclusion: "failure" },
    ]);
    let gates = await scm.readMergeGates(pull.number);
    expect(gates.headSha).toBe(head);
    expect(gates.gates).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "review", name: "Required approvals", state: "pending", required: true, detail: "0 of 1 approving review (branch protection)" }),
        expect.objectContaining({ kind: "check", name: "build", state: "pending", required: true }),
        // Not a required check under this protection: shown, not blocking.
        expect.objectContaining({ kind: "check", name: "lint", state: "failure", required: false }),
      ]),
    );

    server.reviews.set(pull.number, [{ login: "alice", state: "APPROVED", at: "2026-12-01T10:00:00Z" }]);
    server.checkRuns.set(head, [{ name: "build", status: "completed", conclusion: "success" }]);
    gates = await scm.readMergeGates(pull.number);
    expect(gates.gates.filter((g) => g.required && g.state !== "success")).toEqual([]);
    expect(gates.gates).toContainEqual(expect.objectContaining({ kind: "review", name: "alice", state: "success" }));
  });

  it("counts each reviewer's latest verdict: changes requested blocks, a dismissal clears it, comments change nothing", async () => {
    const scm = connect(server);
    const branch = branchChanging("apps/checkout/production/values.yaml");
    const pull = await scm.openChangeRequest({ headBranch: branch, baseBranch: "main", title: "Reviewed", body: "" });
    server.reviews.set(pull.number, [
      { login: "carol", state: "APPROVED", at: "2026-12-01T09:00:00Z" },
      { login: "dave", state: "CHANGES_REQUESTED", at: "2026-12-01T10:00:00Z" },
      { login: "carol", state: "COMMENTED", at: "2026-12-01T11:00:00Z" },
    ]);
    let gates = await scm.readMergeGates(pull.number);
    expect(gates.gates).toEqual([
      expect.objectContaining({ kind: "review", name: "carol", state: "success", required: false, detail: "approved" }),
      expect.objectContaining({ kind: "review", name: "dave", state: "failure", required: true, detail: "requested changes" }),
    ]);
    server.reviews.get(pull.number)!.push({ login: "dave", state: "DISMISSED", at: "2026-12-01T12:00:00Z" });
    gates = await scm.readMergeGates(pull.number);
    expect(gates.gates.map((g) => g.name)).toEqual(["carol"]);
  });

  it("says when branch protection is not readable, and then treats every check on the head as required", async () => {
    const scm = connect(server);
    const branch = branchChanging("apps/checkout/production/values.yaml");
    const pull = await scm.openChangeRequest({ headBranch: branch, baseBranch: "main", title: "Unreadable protection", body: "" });
    server.protection.set("main", { requiredChecks: [], requiredApprovals: 2, adminReadable: false });
    server.checkRuns.set(pull.headSha, [{ name: "e2e", status: "queued", conclusion: null }]);
    const gates = await scm.readMergeGates(pull.number);
    expect(gates.notes.join(" ")).toMatch(/protection of "main" is not readable/);
    expect(gates.gates).toEqual([expect.objectContaining({ kind: "check", name: "e2e", state: "pending", required: true })]);
  });
});
