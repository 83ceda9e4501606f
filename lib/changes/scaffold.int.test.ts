import path from "node:path";
import { symlink } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "@/lib/actions/domain-error";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { readCachedRepository } from "@/lib/sync/cached-repository";
import { mergeChange } from "./review-change";
import { openApp, previewApp } from "./scaffold-app";
import { appRequestSchema, tenantRequestSchema } from "./scaffold-request";
import { openTenant, previewTenant } from "./scaffold-tenant";
import { createWorld, git, registerRepository, type PromotionWorld } from "./testing/promotion-fixture";

// Onboarding and add-app end to end through openChange, on the real demo repositories (plain git) and Postgres.

const admin = { id: "u-admin", name: "Alex Admin", email: "alex@acme.example" };
const dana = { id: "u-dana", name: "Dana Developer", email: "dana@acme.example" };

let db: TestDatabase;
let prisma: PrismaClient;
let world: PromotionWorld;

const tenant = (over: Record<string, unknown> = {}) =>
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
    ...over,
  });

const app = (over: Record<string, unknown> = {}) =>
  appRequestSchema.parse({ repository: "payments-gitops", name: "refunds", team: "payments", image: "ghcr.io/acme/refunds", tag: "1.0.0", port: 8080, environments: ["dev", "staging", "production"], ...over });

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.connectionString;
  prisma = getPrisma();
  world = await createWorld();
  await registerRepository(prisma, "platform", path.join(world.repos, "platform"), null);
  await registerRepository(prisma, "payments-gitops", path.join(world.repos, "payments-gitops"), "payments");
}, 120_000);

afterAll(async () => {
  await disconnectPrisma();
  await db?.drop();
  await world?.cleanup();
});

describe("tenant onboarding", () => {
  it("previews every file, then opens one change request; onboarding again reuses it", async () => {
    const preview = await previewTenant(prisma, tenant());
    expect(preview.detectedPreset).toBe("argocd");
    expect(preview.branch).toBe("ferry/tenant/billing");
    expect(preview.plan.status === "changes" && preview.plan.changeSet.edits.map((e) => e.path)).toEqual([
      "argocd/applications/billing.yaml",
      "argocd/projects/billing.yaml",
      "tenants/billing/namespaces.yaml",
      "tenants/billing/rbac.yaml",
    ]);
    // The URLs the platform's manifests already use, not the local clone's path.
    expect(preview.plan.status === "changes" && preview.plan.changeSet.edits[0]!.content).toContain("repoURL: https://git.acme.example/payments/payments-gitops.git");

    const first = await openTenant(prisma, tenant({ expectedBaseSha: preview.baseSha }), admin);
    expect(first.status).toBe("opened");
    const again = await openTenant(prisma, tenant(), admin);
    expect(again).toMatchObject({ status: "identical", change: { id: "change" in first ? first.change.id : -1 } });
    const updated = await openTenant(prisma, tenant({ displayName: "Billing" }), admin);
    expect(updated).toMatchObject({ status: "updated", change: { id: "change" in first ? first.change.id : -1 } });
    expect(await prisma.changeRequest.count({ where: { branch: "ferry/tenant/billing" } })).toBe(1);
    const row = await prisma.changeRequest.findFirstOrThrow({ where: { branch: "ferry/tenant/billing" } });
    expect(row).toMatchObject({ kind: "TENANT", title: "Onboard tenant billing", authorId: admin.id });
    expect(await git(path.join(world.repos, "platform"), ["show", "ferry/tenant/billing:argocd/projects/billing.yaml"])).toContain("description: Billing");

    expect((await previewTenant(prisma, tenant())).existingChange?.id).toBe(row.id);

    await mergeChange(prisma, row.id, admin);
    const platform = await readCachedRepository(prisma, "platform");
    expect(platform?.model.teams.map((t) => t.name)).toContain("billing");
    expect(await prisma.team.findUnique({ where: { name: "billing" } })).not.toBeNull();
  });

  it("refuses an existing tenant and says where it is", async () => {
    const result = await openTenant(prisma, tenant({ name: "payments" }), admin);
    expect(result).toMatchObject({ status: "not-opened", plan: { status: "refused", location: { repository: "platform", path: "tenants/payments/" } } });
  });

  it("refuses a new repository, saying what to do", async () => {
    await expect(openTenant(prisma, tenant({ name: "newteam", apps: { repository: "newteam-gitops", path: "apps", newRepository: true } }), admin)).rejects.toThrow(DomainError);
    await expect(previewTenant(prisma, tenant({ name: "newteam", apps: { repository: "newteam-gitops", path: "apps" } }))).rejects.toThrow(/cannot create repository newteam-gitops.*Create it on your git server first, add it to Ferry's repositories/);
  });

  it("refuses writing under a symbolic link in the repository", async () => {
    const dir = path.join(world.repos, "platform");
    await symlink("/tmp", path.join(dir, "tenants", "linked"));
    await git(dir, ["add", "tenants/linked"]);
    await git(dir, ["commit", "-q", "-m", "a symlink"]);
    const preview = await previewTenant(prisma, tenant({ name: "linked" }));
    expect(preview.plan).toMatchObject({ status: "refused", reason: expect.stringMatching(/under "tenants\/linked", which is a symbolic link/) });
    const fresh = await previewTenant(prisma, tenant({ name: "fresh" }));
    expect(fresh.plan.status).toBe("changes");
  });
});

describe("add app", () => {
  it("opens one change request, the merged app reads back with a version per env", async () => {
    const preview = await previewApp(prisma, app());
    expect(preview.detectedPreset).toBe("argocd");
    expect(preview.plan.status === "changes" && preview.plan.changeSet.edits.map((e) => e.path)).toContain("argocd/refunds-production.yaml");
    const opened = await openApp(prisma, app(), dana);
    expect(opened.status).toBe("opened");
    expect(await openApp(prisma, app(), dana)).toMatchObject({ status: "identical" });
    const row = await prisma.changeRequest.findFirstOrThrow({ where: { branch: "ferry/app/refunds" } });
    expect(row).toMatchObject({ kind: "APP", appName: "refunds" });
    await mergeChange(prisma, row.id, admin);
    const repo = await readCachedRepository(prisma, "payments-gitops");
    expect(repo?.model.deployments.filter((d) => d.app === "refunds").map((d) => [d.env, d.versions[0]?.value])).toEqual([
      ["dev", "1.0.0"],
      ["staging", "1.0.0"],
      ["production", "1.0.0"],
    ]);
    expect(await prisma.app.findFirst({ where: { name: "refunds" }, select: { team: { select: { name: true } } } })).toMatchObject({ team: { name: "payments" } });
  });

  it("refuses an existing app with a link to it", async () => {
    expect(await openApp(prisma, app({ name: "checkout" }), dana)).toMatchObject({ status: "not-opened", plan: { status: "refused", location: { href: "/apps/payments-gitops/checkout" } } });
  });

  it("refuses an app of another team in a team's repository", async () => {
    await expect(previewApp(prisma, app({ name: "other", team: "search" }))).rejects.toThrow(/belongs to team payments/);
  });
});
