import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/db/generated/client";
import { startTokenServer } from "@/lib/scm/github/testing/connect";
import type { GitHubTestServer } from "@/lib/scm/github/testing/github-test-server";
import { GitLabTestServer } from "@/lib/scm/gitlab/testing/gitlab-test-server";
import { promotionRequestSchema } from "./promotion-request";
import { demoHistory, githubEnv, githubView, gitlabEnv, gitlabView, seedGitHub, seedGitLab, setEnv, startPortal, type ForgeView } from "./testing/forge-harness";

// Promotions through the portal's real code path (openPromotion → openChange → provider → octokit or
// gitbeaker) against the spec-validated forge test servers, with faults injected at the server:
// an answer that never comes (the forge acted or not), a lapsing write lock, a revoked token, a
// commit someone else pushed onto Ferry's branch. Requests are counted at the server.

const alice = { id: "u-alice", name: "Alice Example", email: "alice@acme.example" };
const promote = (repository: string, app: string) => promotionRequestSchema.parse({ repository, app, from: "staging", to: "production" });
const branchOf = (app: string) => `ferry/promote/${app}/production`;

interface Portal {
  openPromotion: typeof import("./open-promotion").openPromotion;
  syncRepositoryNow: typeof import("@/lib/sync/sync-now").syncRepositoryNow;
}
const loadPortal = async (): Promise<Portal> => ({
  openPromotion: (await import("./open-promotion")).openPromotion,
  syncRepositoryNow: (await import("@/lib/sync/sync-now")).syncRepositoryNow,
});

/** What the tests need from one forge's test server. */
interface FaultyForge extends ForgeView {
  provider: "github" | "gitlab";
  repository: string;
  /** The next request opening a change request never gets an answer; with "response" the forge opens it all the same. */
  hangOpen(hang: "request" | "response"): void;
  /** The token stops working from the next change request call on (opening it, and deleting the branch). */
  revokeAtOpen(): void;
  /** Someone pushes a commit onto `branch` with their own client. */
  pushByHand(branch: string): string;
  /** A commit lands on the default branch (so the next promotion rebuilds its branch on a new base). */
  moveMain(): void;
  /** Requests since index `from` (status null where the server does not record it). */
  since(from: number): { method: string; status: number | null; what: string }[];
  /** Writes a rebuild of an open change's branch costs (docs/github.md, docs/gitlab.md). */
  rebuildWrites: number;
  /** The body (description) of a change request on the forge. */
  bodyOf(number: number): string;
}

async function failure(promise: Promise<unknown>): Promise<{ error: Error; ms: number }> {
  const started = Date.now();
  const error = await promise.then(
    (result) => new Error(`expected the promotion to fail, got ${JSON.stringify((result as { status?: string }).status)}`),
    (e: unknown) => e as Error,
  );
  return { error, ms: Date.now() - started };
}

function faultFlow(label: string, forge: () => FaultyForge, ctx: { prisma: () => PrismaClient; portal: () => Portal }) {
  const counts: Record<string, unknown> = {};
  afterAll(() => console.info(`[forge-faults] ${label}: ${JSON.stringify(counts)}`));

  it("a change request the forge opened while its answer was lost is adopted: opened, exactly one, its body linking the change's page", async () => {
    const f = forge();
    f.hangOpen("response");
    const before = f.requests();
    const started = Date.now();
    const portalUrl = "https://ferry.example.com";
    const result = await ctx.portal().openPromotion(ctx.prisma(), promote(f.repository, "checkout"), alice, { portalUrl });
    counts.adoptMs = Date.now() - started;
    counts.adoptRequests = f.requests() - before;
    expect(result.status).toBe("opened");
    const open = f.changeRequests().filter((c) => /^open/.test(c.state));
    expect(open).toHaveLength(1);
    expect(open[0]?.branch).toBe(branchOf("checkout"));
    if (result.status !== "opened") return;
    expect(result.change.number).toBe(open[0]?.number);
    expect(result.change.url).toBe(f.changeUrl(open[0]?.number ?? 0));
    // The body links the change's own page in the portal (was the portal's front page), in the call that opened it.
    const body = f.bodyOf(result.change.number ?? 0);
    expect(body).toContain(`](${portalUrl}/changes/${result.change.id})`);
    expect(body).not.toContain(`](${portalUrl})`);
    expect((await ctx.prisma().changeRequest.findUniqueOrThrow({ where: { id: result.change.id } })).body).toBe(body);
    // One timeout (3 s) plus GitHub's write pacing (a write a second, a pull request per 3 s), not the
    // 30 s default or undici's 5-minute socket timeout.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("rebuilding the branch on a new base writes it once, with no request the forge refuses", async () => {
    const f = forge();
    f.moveMain();
    const before = f.requests();
    const result = await ctx.portal().openPromotion(ctx.prisma(), promote(f.repository, "checkout"), alice);
    expect(result.status).toBe("updated");
    const calls = f.since(before);
    counts.rebuild = calls.filter((c) => c.method !== "GET").map((c) => `${c.method} ${c.what} ${c.status}`);
    expect(calls.filter((c) => (c.status ?? 0) >= 400)).toEqual([]);
    expect(f.writes(before)).toBe(f.rebuildWrites);
    expect(f.changeRequests().filter((c) => /^open/.test(c.state))).toHaveLength(1);
  });

  it("a commit someone else pushed onto Ferry's branch is not force-pushed away", async () => {
    const f = forge();
    const theirs = f.pushByHand(branchOf("checkout"));
    f.moveMain();
    const before = f.requests();
    const { error } = await failure(ctx.portal().openPromotion(ctx.prisma(), promote(f.repository, "checkout"), alice));
    expect(error.message).toMatch(new RegExp(`Branch ${branchOf("checkout")} of ${f.repository} has a commit Ferry did not write \\(${theirs.slice(0, 12)}\\), so Ferry did not overwrite it`));
    expect(f.tip(branchOf("checkout"))).toBe(theirs);
    expect(f.writes(before)).toBe(0);
  });

  it("a token revoked mid-promotion: the message names the branch it left behind", async () => {
    const f = forge();
    f.revokeAtOpen();
    const { error } = await failure(ctx.portal().openPromotion(ctx.prisma(), promote(f.repository, "invoices"), alice));
    expect(f.tip(branchOf("invoices"))).not.toBeNull();
    expect(error.message).toMatch(new RegExp(`Branch ${branchOf("invoices")} was pushed but no change request was opened, and Ferry could not delete it`));
    expect(error.message).not.toMatch(/Nothing was changed/);
  });
}

/** A portal of its own per describe, with `env` set before any forge client is made. */
function portalWith(label: string, env: Record<string, string | undefined>) {
  const ctx = startPortal(label, loadPortal);
  let restore: (() => void) | undefined;
  beforeAll(() => {
    restore = setEnv(env);
  });
  afterAll(() => restore?.());
  return ctx;
}

function githubForge(server: GitHubTestServer, repository: string): FaultyForge {
  const DOCS = "https://docs.github.com/rest";
  return {
    provider: "github",
    repository,
    ...githubView(server),
    hangOpen: (hang) => server.failNext({ operationId: "pulls/create", hang }),
    revokeAtOpen: () => {
      server.failNext({ operationId: "pulls/create", status: 401, body: { message: "Bad credentials", documentation_url: DOCS } });
      server.failNext({ operationId: "git/delete-ref", status: 401, body: { message: "Bad credentials", documentation_url: DOCS } });
    },
    pushByHand: (branch) => server.git.commitFiles(branch, { "apps/checkout/production/hotfix.txt": "by hand\n" }, "Hotfix pushed by hand"),
    moveMain: () => {
      server.git.commitFiles("main", { [`docs/note-${Date.now()}.md`]: "moved\n" }, "Unrelated change");
    },
    since: (from) => server.requests.slice(from).map((r) => ({ method: r.method, status: r.status, what: r.operationId ?? r.path })),
    rebuildWrites: 4, // tree, commit, ref update, pull request update
    bodyOf: (number) => server.pulls.get(number)?.body ?? "",
  };
}

function gitlabForge(server: GitLabTestServer, repository: string): FaultyForge {
  return {
    provider: "gitlab",
    repository,
    ...gitlabView(server),
    hangOpen: (hang) => server.fail({ method: "POST", path: /merge_requests$/, times: 1, hang }),
    revokeAtOpen: () => {
      server.fail({ method: "POST", path: /merge_requests$/, times: 1, status: 401, body: { message: "401 Unauthorized" } });
      server.fail({ method: "DELETE", path: /repository\/branches\//, times: 1, status: 401, body: { message: "401 Unauthorized" } });
    },
    pushByHand: (branch) => server.model.commitFiles(branch, { "apps/checkout/production/hotfix.txt": "by hand\n" }, "Hotfix pushed by hand").id,
    moveMain: () => {
      server.model.commitFiles(server.defaultBranch, { [`docs/note-${Date.now()}.md`]: "moved\n" }, "Unrelated change");
    },
    // The GitLab test server records requests, not statuses: the write count says it.
    since: (from) => server.requests.slice(from).map((r) => ({ method: r.method, status: null, what: r.path })),
    rebuildWrites: 2, // one commits-API call (force), one merge request edit
    bodyOf: (iid) => server.mergeRequests.get(iid)?.description ?? "",
  };
}

describe("GitHub: faults during a promotion", () => {
  const ctx = portalWith("forge-faults-github", { FERRY_FORGE_TIMEOUT_SECONDS: "3" });
  let server: GitHubTestServer;
  let restoreEnv: () => void;
  beforeAll(async () => {
    server = await startTokenServer();
    seedGitHub(server, await demoHistory("payments-gitops"));
    restoreEnv = setEnv(githubEnv({ secret: "s", apiUrl: server.apiUrl }));
    await ctx.prisma.repository.create({ data: { name: "payments-github", provider: "github", url: server.repositoryUrl, defaultBranch: "main", team: "payments" } });
    await ctx.modules.syncRepositoryNow(ctx.prisma, "payments-github");
  });
  afterAll(async () => {
    expect(server?.violations).toEqual([]);
    await server?.close();
    restoreEnv?.();
  });
  faultFlow("github", () => githubForge(server, "payments-github"), { prisma: () => ctx.prisma, portal: () => ctx.modules });
});

describe("GitLab: faults during a promotion", () => {
  const ctx = portalWith("forge-faults-gitlab", { FERRY_FORGE_TIMEOUT_SECONDS: "3" });
  let server: GitLabTestServer;
  let restoreEnv: () => void;
  beforeAll(async () => {
    server = await GitLabTestServer.start();
    seedGitLab(server, await demoHistory("payments-gitops"));
    restoreEnv = setEnv(gitlabEnv({ token: server.token, secret: "s", url: server.url }));
    await ctx.prisma.repository.create({ data: { name: "payments-gitlab", provider: "gitlab", url: server.projectUrl, defaultBranch: server.defaultBranch, team: "payments" } });
    await ctx.modules.syncRepositoryNow(ctx.prisma, "payments-gitlab");
  });
  afterAll(async () => {
    expect(server?.shapeErrors).toEqual([]);
    await server?.close();
    restoreEnv?.();
  });
  faultFlow("gitlab", () => gitlabForge(server, "payments-gitlab"), { prisma: () => ctx.prisma, portal: () => ctx.modules });
});

describe("A write lock outlives the work it guards", () => {
  // The forge timeout (30 s) is longer than the lock's work limit (6 s; GitHub's write pacing brings the
  // pull request call at about 3 s): the lock, not the timeout, stops the work.
  const ctx = portalWith("forge-faults-lock", { FERRY_FORGE_TIMEOUT_SECONDS: undefined, FERRY_WRITE_LOCK_SECONDS: "6" });
  let server: GitHubTestServer;
  let restoreEnv: () => void;
  beforeAll(async () => {
    server = await startTokenServer();
    seedGitHub(server, await demoHistory("payments-gitops"));
    restoreEnv = setEnv(githubEnv({ secret: "s", apiUrl: server.apiUrl }));
    await ctx.prisma.repository.create({ data: { name: "payments-github", provider: "github", url: server.repositoryUrl, defaultBranch: "main", team: "payments" } });
    await ctx.modules.syncRepositoryNow(ctx.prisma, "payments-github");
  });
  afterAll(async () => {
    expect(server?.violations).toEqual([]);
    await server?.close();
    restoreEnv?.();
  });

  it("a promotion hung on the forge is stopped when its lock's time is up, and sends nothing after", async () => {
    server.failNext({ operationId: "pulls/create", hang: "request" });
    const { error, ms } = await failure(ctx.modules.openPromotion(ctx.prisma, promote("payments-github", "checkout"), alice));
    console.info(`[forge-faults] lock: stopped after ${ms} ms`);
    expect(error.message).toMatch(/the write lock on branch "ferry\/promote\/checkout\/production" was held for 6 s \(FERRY_WRITE_LOCK_SECONDS\)/);
    expect(error.message).toMatch(/Branch ferry\/promote\/checkout\/production was pushed but no change request was opened/);
    expect(ms).toBeGreaterThanOrEqual(6000);
    expect(ms).toBeLessThan(15_000);
    // Nothing of the stopped promotion reaches the forge afterwards (its cleanup was refused too).
    const settled = server.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(server.requests.length).toBe(settled);
    expect([...server.pulls.values()]).toHaveLength(0);
  });
});
