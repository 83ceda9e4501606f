import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPromotion } from "@/lib/changes/open-promotion";
import { promotionRequestSchema } from "@/lib/changes/promotion-request";
import { createWorld, registerRepository, type PromotionWorld } from "@/lib/changes/testing/promotion-fixture";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import type { PrismaClient } from "@/lib/db/generated/client";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { renderedPreviewAction } from "@/lib/actions/promotions/rendered-preview";
import { seedDemoUsers } from "@/lib/auth/demo-users";
import type { Actor } from "@/lib/auth/policy";
import { createSessionRecord, getUserForSessionToken } from "@/lib/auth/session-store";
import { renderedChange } from "./change-render";
import { onPath } from "./kustomize-runner";

// A promotion opened through the one write path on the fleet demo repository (real git, real Postgres),
// rendered from the commits stored with its change request.

const sam = { id: "u-sam", name: "Sam Searcher", email: "sam@acme.example" };
let db: TestDatabase;
let prisma: PrismaClient;
let world: PromotionWorld;

beforeAll(async () => {
  db = await createTestDatabase();
  process.env.DATABASE_URL = db.connectionString;
  prisma = getPrisma();
  world = await createWorld();
  await registerRepository(prisma, "fleet", path.join(world.repos, "fleet"), "search");
  await seedDemoUsers(prisma);
}, 120_000);

async function actor(id: string): Promise<Actor> {
  const { token } = await createSessionRecord(prisma, id);
  const user = await getUserForSessionToken(prisma, token);
  if (!user) throw new Error(`no session user for ${id}`);
  return user;
}

afterAll(async () => {
  await disconnectPrisma();
  await db?.drop();
  await world?.cleanup();
});

async function openIndexerIntoDev(): Promise<number> {
  const result = await openPromotion(prisma, promotionRequestSchema.parse({ repository: "fleet", app: "indexer", from: "staging", to: "dev", allowDowngrade: true }), sam);
  if (!("change" in result)) throw new Error(`expected a change, got ${result.status}`);
  return result.change.id;
}

describe.skipIf(!onPath("kubectl", process.env.PATH))("renderedChange", () => {
  it("renders the target overlay at the base and the branch commit, and lists the changed Deployment", async () => {
    const id = await openIndexerIntoDev();
    const row = await prisma.changeRequest.findUniqueOrThrow({ where: { id } });
    const result = await renderedChange(prisma, id);
    expect(result).toMatchObject({ status: "rendered", baseSha: row.baseSha, headSha: row.headSha });
    if (result.status !== "rendered") return;
    expect(result.folders).toHaveLength(1);
    const [folder] = result.folders;
    expect(folder?.path).toBe("apps/indexer/overlays/dev");
    expect(folder?.cells).toEqual(["indexer/dev"]);
    expect(folder?.outcome.ok).toBe(true);
    if (!folder?.outcome.ok) return;
    expect(folder.outcome.diff.unchanged).toBe(1);
    expect(folder.outcome.diff.changed.map((c) => [c.key, c.status])).toEqual([["Deployment/search-dev/indexer", "changed"]]);
    expect(folder.outcome.diff.changed[0]?.patch).toMatch(/^-\s+(- )?image: ghcr\.io\/acme\/indexer:2\.0\.0-rc\.1$/m);
    expect(folder.outcome.diff.changed[0]?.patch).toMatch(/^\+\s+(- )?image: ghcr\.io\/acme\/indexer:1\.9\.3$/m);
  });

  it("answers a second ask for the same change from the cache", async () => {
    const id = await openIndexerIntoDev();
    const first = await renderedChange(prisma, id);
    expect(await renderedChange(prisma, id)).toBe(first);
  });

  it("says why when there is nothing to render", async () => {
    const id = await openIndexerIntoDev();
    await prisma.changeRequest.update({ where: { id }, data: { headSha: null } });
    expect(await renderedChange(prisma, id)).toEqual({ status: "none", reason: "The commit of this change's branch is not known yet." });
    await prisma.changeRequest.update({ where: { id }, data: { changeSet: {}, appName: null, toEnv: null } });
    expect(await renderedChange(prisma, id)).toEqual({ status: "none", reason: "This change alters no environment: there is nothing to render." });
  });
});

describe.skipIf(!onPath("kubectl", process.env.PATH))("renderedPreviewAction (the promote dialog)", () => {
  const input = { repository: "fleet", app: "indexer", from: "dev", to: "staging" };

  it("renders the plan before anything is opened, for whoever may promote", async () => {
    const result = await renderedPreviewAction.run(input, { actor: await actor("sam"), prisma });
    expect(result.ok).toBe(true);
    if (!result.ok || result.data.status !== "rendered") throw new Error(JSON.stringify(result));
    const [folder] = result.data.folders;
    expect(folder?.path).toBe("apps/indexer/overlays/staging");
    if (!folder?.outcome.ok) throw new Error(JSON.stringify(folder));
    expect(folder.outcome.diff.changed.map((c) => c.key)).toEqual(["Deployment/search-staging/indexer"]);
    expect(folder.outcome.diff.changed[0]?.patch).toMatch(/^\+\s+(- )?image: ghcr\.io\/acme\/indexer:2\.0\.0-rc\.1$/m);
    expect(await prisma.changeRequest.count({ where: { branch: "ferry/promote/indexer/staging" } })).toBe(0);
  });

  it("refuses a viewer, like the preview itself", async () => {
    const result = await renderedPreviewAction.run(input, { actor: await actor("vic"), prisma });
    expect(result).toMatchObject({ ok: false, code: "forbidden" });
  });
});
