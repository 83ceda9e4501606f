import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { PrismaLiveStateStore } from "./store";
import type { LiveApplication } from "./types";

// The Postgres store of live state: placement when written, again when the cells change, deletes,
// and staleness that keeps the time of the first failure.

let db: TestDatabase;
const REPO = "https://github.com/acme/gitops";
let clock = new Date("2026-12-02T12:00:00Z");
let store: PrismaLiveStateStore;

const live = (name: string, path: string, health: LiveApplication["health"] = "Healthy"): LiveApplication => ({
  key: `argocd/${name}`,
  name,
  namespace: "argocd",
  sync: "Synced",
  health,
  revision: "a".repeat(40),
  images: ["ghcr.io/acme/shop:1.0.0"],
  sources: [{ repoURL: `${REPO}.git`, path, targetRevision: "HEAD" }],
  destination: { namespace: name },
  appliedAt: "2026-12-02T11:00:00Z",
  resourceVersion: null,
});

const placements = async () =>
  (await db.prisma.liveApplication.findMany({ orderBy: { key: "asc" }, select: { key: true, health: true, repository: true, app: true, env: true, unplacedReason: true } })).map((r) =>
    r.repository ? `${r.key} ${r.health} → ${r.repository}/${r.app}/${r.env}` : `${r.key} ${r.health} ✗ ${r.unplacedReason}`,
  );

beforeAll(async () => {
  db = await createTestDatabase();
  const repo = await db.prisma.repository.create({ data: { name: "gitops", provider: "github", url: REPO, headSha: "1".repeat(40) } });
  const env = await db.prisma.environment.create({ data: { name: "staging", order: 1 } });
  const app = await db.prisma.app.create({ data: { name: "shop", path: "apps/shop", repositoryId: repo.id } });
  await db.prisma.deployment.create({ data: { appId: app.id, environmentId: env.id, path: "apps/shop/staging", versions: [], errors: [] } });
  store = new PrismaLiveStateStore(db.prisma, { name: "argo", kind: "argocd" }, () => clock);
  await store.register();
});
afterAll(async () => {
  await db?.drop();
});

describe("PrismaLiveStateStore", () => {
  it("places what it stores, and replaces the whole set on a relist", async () => {
    await store.replaceAll([live("shop-staging", "apps/shop/staging"), live("shop-canary", "apps/shop/canary")], "10");
    expect(await placements()).toEqual(["argocd/shop-canary Healthy ✗ no cell of gitops is the folder apps/shop/canary", "argocd/shop-staging Healthy → gitops/shop/staging"]);
    const row = await db.prisma.liveApplication.findFirstOrThrow({ where: { key: "argocd/shop-staging" } });
    expect(row).toMatchObject({ images: ["ghcr.io/acme/shop:1.0.0"], appliedAt: new Date("2026-12-02T11:00:00Z"), observedAt: clock, sources: [{ repoURL: `${REPO}.git`, path: "apps/shop/staging" }] });
    expect(await store.resumePoint()).toEqual({ resourceVersion: "10", stale: false });

    await store.replaceAll([live("shop-staging", "apps/shop/staging", "Degraded")], "12");
    expect(await placements()).toEqual(["argocd/shop-staging Degraded → gitops/shop/staging"]);
  });

  it("applies a burst of events: the last event of each object wins", async () => {
    await store.apply(
      [
        { type: "upsert", application: live("shop-canary", "apps/shop/canary", "Progressing") },
        { type: "upsert", application: live("shop-staging", "apps/shop/staging", "Progressing") },
        { type: "upsert", application: live("shop-staging", "apps/shop/staging", "Healthy") },
        { type: "delete", key: "argocd/shop-canary" },
      ],
      "15",
    );
    expect(await placements()).toEqual(["argocd/shop-staging Healthy → gitops/shop/staging"]);
    expect((await store.resumePoint()).resourceVersion).toBe("15");
  });

  it("places stored objects again when a sync changed the cells, and only then", async () => {
    await store.apply([{ type: "upsert", application: live("shop-canary", "apps/shop/canary") }], "16");
    expect(await store.placeAgain()).toBe(0);
    const env = await db.prisma.environment.create({ data: { name: "canary", order: 2 } });
    const app = await db.prisma.app.findFirstOrThrow({ where: { name: "shop" } });
    await db.prisma.deployment.create({ data: { appId: app.id, environmentId: env.id, path: "apps/shop/canary", versions: [], errors: [] } });
    // The cells only count as changed with the repository's head: a sync writes both.
    await db.prisma.repository.update({ where: { name: "gitops" }, data: { headSha: "2".repeat(40) } });
    expect(await store.placeAgain()).toBe(1);
    expect(await placements()).toEqual(["argocd/shop-canary Healthy → gitops/shop/canary", "argocd/shop-staging Healthy → gitops/shop/staging"]);
    expect(await store.placeAgain()).toBe(0);
  });

  it("keeps since when the health is what it is across rewrites, and takes the source's own time when it reports one", async () => {
    const since = async () => (await db.prisma.liveApplication.findFirstOrThrow({ where: { key: "argocd/shop-staging" } })).healthSince;
    clock = new Date("2026-12-02T13:00:00Z");
    await store.apply([{ type: "upsert", application: live("shop-staging", "apps/shop/staging", "Progressing") }], "20");
    expect(await since()).toEqual(clock);
    const turned = clock;
    clock = new Date("2026-12-02T13:05:00Z");
    await store.apply([{ type: "upsert", application: live("shop-staging", "apps/shop/staging", "Progressing") }], "21");
    await store.replaceAll([live("shop-staging", "apps/shop/staging", "Progressing"), live("shop-canary", "apps/shop/canary")], "22");
    expect(await since()).toEqual(turned);
    await store.apply([{ type: "upsert", application: { ...live("shop-staging", "apps/shop/staging"), healthSince: "2026-12-02T13:04:00Z" } }], "23");
    expect(await since()).toEqual(new Date("2026-12-02T13:04:00Z"));
  });

  it("is stale since the first failure, and not stale once the source answers", async () => {
    const first = clock;
    await store.unreachable("cannot reach it");
    clock = new Date(first.getTime() + 60_000);
    await store.unreachable("still cannot reach it");
    expect(await db.prisma.liveSource.findUniqueOrThrow({ where: { name: "argo" } })).toMatchObject({ staleSince: first, lastError: "still cannot reach it" });
    expect((await store.resumePoint()).stale).toBe(true);
    await store.reachable();
    expect(await db.prisma.liveSource.findUniqueOrThrow({ where: { name: "argo" } })).toMatchObject({ staleSince: null, lastError: null, lastContactAt: clock });
  });
});
