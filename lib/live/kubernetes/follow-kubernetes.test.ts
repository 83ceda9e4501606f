import { KubeConfig } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import type { LiveStateStore } from "../follow";
import { argoApplicationObject, gitRepository, helmRelease, kustomization } from "../testing/flux-objects";
import { startKubernetesTestServer, type KubernetesTestServer } from "../testing/kubernetes-test-server";
import type { LiveApplication, LiveEvent } from "../types";
import { followKubernetes } from "./follow-kubernetes";

// The Kubernetes source driven through @kubernetes/client-node's informers against the Kubernetes API
// test server (objects validated against the Flux and Argo CD CRDs): list, watch, bookmarks, 410 Gone →
// relist, an API server that goes away and comes back, and a cluster without Argo CD.

class MemoryStore implements LiveStateStore {
  apps = new Map<string, LiveApplication>();
  calls: string[] = [];
  writes = 0;
  async resumePoint() {
    return { resourceVersion: null, stale: true };
  }
  async replaceAll(applications: LiveApplication[]) {
    this.calls.push(`replaceAll ${applications.length}`);
    this.writes++;
    this.apps = new Map(applications.map((a) => [a.key, a]));
  }
  async apply(events: LiveEvent[]) {
    this.calls.push(`apply ${events.map((e) => (e.type === "delete" ? `-${e.key}` : `+${e.application.key}`)).join(" ")}`);
    this.writes++;
    for (const e of events) {
      if (e.type === "delete") this.apps.delete(e.key);
      else this.apps.set(e.application.key, e.application);
    }
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

async function follow(s: KubernetesTestServer, store: MemoryStore, token = s.token) {
  stop = new AbortController();
  following = followKubernetes({ kubeConfig: kubeConfig(s.url, token), cluster: "prod-eu", store, signal: stop.signal, backoffMs: 50, maxBackoffMs: 200, batchMs: 50 });
  await expect.poll(() => store.writes + store.calls.filter((c) => c.startsWith("unreachable")).length, { timeout: 10_000 }).toBeGreaterThan(0);
}

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

  it("asks for bookmarks and counts one as the API server answering", async () => {
    server = await fleet();
    const store = new MemoryStore();
    await follow(server, store);
    await expect.poll(() => server?.openWatches()).toBe(5);
    server.bookmark();
    await expect.poll(() => store.calls).toContain("reachable");
    expect(store.calls.filter((c) => c.startsWith("apply"))).toEqual([]);
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
