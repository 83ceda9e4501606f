import PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { loadLiveSourcesConfig } from "../config";
import { argoApplicationObject, gitRepository, kustomization } from "../testing/flux-objects";
import { startKubernetesTestServer, type KubernetesTestServer } from "../testing/kubernetes-test-server";
import { startLiveFollowers, stopLiveFollowers } from "../worker";

// A Kubernetes source configured as an operator would (URL and a token from the environment) is followed
// by the live-state worker's pg-boss job; each job follows for a window and the next one watches on from the
// resourceVersions the last stored, without listing again.

let db: TestDatabase;
let server: KubernetesTestServer;
let boss: PgBoss;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startKubernetesTestServer();
  server.upsert(gitRepository({ name: "flux-system", url: "https://github.com/acme/fleet" }));
  server.upsert(kustomization({ name: "apps", path: "./apps" }));
  server.upsert(argoApplicationObject({ name: "shop", repoURL: "https://github.com/acme/gitops", path: "apps/shop" }));
  boss = new PgBoss({ connectionString: db.connectionString, max: 2, schedule: false });
  boss.on("error", (error) => console.error("[kubernetes worker test] queue:", error));
  await boss.start();
}, 120_000);

afterAll(async () => {
  stopLiveFollowers();
  await boss?.stop({ graceful: true, timeout: 5_000, wait: true });
  await server?.close();
  expect(server?.violations ?? []).toEqual([]);
  await db?.drop();
});

describe("the live-state worker with a Kubernetes source", () => {
  it("follows the cluster and stores its objects, the token staying in the process", async () => {
    const sources = loadLiveSourcesConfig({
      env: { FERRY_LIVE_SOURCES: JSON.stringify([{ name: "lab", kind: "kubernetes", url: server.url, cluster: "production" }]), FERRY_LIVE_LAB_TOKEN: server.token },
      cwd: "/nonexistent",
    });
    // Short windows: each job hands over to the next, which resumes from the stored resourceVersions.
    await startLiveFollowers(boss, db.connectionString, { prisma: db.prisma, sources, windowSeconds: 3, backoffMs: 100 });
    await expect.poll(() => db.prisma.liveApplication.count(), { timeout: 20_000 }).toBe(2);
    expect(await db.prisma.liveSource.findUniqueOrThrow({ where: { name: "lab" } })).toMatchObject({ kind: "kubernetes", staleSince: null, lastError: null });
    const keys = (await db.prisma.liveApplication.findMany({ orderBy: { key: "asc" }, select: { key: true } })).map((r) => r.key);
    expect(keys).toEqual(["Application/argocd/shop", "Kustomization/flux-system/apps"]);
    // Nothing of the token is stored.
    expect(JSON.stringify(await db.prisma.liveSource.findMany())).not.toContain(server.token);
    expect(JSON.stringify(await db.prisma.liveApplication.findMany())).not.toContain(server.token);

    // The next windows watch on from where the last one left off: every kind was listed once, and a change
    // made between windows still arrives.
    await expect.poll(() => server.requests.watch.kustomizations ?? 0, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    server.upsert(kustomization({ name: "apps", path: "./apps", readiness: "Stalled" }));
    await expect.poll(async () => (await db.prisma.liveApplication.findFirst({ where: { key: "Kustomization/flux-system/apps" } }))?.sync, { timeout: 20_000 }).toBe("Stalled");
    await expect.poll(() => server.requests.watch.kustomizations ?? 0, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    expect(server.requests.list).toEqual({ kustomizations: 1, helmreleases: 1, gitrepositories: 1, ocirepositories: 1, applications: 1 });
  }, 60_000);
});
