import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeResource } from "@/lib/actions/changes/review-change";
import { authorize, type UserActor } from "@/lib/auth/policy";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { openApp, previewApp } from "./scaffold-app";
import { appRequestSchema, tenantRequestSchema } from "./scaffold-request";
import { openTenant, previewTenant } from "./scaffold-tenant";
import { createWorld, git, registerRepository, type PromotionWorld } from "./testing/promotion-fixture";

// Issue #14: a scaffold change request holds exactly the previewed files (defect 2), and an add-app
// change in a repository of several teams belongs to the team the form named (defect 3).

const admin = { id: "u-admin", name: "Alex Admin", email: "alex@acme.example" };
const sam = { id: "u-sam", name: "Sam Searcher", email: "sam@acme.example" };

const user = (id: string, teams: string[], role: UserActor["role"] = "DEVELOPER"): UserActor => ({ kind: "user", id, name: id, email: `${id}@acme.example`, role, teams });

let db: TestDatabase;
let prisma: PrismaClient;
let world: PromotionWorld;

const tenant = (over: Record<string, unknown> = {}) =>
  tenantRequestSchema.parse({
    repository: "platform",
    name: "billing",
    displayName: "Billing",
    owners: "alex",
    environments: [{ name: "dev", cluster: "https://kubernetes.default.svc", namespace: "billing-dev" }],
    apps: { repository: "payments-gitops", path: "argocd" },
    ...over,
  });

const app = (over: Record<string, unknown> = {}) =>
  appRequestSchema.parse({ repository: "payments-gitops", name: "refunds", team: "payments", image: "ghcr.io/acme/refunds", tag: "1.0.0", port: 8080, environments: ["dev", "staging"], ...over });

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.connectionString;
  prisma = getPrisma();
  world = await createWorld();
  await registerRepository(prisma, "platform", path.join(world.repos, "platform"), null);
  await registerRepository(prisma, "payments-gitops", path.join(world.repos, "payments-gitops"), "payments");
  // fleet holds the apps of two teams (identity and search): the repository itself belongs to none.
  await registerRepository(prisma, "fleet", path.join(world.repos, "fleet"), null);
}, 120_000);

afterAll(async () => {
  await disconnectPrisma();
  await db?.drop();
  await world?.cleanup();
});

const branches = async (repo: string) => (await git(path.join(world.repos, repo), ["branch", "--list", "ferry/*"])).split("\n").map((b) => b.replace(/^[*+ ]+/, "").trim()).filter(Boolean);

describe("a scaffold change request holds exactly what was previewed", () => {
  it("the preview fingerprints its files; the same request with that fingerprint opens", async () => {
    const preview = await previewApp(prisma, app());
    expect(preview.planDigest).toMatch(/^[0-9a-f]{64}$/);
    expect((await previewApp(prisma, app())).planDigest).toBe(preview.planDigest);
    expect((await previewApp(prisma, app({ tag: "1.0.1" }))).planDigest).not.toBe(preview.planDigest);
    const opened = await openApp(prisma, app({ expectedBaseSha: preview.baseSha, expectedPlanDigest: preview.planDigest }), { id: "u-dana", name: "Dana", email: "dana@acme.example" });
    expect(opened.status).toBe("opened");
  });

  it("refuses to open an add-app request whose files differ from the preview, and writes nothing", async () => {
    const preview = await previewApp(prisma, app({ name: "payouts" }));
    const result = await openApp(prisma, app({ name: "payouts2", expectedBaseSha: preview.baseSha, expectedPlanDigest: preview.planDigest }), { id: "u-dana", name: "Dana", email: "dana@acme.example" });
    expect(result).toMatchObject({ status: "not-opened", plan: { status: "refused", reason: expect.stringMatching(/not what you previewed/) } });
    expect(await prisma.changeRequest.count({ where: { branch: { in: ["ferry/app/payouts", "ferry/app/payouts2"] } } })).toBe(0);
    expect(await branches("payments-gitops")).not.toContain("ferry/app/payouts2");
  });

  it("refuses to open a tenant renamed after its preview", async () => {
    const preview = await previewTenant(prisma, tenant());
    expect(preview.plan.status).toBe("changes");
    const result = await openTenant(prisma, tenant({ name: "billing2", environments: [{ name: "dev", cluster: "https://kubernetes.default.svc", namespace: "billing2-dev" }], expectedBaseSha: preview.baseSha, expectedPlanDigest: preview.planDigest }), admin);
    expect(result).toMatchObject({ status: "not-opened", plan: { status: "refused" } });
    expect(await prisma.changeRequest.count({ where: { branch: { startsWith: "ferry/tenant/billing" } } })).toBe(0);
    expect(await branches("platform")).not.toContain("ferry/tenant/billing2");

    const opened = await openTenant(prisma, tenant({ expectedBaseSha: preview.baseSha, expectedPlanDigest: preview.planDigest }), admin);
    expect(opened.status).toBe("opened");
  });

  it("a refused preview has no fingerprint", async () => {
    expect((await previewApp(prisma, app({ name: "checkout" }))).planDigest).toBeNull();
  });
});

describe("an add-app change in a repository of several teams belongs to the team it names", () => {
  const searchAlice = user("u-alice", ["search"]);
  const dana = user("u-dana", ["payments"]);
  const alex = user("u-alex", [], "ADMIN");

  it("another developer of that team may merge it; other teams and the author may not", async () => {
    const opened = await openApp(prisma, app({ repository: "fleet", name: "ranker", team: "search", image: "ghcr.io/acme/ranker", environments: ["dev", "staging"] }), sam);
    expect(opened.status).toBe("opened");
    const row = await prisma.changeRequest.findFirstOrThrow({ where: { branch: "ferry/app/ranker" } });
    const resource = await changeResource(prisma, row.id);
    expect(resource).toMatchObject({ team: "search", protectedEnv: false });
    expect(authorize(searchAlice, "change.merge", resource)).toEqual({ allowed: true });
    const refused = authorize(dana, "change.merge", resource);
    expect(refused.allowed).toBe(false);
    expect(!refused.allowed && refused.reason).not.toMatch(/no team/);
    expect(authorize(user(sam.id, ["search"]), "change.merge", resource).allowed).toBe(false);
  });

  it("an app deployed to a protected environment needs that environment's role to merge", async () => {
    const opened = await openApp(prisma, app({ repository: "fleet", name: "crawler", team: "search", image: "ghcr.io/acme/crawler", environments: ["dev", "production"] }), sam);
    expect(opened.status).toBe("opened");
    const row = await prisma.changeRequest.findFirstOrThrow({ where: { branch: "ferry/app/crawler" } });
    const resource = await changeResource(prisma, row.id);
    expect(resource).toMatchObject({ team: "search", protectedEnv: true });
    expect(authorize(searchAlice, "change.merge", resource).allowed).toBe(false);
    expect(authorize(alex, "change.merge", resource)).toEqual({ allowed: true });
  });
});
