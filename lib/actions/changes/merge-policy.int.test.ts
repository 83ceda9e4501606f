import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPromotionAction } from "@/lib/actions/promotions/open-promotion";
import { onboardTenantAction } from "@/lib/actions/tenants/onboard-tenant";
import type { UserActor } from "@/lib/auth/policy";
import { reviewedVersion } from "@/lib/changes/reviewed-version";
import { commitFiles, createWorld, registerRepository, type PromotionWorld } from "@/lib/changes/testing/promotion-fixture";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { syncRepositoryNow } from "@/lib/sync/sync-now";
import { mergeChangeAction } from "./review-change";

// The merge decision, through the real actions on real git repositories (the demo ones) and Postgres:
// protection follows each repository's config at every sync, a merge is bound to the version the
// reviewer saw, a change kind's merge needs the role that opens it, and a protected environment
// always needs a second person.

const dana: UserActor = { kind: "user", id: "u-dana", name: "Dana Developer", email: "dana@acme.example", role: "DEVELOPER", teams: ["payments"] };
const sam: UserActor = { kind: "user", id: "u-sam", name: "Sam Developer", email: "sam@acme.example", role: "DEVELOPER", teams: ["payments"] };
const alex: UserActor = { kind: "user", id: "u-alex", name: "Alex Admin", email: "alex@acme.example", role: "ADMIN", teams: [] };
const bea: UserActor = { kind: "user", id: "u-bea", name: "Bea Admin", email: "bea@acme.example", role: "ADMIN", teams: [] };
const policy = { protectedEnvRole: "ADMIN" as const };

let db: TestDatabase;
let prisma: PrismaClient;
let world: PromotionWorld;
let payments: string;
let ledgerTag = 0;

const LEDGER_DEV = "apps/ledger/dev/deployment.yaml";

/** Commits a new ledger version to dev (plus `files`) and syncs, so dev has something to promote. */
async function nextLedgerInDev(files: Record<string, string> = {}): Promise<string> {
  const tag = `1.9.${ledgerTag++}`;
  const current = await readFile(path.join(payments, LEDGER_DEV), "utf8");
  await commitFiles(payments, { [LEDGER_DEV]: current.replace(/ledger:[0-9.]+/, `ledger:${tag}`), ...files }, `ledger ${tag} in dev`);
  expect(await syncRepositoryNow(prisma, "payments-gitops")).toMatchObject({ status: "synced" });
  return tag;
}

async function promote(actor: UserActor, from: string, to: string): Promise<number> {
  const result = await openPromotionAction.run({ repository: "payments-gitops", app: "ledger", from, to }, { actor, prisma, policy });
  if (!result.ok || !("change" in result.data)) throw new Error(`promotion not opened: ${JSON.stringify(result)}`);
  return result.data.change.id;
}

/** What the change page shows right now: Merge sends it. */
async function seen(id: number) {
  return reviewedVersion(await prisma.changeRequest.findUniqueOrThrow({ where: { id } }));
}

async function merge(actor: UserActor, id: number, reviewed?: { headSha: string; planDigest: string }) {
  return mergeChangeAction.run({ id, ...(reviewed ?? (await seen(id))) }, { actor, prisma, policy });
}

const configWithStaging = (isProtected: boolean) =>
  ["environments:", "  - dev", "  - name: staging", `    protected: ${isProtected}`, "  - production", ""].join("\n");

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.connectionString;
  prisma = getPrisma();
  world = await createWorld();
  payments = path.join(world.repos, "payments-gitops");
  for (const u of [dana, sam, alex, bea]) await prisma.user.create({ data: { id: u.id, name: u.name, email: u.email, role: u.role } });
  await registerRepository(prisma, "payments-gitops", payments, "payments");
  // The platform repository belongs to team payments here, so its developers are "the repository's team".
  await registerRepository(prisma, "platform", path.join(world.repos, "platform"), "payments");
}, 120_000);

afterAll(async () => {
  await disconnectPrisma();
  await db?.drop();
  await world?.cleanup();
});

const stagingProtected = async () => (await prisma.environment.findUniqueOrThrow({ where: { name: "staging" } })).protected;

describe("protection follows each repository's .ferry/config.yaml at every sync", () => {
  it("a developer merges into staging; once the config protects staging, the developer is refused", async () => {
    await nextLedgerInDev();
    expect(await stagingProtected()).toBe(false);
    const first = await promote(sam, "dev", "staging");
    expect(await merge(dana, first)).toMatchObject({ ok: true });

    await nextLedgerInDev({ ".ferry/config.yaml": configWithStaging(true) });
    expect(await stagingProtected()).toBe(true);
    const second = await promote(sam, "dev", "staging");
    expect(await merge(dana, second)).toEqual({ ok: false, code: "forbidden", error: "staging is protected: only platform admins may merge into it" });
    expect(await merge(alex, second)).toMatchObject({ ok: true });
  });

  it("stays protected while any repository that has the environment protects it", async () => {
    // fleet has a staging environment and does not protect it: payments-gitops still does.
    await registerRepository(prisma, "fleet", path.join(world.repos, "fleet"), "identity");
    expect(await prisma.repository.findUniqueOrThrow({ where: { name: "fleet" }, select: { protectedEnvironments: true } })).toEqual({ protectedEnvironments: ["production"] });
    expect(await stagingProtected()).toBe(true);

    // Lifting it in payments-gitops, the last repository protecting it, lifts it.
    await nextLedgerInDev({ ".ferry/config.yaml": configWithStaging(false) });
    expect(await prisma.repository.findUniqueOrThrow({ where: { name: "payments-gitops" }, select: { protectedEnvironments: true } })).toEqual({ protectedEnvironments: ["production"] });
    expect(await stagingProtected()).toBe(false);
  });
});

describe("a merge is bound to the version the reviewer saw", () => {
  it("refuses the version opened before the branch was rewritten, and merges the current one", async () => {
    const id = await promote(sam, "dev", "staging");
    const versionA = await seen(id);
    await nextLedgerInDev();
    expect(await promote(sam, "dev", "staging")).toBe(id);
    const versionB = await seen(id);
    expect(versionB.headSha).not.toBe(versionA.headSha);

    const refused = await merge(dana, id, versionA);
    expect(refused).toMatchObject({ ok: false, code: "failed" });
    expect(!refused.ok && refused.error).toContain("The change was updated after you opened it: review it again");
    expect(await prisma.changeRequest.findUniqueOrThrow({ where: { id } })).toMatchObject({ state: "OPEN" });

    // The same head with a different plan digest is refused as well.
    const plan = await merge(dana, id, { headSha: versionB.headSha, planDigest: "0".repeat(64) });
    expect(!plan.ok && plan.error).toContain("its planned files changed since you opened it");

    // Without saying what was reviewed there is no merge at all.
    expect(await mergeChangeAction.run({ id }, { actor: dana, prisma, policy })).toMatchObject({ ok: false, code: "invalid" });

    expect(await merge(dana, id, versionB)).toMatchObject({ ok: true });
    expect(await prisma.changeRequest.findUniqueOrThrow({ where: { id } })).toMatchObject({ state: "MERGED", headSha: versionB.headSha, mergedById: dana.id });
  });
});

describe("a change kind's merge needs the role that opens it", () => {
  it("a tenant onboarding opened by an admin is refused to a developer of the repository's team", async () => {
    const opened = await onboardTenantAction.run(
      {
        repository: "platform",
        name: "billing",
        displayName: "Billing",
        owners: "dana",
        environments: [{ name: "dev", cluster: "https://kubernetes.default.svc", namespace: "billing-dev" }],
        apps: { repository: "payments-gitops", path: "argocd" },
      },
      { actor: alex, prisma, policy },
    );
    if (!opened.ok || !("change" in opened.data)) throw new Error(`onboarding not opened: ${JSON.stringify(opened)}`);
    const id = opened.data.change.id;

    const refused = await merge(dana, id);
    expect(refused).toEqual({
      ok: false,
      code: "forbidden",
      error: "Dana Developer cannot merge this change: merging it needs the authority to open it, and Dana Developer is a developer and cannot onboard tenants: only platform admins may",
    });
    expect(await merge(bea, id)).toMatchObject({ ok: true });
  });
});

describe("four eyes for protected environments, admins included", () => {
  it("an admin cannot merge their own change into production; a second admin can, and the audit row names both", async () => {
    await nextLedgerInDev();
    const toStaging = await promote(alex, "dev", "staging");
    // Unprotected: an admin may still merge their own change.
    expect(await merge(alex, toStaging)).toMatchObject({ ok: true });

    const id = await promote(alex, "staging", "production");
    expect(await merge(alex, id)).toEqual({
      ok: false,
      code: "forbidden",
      error: "Alex Admin authored this change, which alters production: a protected environment needs a second person to merge it (four eyes, platform admins included)",
    });
    const merged = await merge(bea, id);
    expect(merged).toMatchObject({ ok: true });
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "change.merge", result: "ok", resourceId: String(id) } });
    expect(audit).toMatchObject({ actorId: bea.id, message: expect.stringMatching(/^merged payments-gitops#\d+ \(authored by Alex Admin\)$/) });
    expect(audit.details).toMatchObject({ authorId: alex.id, mergedById: bea.id });
  });
});
