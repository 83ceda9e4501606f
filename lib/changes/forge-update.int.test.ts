import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/db/generated/client";
import { startTokenServer } from "@/lib/scm/github/testing/connect";
import type { GitHubTestServer } from "@/lib/scm/github/testing/github-test-server";
import { GitLabTestServer } from "@/lib/scm/gitlab/testing/gitlab-test-server";
import { promotionRequestSchema } from "./promotion-request";
import { reviewedVersion } from "./reviewed-version";
import { demoHistory, githubEnv, githubView, gitlabEnv, gitlabView, seedGitHub, seedGitLab, setEnv, startPortal, type ForgeView } from "./testing/forge-harness";

// Conflicts and "update this change on the current head" against each forge's spec-validated test
// server: the forge's mergeability marks the change, the update re-plans it on the same pull/merge
// request and tells its reviewers in a comment, a reviewer of the old diff cannot merge the new one,
// and a commit someone else pushed to the branch is never overwritten.

const FILE = "apps/checkout/production/deployment.yaml";
const BRANCH = "ferry/promote/checkout/production";
const alice = { id: "u-alice", name: "Alice Example", email: "alice@acme.example" };
const bob = { id: "u-bob", name: "Bob Reviewer", email: "bob@acme.example" };
const carol = { id: "u-carol", name: "Carol Platform", email: "carol@acme.example" };

interface Portal {
  openPromotion: typeof import("./open-promotion").openPromotion;
  updateChangeOnHead: typeof import("./update-change").updateChangeOnHead;
  refreshOpenChanges: typeof import("./refresh-change").refreshOpenChanges;
  mergeChange: typeof import("./review-change").mergeChange;
}

async function loadPortal(): Promise<Portal> {
  const [promotion, update, refresh, review] = await Promise.all([import("./open-promotion"), import("./update-change"), import("./refresh-change"), import("./review-change")]);
  return { openPromotion: promotion.openPromotion, updateChangeOnHead: update.updateChangeOnHead, refreshOpenChanges: refresh.refreshOpenChanges, mergeChange: review.mergeChange };
}

interface Forge {
  view: ForgeView;
  repository: string;
  push(branch: string, files: Record<string, string>): string;
  /** Comments (notes) on the change request, oldest first. */
  comments(number: number): string[];
}

function updateFlow(ctx: { modules: Portal; prisma: PrismaClient }, forge: () => Forge) {
  let id: number;
  let number: number;
  const row = () => ctx.prisma.changeRequest.findUniqueOrThrow({ where: { id } });

  it("marks the change conflict when main changes the line it edits", async () => {
    const f = forge();
    const opened = await ctx.modules.openPromotion(ctx.prisma, promotionRequestSchema.parse({ repository: f.repository, app: "checkout", from: "staging", to: "production" }), alice);
    if (!("change" in opened)) throw new Error(`not opened: ${opened.status}`);
    id = opened.change.id;
    number = opened.change.number!;
    expect(await row()).toMatchObject({ conflict: false });

    const production = f.view.content(f.view.mainSha(), FILE);
    f.push("main", { [FILE]: production.replace("checkout:2.3.1", "checkout:2.3.2") });
    await ctx.modules.refreshOpenChanges(ctx.prisma);
    expect(await row()).toMatchObject({ state: "OPEN", conflict: true });
  });

  it("updates it on the current head: the same pull/merge request, a new commit on main, reviewers told", async () => {
    const f = forge();
    const seenBefore = reviewedVersion(await row());
    const updated = await ctx.modules.updateChangeOnHead(ctx.prisma, id, carol);
    const main = f.view.mainSha();
    expect(updated).toMatchObject({ status: "updated", baseSha: main, reviewersTold: true });

    const tip = f.view.tip(BRANCH)!;
    expect(f.view.parents(tip)).toEqual([main]);
    expect(f.view.content(tip, FILE)).toContain("checkout:2.4.0");
    expect(f.view.changeRequests()).toEqual([{ number, state: expect.stringMatching(/^open/), branch: BRANCH }]);
    expect(await row()).toMatchObject({ number, headSha: tip, baseSha: main, conflict: false, replannedOnSha: main, replannedById: carol.id });
    expect(f.comments(number)).toEqual([expect.stringContaining(`Ferry updated this change on the current head of \`main\` (${main.slice(0, 10)}) for ${carol.name}`)]);

    // The forge agrees it merges cleanly now.
    await ctx.modules.refreshOpenChanges(ctx.prisma);
    expect(await row()).toMatchObject({ conflict: false, headSha: tip });
    // Whoever reviewed the old diff must review again.
    await expect(ctx.modules.mergeChange(ctx.prisma, id, bob, seenBefore)).rejects.toThrow(/review it again/);
    expect(f.view.changeRequests()[0]?.state).toMatch(/^open/);
  });

  it("refuses to update a branch whose tip someone else pushed, and leaves it alone", async () => {
    const f = forge();
    const theirs = f.push(BRANCH, { "apps/checkout/production/NOTES.md": "a fix by hand\n" });
    await expect(ctx.modules.updateChangeOnHead(ctx.prisma, id, carol)).rejects.toThrow(new RegExp(`Branch ${BRANCH} of ${f.repository} has a commit Ferry did not write \\(${theirs.slice(0, 12)}\\), so Ferry did not overwrite it`));
    expect(f.view.tip(BRANCH)).toBe(theirs);
    expect(f.comments(number)).toHaveLength(1);
  });
}

describe("GitHub: conflicts and update on the current head", () => {
  const ctx = startPortal("forge-update-github", loadPortal);
  let server: GitHubTestServer;
  let restoreEnv: () => void;

  beforeAll(async () => {
    server = await startTokenServer();
    seedGitHub(server, await demoHistory("payments-gitops"));
    restoreEnv = setEnv(githubEnv({ secret: "unused", apiUrl: server.apiUrl }));
    await ctx.prisma.repository.create({ data: { name: "update-github", provider: "github", url: server.repositoryUrl, defaultBranch: "main", team: "payments" } });
  });

  afterAll(async () => {
    expect(server?.violations).toEqual([]);
    await server?.close();
    restoreEnv?.();
  });

  updateFlow(ctx as { modules: Portal; prisma: PrismaClient }, () => ({
    view: githubView(server),
    repository: "update-github",
    push: (branch, files) => server.git.commitFiles(branch, files, `push to ${branch}`),
    comments: (number) => (server.comments.get(number) ?? []).map((c) => c.body),
  }));
});

describe("GitLab: conflicts and update on the current head", () => {
  const ctx = startPortal("forge-update-gitlab", loadPortal);
  let server: GitLabTestServer;
  let restoreEnv: () => void;

  beforeAll(async () => {
    server = await GitLabTestServer.start();
    seedGitLab(server, await demoHistory("payments-gitops"));
    restoreEnv = setEnv(gitlabEnv({ token: server.token, secret: "unused", url: server.url }));
    await ctx.prisma.repository.create({ data: { name: "update-gitlab", provider: "gitlab", url: server.projectUrl, defaultBranch: server.defaultBranch, team: "payments" } });
  });

  afterAll(async () => {
    expect(server?.shapeErrors).toEqual([]);
    await server?.close();
    restoreEnv?.();
  });

  updateFlow(ctx as { modules: Portal; prisma: PrismaClient }, () => ({
    view: gitlabView(server),
    repository: "update-gitlab",
    push: (branch, files) => server.model.commitFiles(branch, files, `push to ${branch}`).id,
    comments: (number) => server.notes.get(number) ?? [],
  }));
});
