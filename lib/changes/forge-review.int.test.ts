import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/db/generated/client";
import { startTokenServer } from "@/lib/scm/github/testing/connect";
import type { GitHubTestServer } from "@/lib/scm/github/testing/github-test-server";
import { GitLabTestServer } from "@/lib/scm/gitlab/testing/gitlab-test-server";
import { promotionRequestSchema } from "./promotion-request";
import { reviewedVersion } from "./reviewed-version";
import { demoHistory, githubEnv, gitlabEnv, seedGitHub, seedGitLab, setEnv, startPortal } from "./testing/forge-harness";

// Forge-native review through the portal's own code paths (Repository row → openPromotion →
// change page gates → mergeChange) against each forge's spec-validated test server: a repository
// configured for drafts opens its promotion as a draft, the code owners of what it changes are
// asked for a review, and Ferry's Merge refuses while a required gate of the reviewed head is
// pending, saying which, and merges once it is green.

const alice = { id: "u-alice", name: "Alice Example", email: "alice@acme.example" };
const bob = { id: "u-bob", name: "Bob Reviewer", email: "bob@acme.example" };
const promote = (repository: string) => promotionRequestSchema.parse({ repository, app: "checkout", from: "staging", to: "production" });

interface Portal {
  openPromotion: typeof import("./open-promotion").openPromotion;
  mergeChange: typeof import("./review-change").mergeChange;
  mergeGatesForPage: typeof import("./merge-gates").mergeGatesForPage;
  refreshWatchedGates: typeof import("./merge-gates").refreshWatchedGates;
}

async function loadPortal(): Promise<Portal> {
  const [promotion, review, gates] = await Promise.all([import("./open-promotion"), import("./review-change"), import("./merge-gates")]);
  return { openPromotion: promotion.openPromotion, mergeChange: review.mergeChange, mergeGatesForPage: gates.mergeGatesForPage, refreshWatchedGates: gates.refreshWatchedGates };
}

async function open(ctx: { modules: Portal; prisma: PrismaClient }, repository: string) {
  const opened = await ctx.modules.openPromotion(ctx.prisma, promote(repository), alice);
  if (!("change" in opened) || opened.status !== "opened") throw new Error(`not opened: ${opened.status}`);
  return { id: opened.change.id, number: opened.change.number! };
}

describe("GitHub: draft, CODEOWNERS reviewers and merge gates", () => {
  const ctx = startPortal("forge-review-github", loadPortal);
  let server: GitHubTestServer;
  let restoreEnv: () => void;

  beforeAll(async () => {
    server = await startTokenServer();
    seedGitHub(server, await demoHistory("payments-gitops"));
    server.git.commitFiles("main", { ".github/CODEOWNERS": "* @acme/platform\n/apps/checkout/ @carol @acme/payments\n" }, "Code owners");
    restoreEnv = setEnv(githubEnv({ secret: "unused", apiUrl: server.apiUrl }));
    await ctx.prisma.repository.create({ data: { name: "review-github", provider: "github", url: server.repositoryUrl, defaultBranch: "main", team: "payments", draftChanges: true } });
  });

  afterAll(async () => {
    expect(server?.violations).toEqual([]);
    await server?.close();
    restoreEnv?.();
  });

  it("opens the promotion as a draft and asks the code owners of its files for a review", async () => {
    const { id, number } = await open(ctx as { modules: Portal; prisma: PrismaClient }, "review-github");
    expect(server.pulls.get(number)).toMatchObject({ draft: true, requestedReviewers: ["carol"], requestedTeams: ["payments"] });
    expect(await ctx.prisma.changeRequest.findUniqueOrThrow({ where: { id } })).toMatchObject({ state: "DRAFT" });
  });

  it("refuses Ferry's merge while a required check of the reviewed head is pending, with the reason, and merges once it is green", async () => {
    const row = await ctx.prisma.changeRequest.findFirstOrThrow({ where: { repository: { name: "review-github" } } });
    const pull = server.pulls.get(row.number!)!;
    const seen = reviewedVersion(row);

    await expect(ctx.modules.mergeChange(ctx.prisma, row.id, bob, seen)).rejects.toThrow(/Not mergeable yet: the draft flag is still pending/);
    pull.draft = false;
    server.protection.set("main", { requiredChecks: ["build"], requiredApprovals: 0, adminReadable: true });
    server.checkRuns.set(row.headSha!, [{ name: "build", status: "in_progress", conclusion: null }]);

    // The refused merge read the gates a moment ago: the page shows those until a webhook says more.
    expect((await ctx.modules.mergeGatesForPage(ctx.prisma, row.id)).gates?.gates.map((g) => g.kind)).toEqual(["draft"]);
    // What the worker does on a check_run / pull_request webhook for a change whose gates were looked at.
    await ctx.modules.refreshWatchedGates(ctx.prisma, "review-github", row.number!);
    const shown = await ctx.modules.mergeGatesForPage(ctx.prisma, row.id);
    expect(shown.gates?.gates).toContainEqual(expect.objectContaining({ kind: "check", name: "build", state: "pending", required: true }));
    // A second view within seconds shows the cached gates: no request to GitHub.
    const before = server.requests.length;
    expect((await ctx.modules.mergeGatesForPage(ctx.prisma, row.id)).gates).toEqual(shown.gates);
    expect(server.requests.length).toBe(before);

    await expect(ctx.modules.mergeChange(ctx.prisma, row.id, bob, seen)).rejects.toThrow(`Not mergeable yet: required check "build" is still pending on ${row.headSha!.slice(0, 10)}.`);
    expect(server.pulls.get(row.number!)?.mergedAt).toBeNull();

    // A hung forge does not hold the page: past its budget it shows the stored gates and says why.
    const stored = (await ctx.modules.mergeGatesForPage(ctx.prisma, row.id)).gates;
    server.failNext({ operationId: "pulls/get", hang: "request" });
    const slow = await ctx.modules.mergeGatesForPage(ctx.prisma, row.id, { now: Date.now() + 60_000, budgetMs: 300 });
    expect(slow).toEqual({ gates: stored, error: "GitHub did not answer within 300 ms; the gates are still being read." });

    server.checkRuns.set(row.headSha!, [{ name: "build", status: "completed", conclusion: "success" }]);
    await ctx.modules.mergeChange(ctx.prisma, row.id, bob, seen);
    expect(server.pulls.get(row.number!)?.mergedAt).not.toBeNull();
    expect(await ctx.prisma.changeRequest.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ state: "MERGED", mergedById: bob.id });
  });
});

describe("GitLab: approval rules and the head pipeline as merge gates", () => {
  const ctx = startPortal("forge-review-gitlab", loadPortal);
  let server: GitLabTestServer;
  let restoreEnv: () => void;

  beforeAll(async () => {
    server = await GitLabTestServer.start();
    seedGitLab(server, await demoHistory("payments-gitops"));
    restoreEnv = setEnv(gitlabEnv({ token: server.token, secret: "unused", url: server.url }));
    await ctx.prisma.repository.create({ data: { name: "review-gitlab", provider: "gitlab", url: server.projectUrl, defaultBranch: server.defaultBranch, team: "payments" } });
  });

  afterAll(async () => {
    expect(server?.shapeErrors).toEqual([]);
    await server?.close();
    restoreEnv?.();
  });

  it("shows the approval rules, refuses the merge until they and the pipeline pass, then merges", async () => {
    const { id, number } = await open(ctx as { modules: Portal; prisma: PrismaClient }, "review-gitlab");
    const mr = server.mergeRequests.get(number)!;
    mr.approvalRules = [{ name: "SRE", approvalsRequired: 1, eligible: ["sam"] }];
    server.setPipeline(number, "running");
    const row = await ctx.prisma.changeRequest.findUniqueOrThrow({ where: { id } });
    const seen = reviewedVersion(row);

    const shown = await ctx.modules.mergeGatesForPage(ctx.prisma, id);
    expect(shown.gates?.gates).toEqual([
      expect.objectContaining({ kind: "approval", name: "SRE", state: "pending", required: true, detail: "0 of 1 approval; can approve: sam" }),
      expect.objectContaining({ kind: "pipeline", state: "pending", required: true }),
    ]);
    await expect(ctx.modules.mergeChange(ctx.prisma, id, bob, seen)).rejects.toThrow(/Not mergeable yet: approval rule "SRE" \(0 of 1 approval; can approve: sam\), pipeline #\d+ are still pending/);

    mr.approvedBy = ["sam"];
    server.setPipeline(number, "success");
    await ctx.modules.mergeChange(ctx.prisma, id, bob, seen);
    expect(server.mergeRequests.get(number)?.state).toBe("merged");
  });
});
