import { randomUUID } from "node:crypto";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { Version } from "@/lib/gitops/model";
import { startTokenServer } from "@/lib/scm/github/testing/connect";
import type { GitHubTestServer } from "@/lib/scm/github/testing/github-test-server";
import { GitLabTestServer } from "@/lib/scm/gitlab/testing/gitlab-test-server";
import { REFRESH_CHANGE, SYNC_ONE } from "@/lib/sync/worker";
import { promotionRequestSchema } from "./promotion-request";
import {
  demoHistory,
  githubEnv,
  githubView,
  gitlabEnv,
  gitlabView,
  seedGitHub,
  seedGitLab,
  setEnv,
  takeJobs as takeFrom,
  startPortal,
  type ForgeView,
} from "./testing/forge-harness";
import { githubPullRequestClosed, githubPush, gitlabMergeRequestHook, gitlabPushHook, type WebhookDelivery } from "./testing/forge-webhooks";

/** A delivery as the route handler receives it. */
function asRequest(delivery: WebhookDelivery): Request {
  return new Request(`http://ferry.test${delivery.path}`, { method: "POST", headers: delivery.headers, body: delivery.body });
}

// The whole promotion flow against each forge's local, spec-validated test server, through the
// portal's real code paths: Repository row → openScmRepository → sync → openPromotion → a reviewer
// merges on the forge → the forge's webhook hits the route handler → the queued jobs (read back
// from pg-boss, so what the route queued is what runs) refresh the change and sync the merge.
// Request counts are taken at the server: they are what a forge would bill against a rate limit.

const FILE = "apps/checkout/production/deployment.yaml";
const BRANCH = "ferry/promote/checkout/production";
const alice = { id: "u-alice", name: "Alice Example", email: "alice@acme.example" };
const promote = (repository: string, app: string) => promotionRequestSchema.parse({ repository, app, from: "staging", to: "production" });
const checkout = (repository: string) => promote(repository, "checkout");

let prisma: PrismaClient;
let portal: Portal;
/** A second queue client, only to read what the route handlers queued (the portal's own has no API for it). */
let jobs: PgBoss;

async function cell(repository: string, app: string, env: string) {
  const row = await prisma.deployment.findFirstOrThrow({ where: { app: { name: app, repository: { name: repository } }, environment: { name: env } } });
  return { ...row, versionValues: (row.versions as unknown as Version[]).map((v) => v.value) };
}

/** Jobs waiting in a queue (created or retrying). */
async function queued(): Promise<number> {
  return (await jobs.getQueueSize(SYNC_ONE)) + (await jobs.getQueueSize(REFRESH_CHANGE));
}

function takeJobs<T extends object>(name: string, run: (data: T) => Promise<void>): Promise<T[]> {
  return takeFrom(jobs, name, run);
}

/** What each describe needs from its forge; the flow itself is written once, below. */
interface Forge extends ForgeView {
  provider: "github" | "gitlab";
  repository: string;
  /** Most non-GET requests opening one promotion may cost (docs/github.md, docs/gitlab.md). */
  maxWrites: number;
  /** The forge's "change request was merged" delivery. */
  mergedDelivery(number: number, delivery: string, opts?: { forged?: boolean }): Request;
  /** The forge's push delivery for the default branch. */
  pushDelivery(before: string, after: string, delivery: string): Request;
  deliver(request: Request): Promise<Response>;
  /** The route's answer when a delivery queued exactly this work. */
  queuedReply(work: { refresh: number } | { sync: string }): Record<string, unknown>;
}

function forgeFlow(forge: () => Forge) {
  const counts: Record<string, number> = {};
  let f: Forge;
  let opened: { id: number; number: number; headSha: string };
  let mainBefore: string;

  beforeAll(() => {
    f = forge();
  });

  afterAll(() => {
    // Printed, not asserted beyond the budgets above: a record of what each step costs on the forge.
    console.info(`[forge-promotion] ${f.provider} request counts: ${JSON.stringify(counts)}`);
  });

  it("syncs the demo content: apps, deployments and files match the forge", async () => {
    const before = f.requests();
    const result = await portal.syncRepositoryNow(prisma, f.repository);
    counts.firstSync = f.requests() - before;
    expect(result).toMatchObject({ status: "synced", headSha: f.mainSha() });

    const files = await prisma.repositoryFile.findMany({ where: { repository: { name: f.repository } }, select: { path: true, blobSha: true } });
    expect(new Map(files.map((r) => [r.path, r.blobSha]))).toEqual(f.files(f.mainSha()));
    const apps = await prisma.app.findMany({ where: { repository: { name: f.repository } }, select: { name: true }, orderBy: { name: "asc" } });
    expect(apps.map((a) => a.name)).toEqual(["checkout", "invoices", "ledger"]);
    const production = await cell(f.repository, "checkout", "production");
    expect(production.versionValues).toEqual(["2.3.1"]);
    expect(production.drift).toBe("behind");
    const staging = await cell(f.repository, "checkout", "staging");
    expect(staging.versionValues).toEqual(["2.4.0"]);
    // "Last changed by" comes from the forge's history of each folder: the replayed demo commits.
    expect(production.lastCommitBy).toBe("Jonas Weber");
    expect(staging.lastCommitBy).toBe("Liam O'Connor");
    expect((await cell(f.repository, "ledger", "production")).versionValues).toEqual(["1.8.2"]);
  });

  it("an idle re-sync costs one git fetch that brings nothing: at most two requests", async () => {
    const before = f.requests();
    expect(await portal.syncRepositoryNow(prisma, f.repository)).toMatchObject({ status: "unchanged" });
    counts.idleSync = f.requests() - before;
    expect(counts.idleSync).toBeLessThanOrEqual(2);
  });

  it("opens the promotion on the forge: one branch, one commit changing one file, one change request", async () => {
    mainBefore = f.mainSha();
    const before = f.requests();
    const result = await portal.openPromotion(prisma, checkout(f.repository), alice);
    counts.openRequests = f.requests() - before;
    counts.openWrites = f.writes(before);
    expect(result.status).toBe("opened");
    if (result.status !== "opened") return;
    expect(counts.openWrites).toBeLessThanOrEqual(f.maxWrites);

    const onForge = f.changeRequests();
    expect(onForge).toHaveLength(1);
    const number = onForge[0]?.number ?? -1;
    expect(onForge[0]?.state).toMatch(/^open/);
    const row = await prisma.changeRequest.findUniqueOrThrow({ where: { id: result.change.id } });
    const tip = f.tip(BRANCH);
    expect(tip).not.toBeNull();
    expect(row).toMatchObject({ state: "OPEN", kind: "PROMOTION", number, url: f.changeUrl(number), branch: BRANCH, baseSha: mainBefore, headSha: tip, appName: "checkout" });
    // The portal-wide name carries the repository, in the forge's cross-reference syntax.
    expect(result.change).toEqual({ id: row.id, number, url: f.changeUrl(number), label: expect.stringMatching(new RegExp(`^payments-git(hub#|lab!)${number}$`)) });

    const head = tip ?? "";
    expect(f.parents(head)).toEqual([mainBefore]);
    const [base, branch] = [f.files(mainBefore), f.files(head)];
    const changed = [...new Set([...base.keys(), ...branch.keys()])].filter((p) => base.get(p) !== branch.get(p));
    expect(changed).toEqual([FILE]);
    const old = f.content(mainBefore, FILE);
    expect(old).toContain("image: ghcr.io/acme/checkout:2.3.1");
    expect(f.content(head, FILE)).toBe(old.replace("image: ghcr.io/acme/checkout:2.3.1", "image: ghcr.io/acme/checkout:2.4.0"));
    expect(f.mainSha()).toBe(mainBefore);
    opened = { id: row.id, number, headSha: head };
  });

  it("promoting again is identical: no write, no second change request", async () => {
    const before = f.requests();
    const again = await portal.openPromotion(prisma, checkout(f.repository), alice);
    counts.identicalRequests = f.requests() - before;
    expect(again.status).toBe("identical");
    if (again.status === "identical") expect(again.change.id).toBe(opened.id);
    expect(f.writes(before)).toBe(0);
    expect(f.changeRequests()).toHaveLength(1);
    expect(f.tip(BRANCH)).toBe(opened.headSha);
  });

  it("a forged delivery is refused with 401 and queues nothing", async () => {
    const queuedBefore = await queued();
    const deliveriesBefore = await prisma.webhookDelivery.count();
    const forged = await f.deliver(f.mergedDelivery(opened.number, randomUUID(), { forged: true }));
    expect(forged.status).toBe(401);
    expect(await queued()).toBe(queuedBefore);
    expect(await prisma.webhookDelivery.count()).toBe(deliveriesBefore);
  });

  it("merged on the forge → signed webhook (replayed once) → one refresh job → the row is MERGED", async () => {
    await f.mergeOnForge(opened.number, opened.headSha);
    const mainAfter = f.mainSha();
    expect(mainAfter).not.toBe(mainBefore);
    // The portal has not heard of the merge yet.
    expect(await prisma.changeRequest.findUniqueOrThrow({ where: { id: opened.id } })).toMatchObject({ state: "OPEN" });

    const delivery = randomUUID();
    const first = await f.deliver(f.mergedDelivery(opened.number, delivery));
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual(f.queuedReply({ refresh: opened.number }));
    const replay = await f.deliver(f.mergedDelivery(opened.number, delivery));
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject(f.provider === "github" ? { duplicate: true } : { status: "duplicate" });

    const before = f.requests();
    const refreshed: { state: string; newlyMerged: boolean }[] = [];
    const taken = await takeJobs<{ repository: string; number: number }>(REFRESH_CHANGE, async (job) => {
      const result = await portal.refreshChangeRequest(prisma, job.repository, job.number);
      if (result) refreshed.push(result);
    });
    counts.refreshRequests = f.requests() - before;
    // Processed once: the replay queued nothing.
    expect(taken).toEqual([{ repository: f.repository, number: opened.number }]);
    expect(refreshed).toEqual([{ id: opened.id, state: "MERGED", newlyMerged: true }]);
    expect(await prisma.changeRequest.findUniqueOrThrow({ where: { id: opened.id } })).toMatchObject({
      state: "MERGED",
      mergedAt: expect.any(Date),
      mergeCommitSha: mainAfter,
      headSha: opened.headSha,
    });
    expect(await queued()).toBe(0);
  });

  it("the push webhook queues one sync, which shows checkout 2.4.0 in production", async () => {
    // Still the old version: it is the push's sync that moves the cache.
    expect((await cell(f.repository, "checkout", "production")).versionValues).toEqual(["2.3.1"]);
    const mainAfter = f.mainSha();
    const pushed = await f.deliver(f.pushDelivery(mainBefore, mainAfter, randomUUID()));
    expect(pushed.status).toBe(202);
    expect(await pushed.json()).toEqual(f.queuedReply({ sync: f.repository }));

    const before = f.requests();
    const taken = await takeJobs<{ repository: string }>(SYNC_ONE, async (job) => {
      expect(await portal.syncRepositoryNow(prisma, job.repository)).toMatchObject({ status: "synced", headSha: mainAfter, changedFiles: 1 });
    });
    counts.pushSync = f.requests() - before;
    expect(taken).toEqual([{ repository: f.repository }]);
    const production = await cell(f.repository, "checkout", "production");
    expect(production.versionValues).toEqual(["2.4.0"]);
    expect(production.drift).toBe("same");
    expect(await prisma.repository.findUniqueOrThrow({ where: { name: f.repository } })).toMatchObject({ headSha: mainAfter, syncError: null });
    // Nothing left to promote.
    expect((await portal.openPromotion(prisma, checkout(f.repository), alice)).status).toBe("up-to-date");
  });

  it("a change request closed on the forge without a webhook is not reused: promoting again opens a new one", async () => {
    const first = await portal.openPromotion(prisma, promote(f.repository, "invoices"), alice);
    if (first.status !== "opened" || first.change.number === null) throw new Error(`expected an opened change, got ${first.status}`);
    await f.closeOnForge(first.change.number);
    // The portal missed the close (no webhook): its row still says OPEN.
    expect(await prisma.changeRequest.findUniqueOrThrow({ where: { id: first.change.id } })).toMatchObject({ state: "OPEN" });

    const again = await portal.openPromotion(prisma, promote(f.repository, "invoices"), alice);
    expect(again.status).toBe("opened");
    if (again.status !== "opened") return;
    expect(again.change.number).not.toBe(first.change.number);
    expect(f.changeRequests().filter((c) => /^open/.test(c.state)).map((c) => c.number)).toEqual([again.change.number]);
    expect(await prisma.changeRequest.findUniqueOrThrow({ where: { id: first.change.id } })).toMatchObject({ state: "CLOSED", closedAt: expect.any(Date) });
    expect(await prisma.changeRequest.findUniqueOrThrow({ where: { id: again.change.id } })).toMatchObject({ state: "OPEN", number: again.change.number, headSha: f.tip("ferry/promote/invoices/production") });
  });
}

/** The portal modules the flow drives, loaded afresh for each forge (see startPortal in the harness). */
interface Portal {
  syncRepositoryNow: typeof import("@/lib/sync/sync-now").syncRepositoryNow;
  openPromotion: typeof import("./open-promotion").openPromotion;
  refreshChangeRequest: typeof import("./refresh-change").refreshChangeRequest;
  githubWebhook: typeof import("@/app/api/webhooks/github/route").POST;
  gitlabWebhook: typeof import("@/app/api/webhooks/gitlab/route").POST;
}

async function loadPortal(): Promise<Portal> {
  const [syncNow, promotion, refresh, githubRoute, gitlabRoute] = await Promise.all([
    import("@/lib/sync/sync-now"),
    import("./open-promotion"),
    import("./refresh-change"),
    import("@/app/api/webhooks/github/route"),
    import("@/app/api/webhooks/gitlab/route"),
  ]);
  return {
    syncRepositoryNow: syncNow.syncRepositoryNow,
    openPromotion: promotion.openPromotion,
    refreshChangeRequest: refresh.refreshChangeRequest,
    githubWebhook: githubRoute.POST,
    gitlabWebhook: gitlabRoute.POST,
  };
}

/** A portal process and database of its own for this describe; registered first, so torn down last. */
function portalForForge() {
  const ctx = startPortal("forge-promotion", loadPortal);
  beforeAll(() => {
    portal = ctx.modules;
    prisma = ctx.prisma;
    jobs = ctx.jobs;
  });
}

describe("GitHub: promotion through the test server", () => {
  const SECRET = "gh-webhook-secret-for-forge-flow";
  let server: GitHubTestServer;
  let restoreEnv: () => void;
  portalForForge();

  const githubRepo = () => ({ owner: server.owner, repo: server.repo, repositoryUrl: server.repositoryUrl, defaultBranch: "main" });

  beforeAll(async () => {
    server = await startTokenServer();
    seedGitHub(server, await demoHistory("payments-gitops"));
    restoreEnv = setEnv(githubEnv({ secret: SECRET, apiUrl: server.apiUrl }));
    await prisma.repository.create({ data: { name: "payments-github", provider: "github", url: server.repositoryUrl, defaultBranch: "main", team: "payments" } });
  });

  afterAll(async () => {
    // Every request and every response was valid against GitHub's OpenAPI description.
    expect(server?.violations).toEqual([]);
    await server?.close();
    restoreEnv?.();
  });

  forgeFlow(() => ({
    provider: "github",
    repository: "payments-github",
    maxWrites: 5,
    ...githubView(server),
    mergedDelivery: (number, delivery, opts = {}) => {
      const pull = server.pulls.get(number);
      const facts = { number, head: pull?.head ?? "", headSha: pull?.headSha ?? "", base: "main", merged: true, mergedAt: pull?.mergedAt ?? null, mergeCommitSha: pull?.mergeCommitSha ?? null };
      return asRequest(githubPullRequestClosed(githubRepo(), facts, { secret: opts.forged ? "not-the-secret" : SECRET, id: delivery }));
    },
    pushDelivery: (before, after, delivery) => asRequest(githubPush(githubRepo(), "main", before, after, { secret: SECRET, id: delivery })),
    deliver: (request) => portal.githubWebhook(request),
    queuedReply: () => ({ accepted: true, jobs: 1 }),
  }));
});

describe("GitLab: promotion through the test server", () => {
  const SECRET = "gl-webhook-token-for-forge-flow";
  let server: GitLabTestServer;
  let restoreEnv: () => void;
  portalForForge();

  const project = () => ({ id: 42, path: server.projectPath, webUrl: server.projectUrl });

  beforeAll(async () => {
    server = await GitLabTestServer.start();
    seedGitLab(server, await demoHistory("payments-gitops"));
    restoreEnv = setEnv(gitlabEnv({ token: server.token, secret: SECRET, url: server.url }));
    await prisma.repository.create({ data: { name: "payments-gitlab", provider: "gitlab", url: server.projectUrl, defaultBranch: server.defaultBranch, team: "payments" } });
  });

  afterAll(async () => {
    // Every body the server sent matched GitLab's documented shapes.
    expect(server?.shapeErrors).toEqual([]);
    await server?.close();
    restoreEnv?.();
  });

  forgeFlow(() => ({
    provider: "gitlab",
    repository: "payments-gitlab",
    maxWrites: 2,
    ...gitlabView(server),
    mergedDelivery: (iid, delivery, opts = {}) => {
      const mr = server.mergeRequests.get(iid);
      const facts = { iid, title: mr?.title ?? "", sourceBranch: mr?.sourceBranch ?? "", targetBranch: server.defaultBranch, state: "merged" as const, action: "merge", mergeCommitSha: mr?.mergeCommitSha ?? null, lastCommitSha: mr?.finalSha ?? null };
      return asRequest(gitlabMergeRequestHook(project(), facts, { token: opts.forged ? "not-the-token" : SECRET, id: delivery }));
    },
    pushDelivery: (before, after, delivery) => asRequest(gitlabPushHook(project(), server.defaultBranch, before, after, { token: SECRET, id: delivery })),
    deliver: (request) => portal.gitlabWebhook(request),
    queuedReply: (work) =>
      "refresh" in work
        ? { status: "queued", syncs: [], refreshes: [{ repository: "payments-gitlab", number: work.refresh }] }
        : { status: "queued", syncs: [work.sync], refreshes: [] },
  }));
});
