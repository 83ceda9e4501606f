import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UserActor } from "@/lib/auth/policy";
import { startTokenServer } from "@/lib/scm/github/testing/connect";
import type { GitHubTestServer } from "@/lib/scm/github/testing/github-test-server";
import { GitLabTestServer } from "@/lib/scm/gitlab/testing/gitlab-test-server";
import { REFRESH_CHANGE } from "@/lib/sync/worker";
import { promotionRequestSchema } from "./promotion-request";
import { reviewedVersion } from "./reviewed-version";
import { demoHistory, githubEnv, gitlabEnv, seedGitHub, seedGitLab, setEnv, startPortal, takeJobs, type PortalContext } from "./testing/forge-harness";
import { githubPullRequestClosed, gitlabMergeRequestHook, type WebhookDelivery } from "./testing/forge-webhooks";

// "Merge when ready" through the portal's actions (policy, reviewed-version binding, audit) against each
// forge's spec-validated test server: turning it on asks the forge's own auto-merge for the head the
// reviewer saw; when the required check (GitHub) or pipeline (GitLab) then passes, the server merges
// and sends its webhook, and Ferry records the merge through the webhook route and its refresh job,
// as for any merge made on the forge.

const alice = { id: "u-alice", name: "Alice Example", email: "alice@acme.example" };
const bea: UserActor = { kind: "user", id: "u-bea", name: "Bea Admin", email: "bea@acme.example", role: "ADMIN", teams: [] };
const outsider: UserActor = { kind: "user", id: "u-olga", name: "Olga Outsider", email: "olga@acme.example", role: "DEVELOPER", teams: ["search"] };

interface Portal {
  openPromotion: typeof import("./open-promotion").openPromotion;
  enable: typeof import("@/lib/actions/changes/auto-merge").enableAutoMergeAction;
  cancel: typeof import("@/lib/actions/changes/auto-merge").cancelAutoMergeAction;
  requestedBy: typeof import("./auto-merge").autoMergeRequestedBy;
  refreshChangeRequest: typeof import("./refresh-change").refreshChangeRequest;
  githubWebhook: typeof import("@/app/api/webhooks/github/route").POST;
  gitlabWebhook: typeof import("@/app/api/webhooks/gitlab/route").POST;
}

async function loadPortal(): Promise<Portal> {
  const [promotion, actions, autoMerge, refresh, github, gitlab] = await Promise.all([
    import("./open-promotion"),
    import("@/lib/actions/changes/auto-merge"),
    import("./auto-merge"),
    import("./refresh-change"),
    import("@/app/api/webhooks/github/route"),
    import("@/app/api/webhooks/gitlab/route"),
  ]);
  return {
    openPromotion: promotion.openPromotion,
    enable: actions.enableAutoMergeAction,
    cancel: actions.cancelAutoMergeAction,
    requestedBy: autoMerge.autoMergeRequestedBy,
    refreshChangeRequest: refresh.refreshChangeRequest,
    githubWebhook: github.POST,
    gitlabWebhook: gitlab.POST,
  };
}

function asRequest(delivery: WebhookDelivery): Request {
  return new Request(`http://ferry.test${delivery.path}`, { method: "POST", headers: delivery.headers, body: delivery.body });
}

interface Forge {
  repository: string;
  /** Makes the change's required check/pipeline pending; the forge then has something to wait for. */
  startCi(number: number, headSha: string): void;
  /** CI passes: a forge with auto-merge on merges now. */
  passCi(number: number, headSha: string): void;
  /** Someone commits to the default branch on the forge (an unrelated file): the base moves. */
  commitOnMain(path: string, content: string): void;
  /** Whether the forge has auto-merge on, and whether it merged. */
  autoMergeOn(number: number): boolean;
  merged(number: number): { mergeCommitSha: string | null } | null;
  /** Webhook deliveries the forge made so far (its onEvent), as requests for the route. */
  deliveries: Request[];
  deliver(request: Request): Promise<Response>;
}

function autoMergeFlow(ctx: PortalContext<Portal>, forge: () => Forge) {
  let f: Forge;
  let id: number;
  let number: number;
  let headSha: string;

  beforeAll(async () => {
    f = forge();
    for (const u of [alice, bea, outsider]) await ctx.prisma.user.create({ data: { id: u.id, name: u.name, email: u.email, role: u.id === bea.id ? "ADMIN" : "DEVELOPER" } });
    const opened = await ctx.modules.openPromotion(ctx.prisma, promotionRequestSchema.parse({ repository: f.repository, app: "checkout", from: "staging", to: "production" }), alice);
    if (!("change" in opened) || opened.status !== "opened" || opened.change.number === null) throw new Error(`not opened: ${opened.status}`);
    id = opened.change.id;
    number = opened.change.number;
    headSha = (await ctx.prisma.changeRequest.findUniqueOrThrow({ where: { id } })).headSha!;
    f.startCi(number, headSha);
  });

  const seen = async () => reviewedVersion(await ctx.prisma.changeRequest.findUniqueOrThrow({ where: { id } }));

  it("is refused to someone who may not merge the change, and for a head other than the one the forge has", async () => {
    const refused = await ctx.modules.enable.run({ id, ...(await seen()) }, { actor: outsider, prisma: ctx.prisma });
    expect(refused).toMatchObject({ ok: false, code: "forbidden", error: expect.stringContaining("not a member of team payments") });
    const stale = await ctx.modules.enable.run({ id, ...(await seen()), headSha: "0".repeat(40) }, { actor: bea, prisma: ctx.prisma });
    expect(stale).toMatchObject({ ok: false, error: expect.stringMatching(/updated after you opened it.*Auto-merge was not turned on/) });
    expect(f.autoMergeOn(number)).toBe(false);
    expect(await ctx.modules.requestedBy(ctx.prisma, id)).toBeNull();
  });

  it("turns the forge's auto-merge on for the reviewed head, audited with who asked; cancelling turns it off", async () => {
    const on = await ctx.modules.enable.run({ id, ...(await seen()) }, { actor: bea, prisma: ctx.prisma });
    expect(on).toEqual({ ok: true, data: { label: expect.any(String), headSha } });
    expect(f.autoMergeOn(number)).toBe(true);
    const row = await ctx.prisma.changeRequest.findUniqueOrThrow({ where: { id } });
    // The forge's own word, read back after turning it on: the account Ferry's token acts as turned it on.
    expect((row.mergeGates as { autoMerge?: unknown }).autoMerge).toMatchObject({ enabledBy: expect.stringMatching(/\S/) });
    expect(await ctx.modules.requestedBy(ctx.prisma, id)).toEqual({ actorId: bea.id, at: expect.any(Date) });
    expect(await ctx.modules.enable.run({ id, ...(await seen()) }, { actor: bea, prisma: ctx.prisma })).toMatchObject({ ok: false, error: expect.stringContaining("already on") });

    expect(await ctx.modules.cancel.run({ id }, { actor: outsider, prisma: ctx.prisma })).toMatchObject({ ok: false, code: "forbidden" });
    expect(f.autoMergeOn(number)).toBe(true);
    expect(await ctx.modules.cancel.run({ id }, { actor: bea, prisma: ctx.prisma })).toMatchObject({ ok: true });
    expect(f.autoMergeOn(number)).toBe(false);
    expect(await ctx.modules.requestedBy(ctx.prisma, id)).toBeNull();
    const audit = await ctx.prisma.auditEvent.findMany({ where: { resourceType: "change", resourceId: String(id) }, orderBy: { id: "asc" }, select: { action: true, result: true, actorId: true } });
    expect(audit).toEqual([
      { action: "change.auto-merge", result: "denied", actorId: outsider.id },
      { action: "change.auto-merge", result: "error", actorId: bea.id },
      { action: "change.auto-merge", result: "ok", actorId: bea.id },
      { action: "change.auto-merge", result: "error", actorId: bea.id },
      { action: "change.auto-merge-cancel", result: "denied", actorId: outsider.id },
      { action: "change.auto-merge-cancel", result: "ok", actorId: bea.id },
    ]);
  });

  it("promoting again rewrites the branch: the auto-merge asked for the old head is turned off first, and who asked is no longer shown", async () => {
    expect(await ctx.modules.enable.run({ id, ...(await seen()) }, { actor: bea, prisma: ctx.prisma })).toMatchObject({ ok: true });
    expect(f.autoMergeOn(number)).toBe(true);
    f.commitOnMain("docs/unrelated.md", "the base moved\n");
    const again = await ctx.modules.openPromotion(ctx.prisma, promotionRequestSchema.parse({ repository: f.repository, app: "checkout", from: "staging", to: "production" }), alice);
    expect(again.status).toBe("updated");
    const row = await ctx.prisma.changeRequest.findUniqueOrThrow({ where: { id } });
    expect(row.headSha).not.toBe(headSha);
    expect(f.autoMergeOn(number)).toBe(false);
    expect((row.mergeGates as { autoMerge?: unknown }).autoMerge).toBeNull();
    expect(await ctx.modules.requestedBy(ctx.prisma, id)).toBeNull();
    headSha = row.headSha!;
    f.startCi(number, headSha);
  });

  it("once on, the forge merges when CI passes, and its webhook makes Ferry record the merge", async () => {
    expect(await ctx.modules.enable.run({ id, ...(await seen()) }, { actor: bea, prisma: ctx.prisma })).toMatchObject({ ok: true });
    expect(f.merged(number)).toBeNull();
    f.passCi(number, headSha);
    const merged = f.merged(number);
    expect(merged?.mergeCommitSha).toMatch(/^[0-9a-f]{40}$/);
    expect(await ctx.prisma.changeRequest.findUniqueOrThrow({ where: { id } })).toMatchObject({ state: "OPEN" });

    expect(f.deliveries).toHaveLength(1);
    expect((await f.deliver(f.deliveries[0]!)).status).toBe(202);
    const taken = await takeJobs<{ repository: string; number: number }>(ctx.jobs, REFRESH_CHANGE, async (job) => {
      await ctx.modules.refreshChangeRequest(ctx.prisma, job.repository, job.number);
    });
    expect(taken).toEqual([{ repository: f.repository, number }]);
    expect(await ctx.prisma.changeRequest.findUniqueOrThrow({ where: { id } })).toMatchObject({ state: "MERGED", mergeCommitSha: merged?.mergeCommitSha, mergedAt: expect.any(Date) });
    // Who asked for it stays on record after the merge.
    expect(await ctx.modules.requestedBy(ctx.prisma, id)).toEqual({ actorId: bea.id, at: expect.any(Date) });
  });
}

describe("GitHub: merge when ready with enablePullRequestAutoMerge", () => {
  const SECRET = "gh-auto-merge-secret";
  const ctx = startPortal("forge-auto-merge-github", loadPortal);
  let server: GitHubTestServer;
  let restoreEnv: () => void;
  const deliveries: Request[] = [];

  beforeAll(async () => {
    server = await startTokenServer();
    seedGitHub(server, await demoHistory("payments-gitops"));
    server.protection.set("main", { requiredChecks: ["build"], requiredApprovals: 0, adminReadable: true });
    const repo = { owner: server.owner, repo: server.repo, repositoryUrl: server.repositoryUrl, defaultBranch: "main" };
    server.onEvent = (event) => {
      const p = event.pull;
      deliveries.push(asRequest(githubPullRequestClosed(repo, { number: p.number, head: p.head, headSha: p.headSha, base: p.base, merged: true, mergedAt: p.mergedAt, mergeCommitSha: p.mergeCommitSha }, { secret: SECRET, id: randomUUID() })));
    };
    restoreEnv = setEnv(githubEnv({ secret: SECRET, apiUrl: server.apiUrl }));
    await ctx.prisma.repository.create({ data: { name: "auto-github", provider: "github", url: server.repositoryUrl, defaultBranch: "main", team: "payments" } });
  });

  afterAll(async () => {
    // Every REST exchange fit GitHub's OpenAPI description and every GraphQL one its published schema.
    expect(server?.violations).toEqual([]);
    await server?.close();
    restoreEnv?.();
  });

  autoMergeFlow(ctx, () => ({
    repository: "auto-github",
    commitOnMain: (file, content) => server.git.commitFiles("main", { [file]: content }, "Unrelated commit"),
    startCi: (_n, sha) => server.reportChecks(sha, [{ name: "build", status: "in_progress", conclusion: null }]),
    passCi: (_n, sha) => server.reportChecks(sha, [{ name: "build", status: "completed", conclusion: "success" }]),
    autoMergeOn: (n) => !!server.pulls.get(n)?.autoMerge,
    merged: (n) => {
      const pull = server.pulls.get(n);
      return pull?.mergedAt ? { mergeCommitSha: pull.mergeCommitSha } : null;
    },
    deliveries,
    deliver: (request) => ctx.modules.githubWebhook(request),
  }));
});

describe("GitLab: merge when ready with auto_merge (merge when pipeline succeeds)", () => {
  const SECRET = "gl-auto-merge-token";
  const ctx = startPortal("forge-auto-merge-gitlab", loadPortal);
  let server: GitLabTestServer;
  let restoreEnv: () => void;
  const deliveries: Request[] = [];

  beforeAll(async () => {
    server = await GitLabTestServer.start();
    seedGitLab(server, await demoHistory("payments-gitops"));
    const project = { id: server.projectId, path: server.projectPath, webUrl: server.projectUrl };
    server.onEvent = (event) => {
      const mr = event.mergeRequest;
      const facts = { iid: mr.iid, title: mr.title, sourceBranch: mr.sourceBranch, targetBranch: mr.targetBranch, state: "merged" as const, action: "merge", mergeCommitSha: mr.mergeCommitSha, lastCommitSha: mr.finalSha };
      deliveries.push(asRequest(gitlabMergeRequestHook(project, facts, { token: SECRET, id: randomUUID() })));
    };
    restoreEnv = setEnv(gitlabEnv({ token: server.token, secret: SECRET, url: server.url }));
    await ctx.prisma.repository.create({ data: { name: "auto-gitlab", provider: "gitlab", url: server.projectUrl, defaultBranch: server.defaultBranch, team: "payments" } });
  });

  afterAll(async () => {
    expect(server?.shapeErrors).toEqual([]);
    await server?.close();
    restoreEnv?.();
  });

  autoMergeFlow(ctx, () => ({
    repository: "auto-gitlab",
    commitOnMain: (file, content) => void server.model.commitFiles(server.defaultBranch, { [file]: content }, "Unrelated commit"),
    startCi: (n) => server.setPipeline(n, "running"),
    passCi: (n) => server.setPipeline(n, "success"),
    autoMergeOn: (n) => !!server.mergeRequests.get(n)?.autoMergeBy,
    merged: (n) => {
      const mr = server.mergeRequests.get(n);
      return mr?.state === "merged" ? { mergeCommitSha: mr.mergeCommitSha } : null;
    },
    deliveries,
    deliver: (request) => ctx.modules.gitlabWebhook(request),
  }));
});
