import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { openPromotion } from "@/lib/changes/open-promotion";
import { promotionRequestSchema } from "@/lib/changes/promotion-request";
import { commitFiles, createWorld, deploymentYaml, registerRepository, type PromotionWorld } from "@/lib/changes/testing/promotion-fixture";
import { syncRepositoryNow } from "@/lib/sync/sync-now";
import { cacheVersion } from "./cache-version";

// The stamp an open matrix polls to refresh itself: it moves with what the matrix shows, and stays put
// when a sync found nothing new (else every periodic sync would re-render every open matrix).

let db: TestDatabase;
let prisma: PrismaClient;
let world: PromotionWorld;
const payments = () => path.join(world.repos, "payments-gitops");

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

describe("cacheVersion", () => {
  it("stays on a sync without news, moves on a commit synced and on a change opened", async () => {
    const first = await cacheVersion(prisma);
    expect(first).toMatch(/^[0-9a-f]{24}$/);
    await syncRepositoryNow(prisma, "payments-gitops");
    expect(await cacheVersion(prisma)).toBe(first);

    await commitFiles(payments(), { "apps/ledger/dev/deployment.yaml": deploymentYaml("ledger", "dev", "1.9.0") }, "ledger 1.9.0 in dev, outside Ferry");
    expect(await cacheVersion(prisma)).toBe(first);
    await syncRepositoryNow(prisma, "payments-gitops");
    const synced = await cacheVersion(prisma);
    expect(synced).not.toBe(first);

    await openPromotion(prisma, promotionRequestSchema.parse({ repository: "payments-gitops", app: "checkout", from: "staging", to: "production" }), { id: "u-a", name: "A", email: "a@acme.example" });
    const opened = await cacheVersion(prisma);
    expect(opened).not.toBe(synced);

    await prisma.changeRequest.updateMany({ data: { state: "MERGED", mergedAt: new Date() } });
    expect(await cacheVersion(prisma)).not.toBe(opened);
  });
});
