import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getLiveCells } from "@/lib/data/live-cells";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing/test-db";
import { PrismaLiveStateStore } from "../store";
import { gitRepository, helmRelease, kustomization } from "../testing/flux-objects";
import { startKubernetesTestServer, type KubernetesTestServer } from "../testing/kubernetes-test-server";
import { followKubernetes } from "./follow-kubernetes";

// A cluster's Flux objects, read through client-node from the Kubernetes API test server, stored in
// Postgres and placed in the cells the reader found: the Kustomization by its GitRepository's URL (in
// another spelling) and folder, the cluster's name telling apart the environments sharing the folder;
// the HelmRelease by its chart, whose deployed version is the one git pins.

let db: TestDatabase;
let server: KubernetesTestServer;
const SHA = "9".repeat(40);

beforeAll(async () => {
  db = await createTestDatabase();
  const repo = await db.prisma.repository.create({ data: { name: "fleet", provider: "github", url: "https://github.com/acme/fleet", headSha: SHA } });
  const [staging, production] = await Promise.all([db.prisma.environment.create({ data: { name: "staging", order: 1 } }), db.prisma.environment.create({ data: { name: "production", order: 2 } })]);
  const infra = await db.prisma.app.create({ data: { name: "infra-controllers", path: "infrastructure/controllers", repositoryId: repo.id } });
  const podinfo = await db.prisma.app.create({ data: { name: "podinfo", path: "apps/podinfo", repositoryId: repo.id } });
  for (const env of [staging, production]) await db.prisma.deployment.create({ data: { appId: infra.id, environmentId: env.id, path: "infrastructure/controllers", versions: [], errors: [] } });
  const chart = [{ kind: "chart", name: "podinfo", value: "6.7.1", floating: false, file: "apps/podinfo/release.yaml", path: ["spec", "chart", "spec", "version"] }];
  await db.prisma.deployment.create({ data: { appId: podinfo.id, environmentId: production.id, path: "apps/podinfo", versions: chart, errors: [] } });

  server = await startKubernetesTestServer();
  server.upsert(gitRepository({ name: "flux-system", url: "ssh://git@github.com/acme/fleet.git" }));
  server.upsert(kustomization({ name: "infra-controllers", path: "./infrastructure/controllers", revision: `main@sha1:${SHA}` }));
  server.upsert(kustomization({ name: "tenants", path: "./tenants", readiness: "Stalled" }));
  server.upsert(helmRelease({ name: "podinfo", namespace: "podinfo", chart: { name: "podinfo", version: "6.x", source: { kind: "HelmRepository", name: "podinfo", namespace: "flux-system" } }, deployed: { chartName: "podinfo", chartVersion: "6.7.1" } }));
}, 120_000);

afterAll(async () => {
  await server?.close();
  expect(server?.violations ?? []).toEqual([]);
  await db?.drop();
});

describe("a Kubernetes source in Postgres", () => {
  it("places Flux objects in the reader's cells, and says why not where none fits", async () => {
    const store = new PrismaLiveStateStore(db.prisma, { name: "prod-eu", kind: "kubernetes" });
    await store.register();
    const kc = new KubeConfig();
    kc.loadFromOptions({ clusters: [{ name: "c", server: server.url, skipTLSVerify: true }], users: [{ name: "u", token: server.token }], contexts: [{ name: "c", cluster: "c", user: "u" }], currentContext: "c" });
    const stop = new AbortController();
    const following = followKubernetes({ kubeConfig: kc, cluster: "production", store, signal: stop.signal, batchMs: 50 });
    await expect.poll(() => db.prisma.liveApplication.count(), { timeout: 15_000 }).toBe(3);

    const rows = await db.prisma.liveApplication.findMany({ orderBy: { key: "asc" }, select: { key: true, sync: true, health: true, revision: true, repository: true, app: true, env: true, unplacedReason: true } });
    expect(rows).toEqual([
      { key: "HelmRelease/podinfo/podinfo", sync: "Ready", health: "Healthy", revision: "6.7.1", repository: "fleet", app: "podinfo", env: "production", unplacedReason: null },
      { key: "Kustomization/flux-system/infra-controllers", sync: "Ready", health: "Healthy", revision: SHA, repository: "fleet", app: "infra-controllers", env: "production", unplacedReason: null },
      { key: "Kustomization/flux-system/tenants", sync: "Stalled", health: "Degraded", revision: null, repository: null, app: null, env: null, unplacedReason: "no cell of fleet is the folder tenants" },
    ]);

    const cells = await getLiveCells(db.prisma, [
      { repository: "fleet", app: "infra-controllers", env: "production", versions: [], lastCommitSha: null },
      { repository: "fleet", app: "podinfo", env: "production", versions: [{ kind: "chart", name: "podinfo", value: "6.7.1", floating: false }], lastCommitSha: null },
    ]);
    expect([...cells.values()].map((c) => [c.application, c.sync, c.health, c.applied])).toEqual([
      ["prod-eu/infra-controllers", "Ready", "Healthy", "head"],
      ["prod-eu/podinfo", "Ready", "Healthy", "head"],
    ]);

    // A HelmRelease upgrading: the event reaches the stored row.
    server.upsert(helmRelease({ name: "podinfo", namespace: "podinfo", chart: { name: "podinfo", version: "6.x", source: { kind: "HelmRepository", name: "podinfo", namespace: "flux-system" } }, readiness: "Reconciling", deployed: { chartName: "podinfo", chartVersion: "6.7.2" } }));
    await expect.poll(async () => (await db.prisma.liveApplication.findFirst({ where: { key: "HelmRelease/podinfo/podinfo" } }))?.revision).toBe("6.7.2");
    stop.abort();
    await following;

    // A restarted follower (a new store, as in another process) watches from the versions stored with the rows.
    const lists = JSON.stringify(server.requests.list);
    const stored = (await db.prisma.liveSource.findUniqueOrThrow({ where: { name: "prod-eu" } })).resumeState as { kinds: Record<string, { resourceVersion: string }> };
    expect(stored.kinds.helmreleases?.resourceVersion).toBe(String(server.resourceVersion()));
    server.upsert(kustomization({ name: "infra-controllers", path: "./infrastructure/controllers", revision: `main@sha1:${SHA}`, readiness: "Reconciling" }));
    const again = new AbortController();
    const resumed = followKubernetes({ kubeConfig: kc, cluster: "production", store: new PrismaLiveStateStore(db.prisma, { name: "prod-eu", kind: "kubernetes" }), signal: again.signal, batchMs: 50 });
    await expect.poll(async () => (await db.prisma.liveApplication.findFirst({ where: { key: "Kustomization/flux-system/infra-controllers" } }))?.sync, { timeout: 15_000 }).toBe("Reconciling");
    expect(JSON.stringify(server.requests.list)).toBe(lists);
    expect(Object.fromEntries(Object.entries(server.watchedFrom).map(([k, from]) => [k, from.at(-1)]))).toEqual(Object.fromEntries(Object.entries(stored.kinds).map(([k, v]) => [k, v.resourceVersion])));
    // The GitRepository's URL came from the stored state: the Kustomization is still placed by it.
    expect(await db.prisma.liveApplication.findFirst({ where: { key: "Kustomization/flux-system/infra-controllers" }, select: { app: true, env: true } })).toEqual({ app: "infra-controllers", env: "production" });
    again.abort();
    await resumed;
  });
});
