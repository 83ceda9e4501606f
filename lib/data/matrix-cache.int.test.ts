import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { openPromotion } from "@/lib/changes/open-promotion";
import { promotionRequestSchema } from "@/lib/changes/promotion-request";
import { commitFiles, createWorld, deploymentYaml, registerRepository, type PromotionWorld } from "@/lib/changes/testing/promotion-fixture";
import { syncRepositoryNow } from "@/lib/sync/sync-now";
import { createApiToken } from "@/lib/auth/api-token";
import { getAppDetail, getRecentCommits, type AppDetail } from "./app-detail";
import { cacheVersion } from "./cache-version";
import { getMatrix, withLiveState } from "./matrix";
import { getMatrixPageAt } from "./matrix-cache";
import { parseMatrixQuery } from "./matrix-query";

// Matrix pages and app histories are kept per replica between syncs; what the page shows right after
// a sync, a change opened or a new team must still be what the cache holds then.

let db: TestDatabase;
let prisma: PrismaClient;
let world: PromotionWorld;
const payments = () => path.join(world.repos, "payments-gitops");
const ALL = parseMatrixQuery({});
const CHECKOUT = parseMatrixQuery({ q: "checkout" });

/** The matrix page as the page reads it: the version first, then the page at that version. */
async function shown(query = ALL) {
  const version = await cacheVersion(prisma);
  const page = await getMatrixPageAt(prisma, query, version);
  return { version, stamp: page.stamp, matrix: (await prisma.liveSource.count()) > 0 ? await withLiveState(prisma, page.matrix) : page.matrix };
}

const cellOf = (m: Awaited<ReturnType<typeof shown>>["matrix"], app: string, env: string) => m.rows.find((r) => r.app === app)?.cells[env];

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.connectionString;
  prisma = getPrisma();
  world = await createWorld();
  await registerRepository(prisma, "payments-gitops", payments(), "payments");
}, 120_000);

afterAll(async () => {
  await disconnectPrisma();
  await db?.drop();
  await world?.cleanup();
});

describe("matrix pages kept per cache version", () => {
  it("are what getMatrix reads, reused while the version stays, and read again right after a sync", async () => {
    const before = await shown();
    expect(before.matrix).toEqual(await getMatrix(prisma, ALL));
    const again = await shown();
    expect(again.version).toBe(before.version);
    // The same object: kept, not read again.
    expect(again.matrix).toBe(before.matrix);
    const ledgerDev = cellOf(before.matrix, "ledger", "dev")?.versions.map((v) => v.value);
    expect(ledgerDev).not.toContain("1.9.0");

    await commitFiles(payments(), { "apps/ledger/dev/deployment.yaml": deploymentYaml("ledger", "dev", "1.9.0") }, "ledger 1.9.0 in dev, outside Ferry");
    await syncRepositoryNow(prisma, "payments-gitops");
    const after = await shown();
    expect(after.version).not.toBe(before.version);
    expect(cellOf(after.matrix, "ledger", "dev")?.versions.map((v) => v.value)).toEqual(["1.9.0"]);
    expect(after.matrix).toEqual(await getMatrix(prisma, ALL));
  });

  it("show a change opened, and a filtered page is kept apart from the whole matrix", async () => {
    const before = await shown(CHECKOUT);
    expect(before.matrix.rows.map((r) => r.app)).toEqual(["checkout"]);
    expect(cellOf(before.matrix, "checkout", "production")?.openChange).toBeNull();
    await openPromotion(prisma, promotionRequestSchema.parse({ repository: "payments-gitops", app: "checkout", from: "staging", to: "production" }), { id: "u-a", name: "A", email: "a@acme.example" });
    const after = await shown(CHECKOUT);
    expect(after.version).not.toBe(before.version);
    expect(cellOf(after.matrix, "checkout", "production")?.openChange).toMatchObject({ id: expect.any(Number), conflict: false });
    expect((await shown()).matrix.rows.length).toBeGreaterThan(after.matrix.rows.length);
  });

  it("have a stamp that moves with what the page shows, not with every move of the version", async () => {
    const ledgerPage = parseMatrixQuery({ q: "ledger" });
    const before = await shown(ledgerPage);
    // Read again from the database (another replica, or this one after the version moved): the same stamp.
    const reread = await getMatrixPageAt(prisma, ledgerPage, `${before.version}-elsewhere`);
    expect(reread.matrix).not.toBe(before.matrix);
    expect(reread.stamp).toBe(before.stamp);

    await openPromotion(prisma, promotionRequestSchema.parse({ repository: "payments-gitops", app: "invoices", from: "staging", to: "production" }), { id: "u-a", name: "A", email: "a@acme.example" });
    const otherApp = await shown(ledgerPage);
    expect(otherApp.version).not.toBe(before.version);
    expect(otherApp.stamp).toBe(before.stamp);
    expect((await shown(parseMatrixQuery({ q: "invoices" }))).matrix.rows[0]?.cells.production?.openChange).not.toBeNull();

    await openPromotion(prisma, promotionRequestSchema.parse({ repository: "payments-gitops", app: "ledger", from: "dev", to: "staging" }), { id: "u-a", name: "A", email: "a@acme.example" });
    const thisApp = await shown(ledgerPage);
    // ledger 1.9.0 came to dev in the first test.
    expect(cellOf(thisApp.matrix, "ledger", "staging")?.openChange).not.toBeNull();
    expect(thisApp.stamp).not.toBe(before.stamp);

    // A repository that cannot be synced is shown on every page (its problem), so every page's stamp moves.
    await prisma.repository.update({ where: { name: "payments-gitops" }, data: { syncError: "unreachable" } });
    expect((await shown(ledgerPage)).stamp).not.toBe(thisApp.stamp);
    await prisma.repository.update({ where: { name: "payments-gitops" }, data: { syncError: null } });
    expect((await shown(ledgerPage)).stamp).toBe(thisApp.stamp);
  });

  it("have their stamp served to the open page by GET /api/v1/matrix/stamp for the page's filters, to a signed-in caller only", async () => {
    const { GET } = await import("@/app/api/v1/matrix/stamp/route");
    await prisma.user.upsert({ where: { id: "u-reader" }, update: {}, create: { id: "u-reader", name: "Reader", email: "reader@acme.example", role: "ADMIN" } });
    const { token } = await createApiToken(prisma, { name: "matrix reader", teams: ["payments"], createdById: "u-reader" });
    const ask = (search: string, headers: Record<string, string> = { authorization: `Bearer ${token}` }) => GET(new Request(`http://ferry.test/api/v1/matrix/stamp${search}`, { headers }));
    const ledger = await ask("?q=ledger");
    expect(ledger.status).toBe(200);
    expect(await ledger.json()).toEqual({ ok: true, data: { stamp: (await shown(parseMatrixQuery({ q: "ledger" }))).stamp } });
    const whole = (await (await ask("")).json()) as { data: { stamp: string } };
    expect(whole.data.stamp).toBe((await shown()).stamp);
    expect(whole.data.stamp).not.toBe((await shown(parseMatrixQuery({ q: "ledger" }))).stamp);
    expect((await ask("?q=ledger", {})).status).toBe(401);
  });

  it("list a team created at sign-in", async () => {
    const before = await shown();
    expect(before.matrix.teams).not.toContain("newcomers");
    await prisma.team.create({ data: { name: "newcomers" } });
    expect((await shown()).matrix.teams).toContain("newcomers");
  });
});

describe("an app's recent commits, kept per head", () => {
  it("include a commit right after the sync that brought it", async () => {
    const detail = (await getAppDetail(prisma, "payments-gitops", "invoices")) as AppDetail;
    const before = await getRecentCommits(prisma, detail);
    expect(before.error).toBeNull();
    expect(before.commits.map((c) => c.message)).not.toContain("invoices 9.9.9 in dev");
    await commitFiles(payments(), { [`${detail.environments.find((e) => e.env === "dev")?.path}/deployment.yaml`]: deploymentYaml("invoices", "dev", "9.9.9") }, "invoices 9.9.9 in dev");
    // Not synced yet: the cache's head is the old one, and so is the history.
    expect((await getRecentCommits(prisma, detail)).commits.map((c) => c.message)).toEqual(before.commits.map((c) => c.message));
    await syncRepositoryNow(prisma, "payments-gitops");
    const after = await getRecentCommits(prisma, detail);
    expect(after.commits[0]?.message).toBe("invoices 9.9.9 in dev");
  });
});
