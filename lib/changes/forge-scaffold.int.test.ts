import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { Version } from "@/lib/gitops/model";
import type { FileEdit } from "@/lib/gitops/change-set";
import { TEST_TOKEN } from "@/lib/scm/github/testing/connect";
import { GitHubTestServer } from "@/lib/scm/github/testing/github-test-server";
import { GitLabTestServer } from "@/lib/scm/gitlab/testing/gitlab-test-server";
import { appRequestSchema, tenantRequestSchema } from "./scaffold-request";
import {
  changedPaths,
  demoHistory,
  githubEnv,
  githubView,
  gitlabEnv,
  gitlabView,
  seedGitHub,
  seedGitLab,
  setEnv,
  startPortal,
  type ForgeView,
} from "./testing/forge-harness";

// Adding an app and onboarding a tenant against each forge's local test server, through the portal's
// real code paths (openScmRepository → octokit/gitbeaker → server). Each test server hosts one
// repository, so each forge runs two of them: payments-gitops and platform, seeded with the demo
// content. No FERRY_GITHUB_API_URL / FERRY_GITLAB_URL is set: each repository's API is found at its
// own address's origin, as on a self-managed instance.

const APP_BRANCH = "ferry/app/refunds";
const TENANT_BRANCH = "ferry/tenant/billing";
const ENVS = ["dev", "staging", "production"];
const dana = { id: "u-dana", name: "Dana Developer", email: "dana@acme.example" };
const admin = { id: "u-admin", name: "Alex Admin", email: "alex@acme.example" };

const app = () =>
  appRequestSchema.parse({ repository: "payments-gitops", name: "refunds", team: "payments", image: "ghcr.io/acme/refunds", tag: "1.0.0", port: 8080, environments: ENVS });

const tenant = () =>
  tenantRequestSchema.parse({
    repository: "platform",
    name: "billing",
    displayName: "Billing & Invoicing",
    owners: "dana, alex@acme.example",
    environments: [
      { name: "dev", cluster: "https://kubernetes.default.svc", namespace: "billing-dev" },
      { name: "production", cluster: "https://kubernetes.default.svc", namespace: "billing-production" },
    ],
    apps: { repository: "payments-gitops", path: "argocd" },
  });

interface Portal {
  syncRepositoryNow: typeof import("@/lib/sync/sync-now").syncRepositoryNow;
  refreshChangeRequest: typeof import("./refresh-change").refreshChangeRequest;
  openApp: typeof import("./scaffold-app").openApp;
  previewApp: typeof import("./scaffold-app").previewApp;
  openTenant: typeof import("./scaffold-tenant").openTenant;
  previewTenant: typeof import("./scaffold-tenant").previewTenant;
  readCachedRepository: typeof import("@/lib/sync/cached-repository").readCachedRepository;
}

async function loadPortal(): Promise<Portal> {
  const [syncNow, refresh, scaffoldApp, scaffoldTenant, cached] = await Promise.all([
    import("@/lib/sync/sync-now"),
    import("./refresh-change"),
    import("./scaffold-app"),
    import("./scaffold-tenant"),
    import("@/lib/sync/cached-repository"),
  ]);
  return {
    syncRepositoryNow: syncNow.syncRepositoryNow,
    refreshChangeRequest: refresh.refreshChangeRequest,
    openApp: scaffoldApp.openApp,
    previewApp: scaffoldApp.previewApp,
    openTenant: scaffoldTenant.openTenant,
    previewTenant: scaffoldTenant.previewTenant,
    readCachedRepository: cached.readCachedRepository,
  };
}

/** What each describe provides: the two repositories on its forge. */
interface Forge {
  provider: "github" | "gitlab";
  payments: ForgeView;
  platform: ForgeView;
}

/** Files the plan writes, path → content (scaffolds only create files). */
function planned(edits: FileEdit[]): Map<string, string | null> {
  return new Map(edits.map((e) => [e.path, e.content]));
}

function scaffoldFlow(portalOf: () => { modules: Portal; prisma: PrismaClient }, forge: () => Forge) {
  const counts: Record<string, number> = {};
  let f: Forge;
  let portal: Portal;
  let prisma: PrismaClient;
  let openedApp: { id: number; number: number; headSha: string; baseSha: string };

  beforeAll(() => {
    f = forge();
    ({ modules: portal, prisma } = portalOf());
  });

  afterAll(() => {
    console.info(`[forge-scaffold] ${f.provider} request counts: ${JSON.stringify(counts)}`);
  });

  it("syncs both demo repositories", async () => {
    expect(await portal.syncRepositoryNow(prisma, "payments-gitops")).toMatchObject({ status: "synced", headSha: f.payments.mainSha() });
    expect(await portal.syncRepositoryNow(prisma, "platform")).toMatchObject({ status: "synced", headSha: f.platform.mainSha() });
    expect((await prisma.app.findMany({ where: { repository: { name: "payments-gitops" } }, select: { name: true }, orderBy: { name: "asc" } })).map((a) => a.name)).toEqual([
      "checkout",
      "invoices",
      "ledger",
    ]);
  });

  it("openApp opens one change request whose commit adds exactly the planned files; again is identical", async () => {
    const preview = await portal.previewApp(prisma, app());
    expect(preview.detectedPreset).toBe("argocd");
    expect(preview.existingChange).toBeNull();
    if (preview.plan.status !== "changes") throw new Error(`expected changes, got ${preview.plan.reason}`);
    const expected = planned(preview.plan.changeSet.edits);
    expect(preview.plan.changeSet.edits.every((e) => e.action === "create")).toBe(true);
    // The planned files: the app's folders per env and one Argo CD Application per env, nothing else.
    expect([...expected.keys()].every((p) => ENVS.some((env) => p.startsWith(`apps/refunds/${env}/`) || p === `argocd/refunds-${env}.yaml`))).toBe(true);
    for (const env of ENVS) {
      expect(expected.has(`argocd/refunds-${env}.yaml`)).toBe(true);
      expect([...expected.keys()].some((p) => p.startsWith(`apps/refunds/${env}/`))).toBe(true);
    }

    const mainBefore = f.payments.mainSha();
    expect(preview.baseSha).toBe(mainBefore);
    const before = f.payments.requests();
    const result = await portal.openApp(prisma, { ...app(), expectedBaseSha: preview.baseSha }, dana);
    counts.openAppRequests = f.payments.requests() - before;
    counts.openAppWrites = f.payments.writes(before);
    expect(result.status).toBe("opened");
    if (result.status !== "opened") return;

    const onForge = f.payments.changeRequests();
    expect(onForge).toHaveLength(1);
    expect(onForge[0]).toMatchObject({ state: expect.stringMatching(/^open/), branch: APP_BRANCH });
    const number = onForge[0]?.number ?? -1;
    const tip = f.payments.tip(APP_BRANCH);
    expect(tip).not.toBeNull();
    const head = tip ?? "";
    expect(f.payments.parents(head)).toEqual([mainBefore]);
    expect(changedPaths(f.payments, mainBefore, head)).toEqual([...expected.keys()].sort());
    for (const [file, content] of expected) expect(f.payments.content(head, file)).toBe(content);
    expect(f.payments.mainSha()).toBe(mainBefore);

    const row = await prisma.changeRequest.findUniqueOrThrow({ where: { id: result.change.id } });
    expect(row).toMatchObject({ state: "OPEN", kind: "APP", appName: "refunds", number, url: f.payments.changeUrl(number), branch: APP_BRANCH, baseSha: mainBefore, headSha: head, authorId: dana.id });
    expect(result.change).toEqual({ id: row.id, number, url: f.payments.changeUrl(number), label: `payments-gitops${f.provider === "gitlab" ? "!" : "#"}${number}` });
    openedApp = { id: row.id, number, headSha: head, baseSha: mainBefore };

    const againFrom = f.payments.requests();
    const again = await portal.openApp(prisma, app(), dana);
    counts.identicalAppRequests = f.payments.requests() - againFrom;
    expect(again).toMatchObject({ status: "identical", change: { id: row.id } });
    expect(f.payments.writes(againFrom)).toBe(0);
    expect(f.payments.changeRequests()).toHaveLength(1);
    expect(f.payments.tip(APP_BRANCH)).toBe(head);
    expect((await portal.previewApp(prisma, app())).existingChange).toEqual({ id: row.id, number, url: f.payments.changeUrl(number) });
  });

  it("merged on the forge and synced: refunds is in the cache with 1.0.0 in each env", async () => {
    await f.payments.mergeOnForge(openedApp.number, openedApp.headSha);
    const mainAfter = f.payments.mainSha();
    expect(f.payments.parents(mainAfter)).toEqual([openedApp.baseSha, openedApp.headSha]);

    expect(await portal.refreshChangeRequest(prisma, "payments-gitops", openedApp.number)).toEqual({ id: openedApp.id, state: "MERGED", newlyMerged: true });
    const before = f.payments.requests();
    expect(await portal.syncRepositoryNow(prisma, "payments-gitops")).toMatchObject({ status: "synced", headSha: mainAfter });
    counts.mergeSync = f.payments.requests() - before;

    const repo = await portal.readCachedRepository(prisma, "payments-gitops");
    expect(repo?.model.deployments.filter((d) => d.app === "refunds").map((d) => [d.env, d.versions[0]?.value])).toEqual(ENVS.map((env) => [env, "1.0.0"]));
    const rows = await prisma.deployment.findMany({ where: { app: { name: "refunds", repository: { name: "payments-gitops" } } }, select: { versions: true, environment: { select: { name: true } } } });
    expect(new Map(rows.map((r) => [r.environment.name, (r.versions as unknown as Version[]).map((v) => v.value)]))).toEqual(new Map(ENVS.map((env) => [env, ["1.0.0"]])));
    expect(await prisma.app.findFirst({ where: { name: "refunds" }, select: { team: { select: { name: true } } } })).toMatchObject({ team: { name: "payments" } });
    // Nothing left to add.
    expect(await portal.openApp(prisma, app(), dana)).toMatchObject({ status: "not-opened", plan: { status: "refused" } });
  });

  it("openTenant on the platform repository opens one change request with exactly the planned files", async () => {
    const preview = await portal.previewTenant(prisma, tenant());
    expect(preview.detectedPreset).toBe("argocd");
    if (preview.plan.status !== "changes") throw new Error(`expected changes, got ${preview.plan.reason}`);
    const expected = planned(preview.plan.changeSet.edits);
    expect([...expected.keys()]).toEqual(["argocd/applications/billing.yaml", "argocd/projects/billing.yaml", "tenants/billing/namespaces.yaml", "tenants/billing/rbac.yaml"]);

    const mainBefore = f.platform.mainSha();
    const paymentsWrites = f.payments.requests();
    const before = f.platform.requests();
    const result = await portal.openTenant(prisma, { ...tenant(), expectedBaseSha: preview.baseSha }, admin);
    counts.openTenantRequests = f.platform.requests() - before;
    counts.openTenantWrites = f.platform.writes(before);
    expect(result.status).toBe("opened");
    if (result.status !== "opened") return;
    // The apps repository is only read from the cache: nothing is written there.
    expect(f.payments.writes(paymentsWrites)).toBe(0);

    const onForge = f.platform.changeRequests();
    expect(onForge).toHaveLength(1);
    expect(onForge[0]).toMatchObject({ state: expect.stringMatching(/^open/), branch: TENANT_BRANCH });
    const number = onForge[0]?.number ?? -1;
    const head = f.platform.tip(TENANT_BRANCH) ?? "";
    expect(f.platform.parents(head)).toEqual([mainBefore]);
    expect(changedPaths(f.platform, mainBefore, head)).toEqual([...expected.keys()].sort());
    for (const [file, content] of expected) expect(f.platform.content(head, file)).toBe(content);

    const row = await prisma.changeRequest.findUniqueOrThrow({ where: { id: result.change.id } });
    expect(row).toMatchObject({ state: "OPEN", kind: "TENANT", title: "Onboard tenant billing", number, url: f.platform.changeUrl(number), branch: TENANT_BRANCH, headSha: head, authorId: admin.id });

    const againFrom = f.platform.requests();
    expect(await portal.openTenant(prisma, tenant(), admin)).toMatchObject({ status: "identical", change: { id: row.id } });
    expect(f.platform.writes(againFrom)).toBe(0);
    expect(f.platform.changeRequests()).toHaveLength(1);

    // Merged and synced, the tenant is in the platform model.
    await f.platform.mergeOnForge(number, head);
    expect(await portal.syncRepositoryNow(prisma, "platform")).toMatchObject({ status: "synced", headSha: f.platform.mainSha() });
    const platform = await portal.readCachedRepository(prisma, "platform");
    expect(platform?.model.teams.map((t) => t.name)).toContain("billing");
  });
}

describe("GitHub: scaffolding through the test servers", () => {
  const ctx = startPortal("forge-scaffold", loadPortal);
  let payments: GitHubTestServer;
  let platform: GitHubTestServer;
  let restoreEnv: () => void;

  beforeAll(async () => {
    const auth = { kind: "token", token: TEST_TOKEN } as const;
    [payments, platform] = await Promise.all([GitHubTestServer.start({ repo: "payments-gitops", auth }), GitHubTestServer.start({ repo: "platform", auth })]);
    seedGitHub(payments, await demoHistory("payments-gitops"));
    seedGitHub(platform, await demoHistory("platform"));
    restoreEnv = setEnv(githubEnv({ secret: "gh-webhook-secret-for-scaffold" }));
    await ctx.prisma.repository.create({ data: { name: "payments-gitops", provider: "github", url: payments.repositoryUrl, defaultBranch: "main", team: "payments" } });
    await ctx.prisma.repository.create({ data: { name: "platform", provider: "github", url: platform.repositoryUrl, defaultBranch: "main" } });
  });

  afterAll(async () => {
    // Every request and every response was valid against GitHub's OpenAPI description.
    expect(payments?.violations).toEqual([]);
    expect(platform?.violations).toEqual([]);
    await Promise.all([payments?.close(), platform?.close()]);
    restoreEnv?.();
  });

  scaffoldFlow(
    () => ctx,
    () => ({ provider: "github", payments: githubView(payments), platform: githubView(platform) }),
  );
});

describe("GitLab: scaffolding through the test servers", () => {
  const ctx = startPortal("forge-scaffold", loadPortal);
  let payments: GitLabTestServer;
  let platform: GitLabTestServer;
  let restoreEnv: () => void;

  beforeAll(async () => {
    const token = "glpat-scaffold-token-0123456789";
    [payments, platform] = await Promise.all([
      GitLabTestServer.start({ projectPath: "acme/payments/payments-gitops", token }),
      GitLabTestServer.start({ projectPath: "acme/platform/platform", token }),
    ]);
    seedGitLab(payments, await demoHistory("payments-gitops"));
    seedGitLab(platform, await demoHistory("platform"));
    restoreEnv = setEnv(gitlabEnv({ token, secret: "gl-webhook-token-for-scaffold" }));
    await ctx.prisma.repository.create({ data: { name: "payments-gitops", provider: "gitlab", url: payments.projectUrl, defaultBranch: payments.defaultBranch, team: "payments" } });
    await ctx.prisma.repository.create({ data: { name: "platform", provider: "gitlab", url: platform.projectUrl, defaultBranch: platform.defaultBranch } });
  });

  afterAll(async () => {
    // Every body the servers sent matched GitLab's documented shapes.
    expect(payments?.shapeErrors).toEqual([]);
    expect(platform?.shapeErrors).toEqual([]);
    await Promise.all([payments?.close(), platform?.close()]);
    restoreEnv?.();
  });

  scaffoldFlow(
    () => ctx,
    () => ({ provider: "gitlab", payments: gitlabView(payments), platform: gitlabView(platform) }),
  );
});
