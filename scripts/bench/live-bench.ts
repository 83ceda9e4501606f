// `npm run bench:live`: 10,000 Argo CD applications listed (HTTP, `fields=` projection) and placed in
// 10,000 cells, written to Postgres, and the time from a stream event on the server to its row being
// stored. Against the swagger-validated Argo CD test server on this machine; prints numbers, asserts
// nothing (on a shared 2-core box timings are noisy, so the load average is printed next to them).
import path from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { createPrisma } from "@/lib/db/client";
import { ArgoCdClient } from "@/lib/live/argocd/client";
import { followSource } from "@/lib/live/follow";
import { CellIndex, placeApplication, type PlaceableCell } from "@/lib/live/place";
import { followKubernetes } from "@/lib/live/kubernetes/follow-kubernetes";
import { PrismaLiveStateStore } from "@/lib/live/store";
import { gitRepository, kustomization } from "@/lib/live/testing/flux-objects";
import { startKubernetesTestServer } from "@/lib/live/testing/kubernetes-test-server";
import { argoApplication, startArgoCdTestServer } from "@/lib/live/testing/argocd-test-server";
import { startBenchDatabase } from "./database";
import { loadAverage, log, ms, summarize, timed } from "./measure";

const APPS = 10_000;
const ENVS = ["dev", "staging", "production", "prod-eu"];
const REPO = "https://github.com/acme/platform";
const root = path.resolve(import.meta.dirname, "..", "..");

const cells: PlaceableCell[] = [];
for (let i = 0; cells.length < APPS; i++) {
  for (const env of ENVS) cells.push({ repository: "platform", repositoryUrl: REPO, branch: "main", app: `app-${i}`, env, path: `apps/app-${i}/overlays/${env}`, charts: [] });
}

const server = await startArgoCdTestServer();
for (const c of cells) {
  server.upsert(argoApplication({ name: `${c.app}-${c.env}`, repoURL: `${REPO}.git`, path: c.path, revision: "a".repeat(40), images: [`ghcr.io/acme/${c.app}:1.0.0`], finishedAt: "2026-12-02T10:00:00Z" }));
}
log(`load average ${loadAverage()}; ${APPS} applications on the test server`);

const client = new ArgoCdClient({ name: "bench", url: server.url, token: server.token });
const listed = await timed(() => client.listApplications(AbortSignal.timeout(60_000)));
const index = new CellIndex(cells);
const placed = await timed(async () => listed.value.applications.map((a) => placeApplication(a, index)));
const unplaced = placed.value.filter((p) => "reason" in p).length;
log(`list ${APPS} applications (fields projection, HTTP + JSON + reshape): ${ms(listed.ms)}`);
log(`place them in ${cells.length} cells: ${ms(placed.ms)} (${unplaced} not placed)`);
log(`list + place: ${ms(listed.ms + placed.ms)} (target < 5 s)`);

const db = await startBenchDatabase(path.join(root, ".bench", "pg-live"), () => {});
const prisma = createPrisma(db.connectionString);
const store = new PrismaLiveStateStore(prisma, { name: "bench", kind: "argocd" });
await store.register();
const written = await timed(() => store.replaceAll(listed.value.applications, listed.value.resourceVersion));
log(`write ${APPS} rows to Postgres (one transaction, placement against the empty cache): ${ms(written.ms)}`);

// Event latency: server-side change → row stored by the follower.
const controller = new AbortController();
const following = followSource({ client, store, signal: controller.signal });
while (server.openStreams() === 0) await new Promise((r) => setTimeout(r, 20));
const latencies: number[] = [];
for (let i = 0; i < 20; i++) {
  const c = cells[i] as PlaceableCell;
  const health = i % 2 === 0 ? "Degraded" : "Healthy";
  const started = performance.now();
  server.upsert(argoApplication({ name: `${c.app}-${c.env}`, repoURL: REPO, path: c.path, health }));
  for (;;) {
    const row = await prisma.liveApplication.findUnique({ where: { sourceName_key: { sourceName: "bench", key: `argocd/${c.app}-${c.env}` } }, select: { health: true } });
    if (row?.health === health) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  latencies.push(performance.now() - started);
}
const s = summarize(latencies);
log(`stream event → stored row: p50 ${ms(s.p50)}, p95 ${ms(s.p95)}, max ${ms(s.max)} (target < 2 s to an open matrix)`);
log(`requests: ${server.requests.list} list, ${server.requests.stream} stream; swagger violations: ${server.violations.length}`);

controller.abort();
await following;

// The same through the Kubernetes API: 10,000 Flux Kustomizations (CRD-validated by the test server) listed
// by client-node's informers with the other four kinds, reshaped, placed and written; then watch events.
const kube = await startKubernetesTestServer();
kube.upsert(gitRepository({ name: "flux-system", url: `${REPO}.git` }));
for (const c of cells) kube.upsert(kustomization({ name: `${c.app}-${c.env}`, path: `./${c.path}`, revision: `main@sha1:${"a".repeat(40)}` }));
const kubeConfig = new KubeConfig();
kubeConfig.loadFromOptions({ clusters: [{ name: "bench", server: kube.url, skipTLSVerify: true }], users: [{ name: "ferry", token: kube.token }], contexts: [{ name: "bench", cluster: "bench", user: "ferry" }], currentContext: "bench" });
const kubeStore = new PrismaLiveStateStore(prisma, { name: "bench-kubernetes", kind: "kubernetes" });
await kubeStore.register();
const kubeController = new AbortController();
const kubeStarted = performance.now();
const kubeFollowing = followKubernetes({ kubeConfig, cluster: "production", store: kubeStore, signal: kubeController.signal });
while ((await prisma.liveApplication.count({ where: { sourceName: "bench-kubernetes" } })) < APPS) await new Promise((r) => setTimeout(r, 50));
log(`Kubernetes: list 5 kinds (${APPS} Kustomizations) through client-node (list, then watch), reshape, place and write: ${ms(performance.now() - kubeStarted)} (target < 5 s for list + place)`);
while (kube.openWatches() < 5) await new Promise((r) => setTimeout(r, 20));
const kubeLatencies: number[] = [];
for (let i = 0; i < 20; i++) {
  const c = cells[i] as PlaceableCell;
  const readiness = i % 2 === 0 ? "Stalled" : "Ready";
  const started = performance.now();
  kube.upsert(kustomization({ name: `${c.app}-${c.env}`, path: `./${c.path}`, readiness }));
  for (;;) {
    const row = await prisma.liveApplication.findUnique({ where: { sourceName_key: { sourceName: "bench-kubernetes", key: `Kustomization/flux-system/${c.app}-${c.env}` } }, select: { sync: true } });
    if (row?.sync === readiness) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  kubeLatencies.push(performance.now() - started);
}
const k = summarize(kubeLatencies);
log(`Kubernetes watch event → stored row: p50 ${ms(k.p50)}, p95 ${ms(k.p95)}, max ${ms(k.max)}; CRD violations: ${kube.violations.length}`);
kubeController.abort();
await kubeFollowing;
await kube.close();
await prisma.$disconnect();
await server.close();
await db.handle.stop();
