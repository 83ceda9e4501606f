import { KubeConfig } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { metrics } from "@/lib/metrics/registry";
import { argoApplicationObject, gitRepository, helmRelease, kustomization } from "../testing/flux-objects";
import { startKubernetesTestServer, type KubernetesTestServer } from "../testing/kubernetes-test-server";
import type { LiveApplication, LiveEvent } from "../types";
import { followKubernetes, type KubernetesStateStore } from "./follow-kubernetes";
import type { KubernetesResumeState } from "./resume-state";

// The Kubernetes source driven through @kubernetes/client-node (its CustomObjectsApi lists, its Watch
// watches) against the Kubernetes API test server (objects validated against the Flux and Argo CD CRDs):
// list, watch, bookmarks, 410 Gone → relist, a restart that watches on from the stored resourceVersions
// (counted: no list), an expired stored version, an API server that goes away and comes back, and a
// cluster without Argo CD.

class MemoryStore implements KubernetesStateStore {
  apps = new Map<string, LiveApplication>();
  calls: string[] = [];
  writes = 0;
  state: KubernetesResumeState | null = null;
  async resumePoint() {
    return { resourceVersion: null, stale: true };
  }
  async kubernetesResumePoint() {
    return { state: this.state, keys: [...this.apps.keys()] };
  }
  async saveResumeState(state: KubernetesResumeState) {
    this.calls.push("saveResumeState");
    this.state = state;
  }
  async replaceAll(applications: LiveApplication[], _rv: string | null, state?: KubernetesResumeState) {
    this.calls.push(`replaceAll ${applications.length}`);
    this.writes++;
    this.apps = new Map(applications.map((a) => [a.key, a]));
    this.state = state ?? null;
  }
  async apply(events: LiveEvent[], _rv: string | null, state?: KubernetesResumeState) {
    this.calls.push(`apply ${events.map((e) => (e.type === "delete" ? `-${e.key}` : `+${e.application.key}`)).join(" ")}`);
    this.writes++;
    for (const e of events) {
      if (e.type === "delete") this.apps.delete(e.key);
      else this.apps.set(e.application.key, e.application);
    }
    if (state) this.state = state;
  }
  async reachable() {
    this.calls.push("reachable");
  }
  async unreachable(error: string) {
    this.calls.push(`unreachable ${error}`);
  }
}

const FLEET = "https://github.com/acme/fleet";
let server: KubernetesTestServer | undefined;
let stop: AbortController | undefined;
let following: Promise<void> | undefined;

afterEach(async () => {
  stop?.abort();
  await following;
  await server?.close();
  expect(server?.violations ?? []).toEqual([]);
  server = undefined;
});

function kubeConfig(url: string, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: "test", server: url, skipTLSVerify: true }], users: [{ name: "ferry", token }], contexts: [{ name: "test", cluster: "test", user: "ferry" }], currentContext: "test" });
  return kc;
}

const logged: string[] = [];

function start(s: KubernetesTestServer, store: MemoryStore, options: { token?: string; saveVersionMs?: number } = {}) {
  stop = new AbortController();
  following = followKubernetes({
    kubeConfig: kubeConfig(s.url, options.token ?? s.token),
    cluster: "prod-eu",
    store,
    signal: stop.signal,
    backoffMs: 50,
    maxBackoffMs: 200,
    batchMs: 50,
    saveVersionMs: options.saveVersionMs,
    log: (line) => logged.push(line),
  });
}

async function follow(s: KubernetesTestServer, store: MemoryStore, token = s.token) {
  start(s, store, { token });
  await expect.poll(() => store.writes + store.calls.filter((c) => c.startsWith("unreachable")).length, { timeout: 10_000 }).toBeGreaterThan(0);
}

/** Ends the follower as a window's end or a restart does. */
async function halt() {
  stop?.abort();
  await following;
  stop = undefined;
  following = undefined;
}

/** ferry_live_kubernetes_lists_total of this file's source for one reason, by kind. */
async function listsCounted(reason: string): Promise<Record<string, number>> {
  const { values } = await metrics().kubernetesLists.get();
  return Object.fromEntries(values.filter((v) => v.labels.source === "prod-eu" && v.labels.reason === reason).map((v) => [String(v.labels.kind), v.value]));
}

const versions = (store: MemoryStore) => Object.fromEntries(Object.entries(store.state?.kinds ?? {}).map(([plural, k]) => [plural, k.resourceVersion]));

async function fleet(): Promise<KubernetesTestServer> {
  const s = await startKubernetesTestServer();
  s.upsert(gitRepository({ name: "flux-system", url: FLEET }));
  s.upsert(kustomization({ name: "apps", path: "./apps/production" }));
  s.upsert(helmRelease({ name: "podinfo", namespace: "podinfo", chart: { name: "podinfo", version: "6.x", source: { kind: "HelmRepository", name: "podinfo", namespace: "flux-system" } }, deployed: { chartName: "podinfo", chartVersion: "6.7.1" } }));
  s.upsert(argoApplicationObject({ name: "shop", repoURL: "https://github.com/acme/gitops", path: "apps/shop" }));
  return s;
}

describe("followKubernetes", () => {
  it("lists every kind once and stores the whole set, then follows each kind's watch", async () => {
    server = await fleet();
    const store = new MemoryStore();
    await follow(server, store);
    expect(store.calls[0]).toBe("replaceAll 3");
    expect([...store.apps.keys()].sort()).toEqual(["Application/argocd/shop", "HelmRelease/podinfo/podinfo", "Kustomization/flux-system/apps"]);
    expect(store.apps.get("Kustomization/flux-system/apps")).toMatchObject({ sync: "Ready", health: "Healthy", sources: [{ repoURL: FLEET, path: "./apps/production", targetRevision: "main" }] });
    expect(server.requests.list).toEqual({ kustomizations: 1, helmreleases: 1, gitrepositories: 1, ocirepositories: 1, applications: 1 });
    await expect.poll(() => server?.openWatches()).toBe(5);

    // A burst of events is one write; a GitRepository moving to another URL rewrites the Kustomization reading it.
    const s = server;
    s.upsert(kustomization({ name: "apps", path: "./apps/production", readiness: "Reconciling" }));
    s.upsert(kustomization({ name: "apps", path: "./apps/production", readiness: "Stalled" }));
    s.upsert(gitRepository({ name: "flux-system", url: "https://github.com/acme/fleet-v2" }));
    await expect.poll(() => store.apps.get("Kustomization/flux-system/apps")?.sync).toBe("Stalled");
    expect(store.apps.get("Kustomization/flux-system/apps")?.sources[0]?.repoURL).toBe("https://github.com/acme/fleet-v2");
    expect(store.calls.slice(1)).toEqual(["apply +Kustomization/flux-system/apps"]);

    s.remove("HelmRelease", "podinfo", "podinfo");
    await expect.poll(() => store.calls.at(-1)).toBe("apply -HelmRelease/podinfo/podinfo");

    // Idle: nothing is asked again while the watches stay open.
    const before = JSON.stringify(s.requests);
    await new Promise((r) => setTimeout(r, 500));
    expect(JSON.stringify(s.requests)).toBe(before);
  });

  it("asks for bookmarks, counts one as the API server answering, and stores the version it moves to", async () => {
    server = await fleet();
    const store = new MemoryStore();
    start(server, store, { saveVersionMs: 0 });
    await expect.poll(() => store.writes).toBe(1);
    await expect.poll(() => server?.openWatches()).toBe(5);
    const listed = versions(store);
    expect(Object.keys(listed).sort()).toEqual(["applications", "gitrepositories", "helmreleases", "kustomizations", "ocirepositories"]);
    // Another kind's write moves the global resourceVersion past what these watches saw.
    server.upsert(argoApplicationObject({ name: "cart", repoURL: "https://github.com/acme/gitops", path: "apps/cart" }));
    await expect.poll(() => store.calls.filter((c) => c.startsWith("apply"))).toEqual(["apply +Application/argocd/cart"]);
    const before = JSON.stringify(server.requests);
    server.bookmark();
    await expect.poll(() => store.calls).toContain("reachable");
    await expect.poll(() => versions(store).kustomizations).toBe(String(server.resourceVersion()));
    expect(versions(store).kustomizations).not.toBe(listed.kustomizations);
    // No row write for a bookmark, and no request: the watches stay open.
    expect(store.calls.filter((c) => c.startsWith("apply"))).toEqual(["apply +Application/argocd/cart"]);
    expect(JSON.stringify(server.requests)).toBe(before);
  });

  it("after a restart, watches each kind from its stored resourceVersion: no list, changes made meanwhile arrive, an idle stream costs nothing", async () => {
    server = await fleet();
    const s = server;
    const store = new MemoryStore();
    await follow(s, store);
    await expect.poll(() => s.openWatches()).toBe(5);
    s.upsert(kustomization({ name: "apps", path: "./apps/production", readiness: "Reconciling" }));
    await expect.poll(() => store.apps.get("Kustomization/flux-system/apps")?.sync).toBe("Reconciling");
    await halt();
    const stored = versions(store);
    expect(stored.kustomizations).toBe(String(s.resourceVersion()));

    // While nobody follows: one object changes, one is deleted.
    s.upsert(kustomization({ name: "apps", path: "./apps/production", readiness: "Stalled" }));
    s.remove("HelmRelease", "podinfo", "podinfo");
    const lists = { ...s.requests.list };
    const watches = { ...s.requests.watch };
    store.calls = [];
    start(s, store);
    await expect.poll(() => store.apps.get("Kustomization/flux-system/apps")?.sync).toBe("Stalled");
    await expect.poll(() => store.apps.has("HelmRelease/podinfo/podinfo")).toBe(false);
    await expect.poll(() => s.openWatches()).toBe(5);
    expect(s.requests.list).toEqual(lists);
    expect(Object.fromEntries(Object.entries(s.requests.watch).map(([k, n]) => [k, n - (watches[k] ?? 0)]))).toEqual({ kustomizations: 1, helmreleases: 1, gitrepositories: 1, ocirepositories: 1, applications: 1 });
    expect(Object.fromEntries(Object.entries(s.watchedFrom).map(([k, from]) => [k, from.at(-1)]))).toEqual(stored);
    expect(store.calls.filter((c) => c.startsWith("replaceAll"))).toEqual([]);
    expect(store.calls).toContain("reachable");
    expect(logged.at(-1)).toMatch(/from the stored resourceVersions, without listing/);

    const idle = JSON.stringify(s.requests);
    await new Promise((r) => setTimeout(r, 500));
    expect(JSON.stringify(s.requests)).toBe(idle);

    // A GitRepository moving to another URL: the Kustomizations reading it are known only after a list.
    s.upsert(gitRepository({ name: "flux-system", url: "https://github.com/acme/fleet-v2" }));
    await expect.poll(() => store.apps.get("Kustomization/flux-system/apps")?.sources[0]?.repoURL).toBe("https://github.com/acme/fleet-v2");
    expect(s.requests.list.kustomizations).toBe((lists.kustomizations ?? 0) + 1);
    expect(await listsCounted("source-changed")).toEqual({ kustomizations: 1, helmreleases: 1 });
    expect(store.apps.get("Kustomization/flux-system/apps")?.sync).toBe("Stalled");
  });

  it("after a restart with an expired stored version: 410 Gone, one list of each kind, and what went away meanwhile is deleted", async () => {
    server = await fleet();
    const s = server;
    const store = new MemoryStore();
    await follow(s, store);
    await expect.poll(() => s.openWatches()).toBe(5);
    await halt();

    s.remove("Kustomization", "flux-system", "apps");
    s.upsert(kustomization({ name: "infra", path: "./infrastructure" }));
    s.compact();
    const lists = { ...s.requests.list };
    const counted = await listsCounted("expired");
    store.calls = [];
    logged.length = 0;
    start(s, store);
    await expect.poll(() => store.apps.has("Kustomization/flux-system/infra")).toBe(true);
    await expect.poll(() => store.apps.has("Kustomization/flux-system/apps")).toBe(false);
    await expect.poll(() => s.openWatches()).toBe(5);
    expect(Object.fromEntries(Object.entries(s.requests.list).map(([k, n]) => [k, n - (lists[k] ?? 0)]))).toEqual({ kustomizations: 1, helmreleases: 1, gitrepositories: 1, ocirepositories: 1, applications: 1 });
    expect(logged.filter((l) => l.includes("expired (410 Gone): listing again"))).toHaveLength(5);
    const after = await listsCounted("expired");
    expect(Object.fromEntries(Object.entries(after).map(([k, n]) => [k, n - (counted[k] ?? 0)]))).toEqual({ kustomizations: 1, helmreleases: 1, gitrepositories: 1, ocirepositories: 1, applications: 1 });
    expect(store.calls.filter((c) => c.startsWith("unreachable"))).toEqual([]);
    expect([...store.apps.keys()].sort()).toEqual(["Application/argocd/shop", "HelmRelease/podinfo/podinfo", "Kustomization/flux-system/infra"]);
  });

  it("lists when the stored versions are of another API server (the source was pointed at another cluster)", async () => {
    server = await fleet();
    const s = server;
    const store = new MemoryStore();
    await follow(s, store);
    await expect.poll(() => s.openWatches()).toBe(5);
    await halt();
    expect(store.state?.server).toBe(s.url);
    store.state = { ...(store.state as KubernetesResumeState), server: "https://another-cluster.example:6443" };
    const lists = s.requests.list.kustomizations ?? 0;
    store.calls = [];
    start(s, store);
    await expect.poll(() => store.calls[0]).toBe("replaceAll 3");
    expect(s.requests.list.kustomizations).toBe(lists + 1);
  });

  it("relists after 410 Gone without counting the source as unreachable", async () => {
    server = await fleet();
    const store = new MemoryStore();
    await follow(server, store);
    await expect.poll(() => server?.openWatches()).toBe(5);
    const s = server;
    // Changes the watches miss while they reconnect, from a resourceVersion the server no longer has.
    s.upsert(kustomization({ name: "apps", path: "./apps/production", readiness: "Failed" }));
    s.compact();
    s.dropWatches();
    await expect.poll(() => s.requests.list.kustomizations, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => store.apps.get("Kustomization/flux-system/apps")?.sync).toBe("NotReady");
    expect(store.calls.filter((c) => c.startsWith("unreachable"))).toEqual([]);
  });

  it("is unreachable while the API server is gone, and follows again once it answers", async () => {
    server = await fleet();
    const port = Number(new URL(server.url).port);
    const store = new MemoryStore();
    await follow(server, store);
    await expect.poll(() => server?.openWatches()).toBe(5);
    const resourceVersion = server.resourceVersion();
    await server.close();
    await expect.poll(() => store.calls.find((c) => c.startsWith("unreachable")), { timeout: 10_000 }).toMatch(/^unreachable .*(ECONNREFUSED|socket hang up|terminated|closed)/);
    server = await startKubernetesTestServer({ port, resourceVersion });
    server.upsert(gitRepository({ name: "flux-system", url: FLEET }));
    server.upsert(kustomization({ name: "apps", path: "./apps/production", readiness: "Reconciling" }));
    await expect.poll(() => store.apps.get("Kustomization/flux-system/apps")?.sync, { timeout: 10_000 }).toBe("Reconciling");
    await expect.poll(() => store.calls.at(-1) === "reachable" || store.calls.lastIndexOf("reachable") > store.calls.findLastIndex((c) => c.startsWith("unreachable")), { timeout: 10_000 }).toBe(true);
  });

  it("says unauthorized for a wrong token, and leaves out a kind the cluster does not serve", async () => {
    server = await fleet();
    const refused = new MemoryStore();
    await follow(server, refused, "wrong");
    expect(refused.calls[0]).toMatch(/^unreachable list [a-z]+\.[a-z.]+: unauthorized$/);
    stop?.abort();
    await following;

    server.withoutKinds(["Application"]);
    const store = new MemoryStore();
    await follow(server, store);
    expect(store.calls[0]).toBe("replaceAll 2");
    await expect.poll(() => server?.openWatches()).toBe(4);
  });
});
