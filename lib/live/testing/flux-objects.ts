import type { KubeObject } from "./kubernetes-test-server";

// Flux and Argo CD objects as their controllers write them, for the Kubernetes API test server (which
// validates each against its CRD). Only what the tests vary is a parameter.

export type FluxReadiness = "Ready" | "Reconciling" | "Stalled" | "Failed";

const T0 = "2026-12-02T11:00:00Z";

/** kstatus conditions as Flux sets them for each readiness. */
export function fluxConditions(readiness: FluxReadiness, at = T0, revision = "main@sha1:0000000000000000000000000000000000000000"): unknown[] {
  const ready = (status: string, reason: string, message: string) => ({ type: "Ready", status, reason, message, lastTransitionTime: at, observedGeneration: 1 });
  switch (readiness) {
    case "Ready":
      return [ready("True", "ReconciliationSucceeded", `Applied revision: ${revision}`)];
    case "Reconciling":
      return [
        { type: "Reconciling", status: "True", reason: "Progressing", message: `Fetching revision ${revision}`, lastTransitionTime: at, observedGeneration: 2 },
        ready("Unknown", "Progressing", "Reconciliation in progress"),
      ];
    case "Stalled":
      return [
        { type: "Stalled", status: "True", reason: "BuildFailed", message: "kustomize build failed: missing resource", lastTransitionTime: at, observedGeneration: 2 },
        ready("False", "BuildFailed", "kustomize build failed: missing resource"),
      ];
    case "Failed":
      return [ready("False", "HealthCheckFailed", "health check failed after 5m0s: timeout waiting for: [Deployment/shop/shop status: 'InProgress']")];
  }
}

export function gitRepository(a: { name: string; namespace?: string; url: string; branch?: string; tag?: string }): KubeObject {
  return {
    kind: "GitRepository",
    metadata: { name: a.name, namespace: a.namespace ?? "flux-system" },
    spec: { interval: "1m0s", url: a.url, ref: a.tag ? { tag: a.tag } : { branch: a.branch ?? "main" } },
  };
}

export function ociRepository(a: { name: string; namespace?: string; url: string; tag?: string }): KubeObject {
  return { kind: "OCIRepository", metadata: { name: a.name, namespace: a.namespace ?? "flux-system" }, spec: { interval: "5m", url: a.url, ref: { tag: a.tag ?? "latest" } } };
}

export function kustomization(a: {
  name: string;
  namespace?: string;
  path: string;
  source?: { kind: "GitRepository" | "OCIRepository"; name: string; namespace?: string };
  readiness?: FluxReadiness;
  revision?: string;
  at?: string;
  suspend?: boolean;
}): KubeObject {
  const revision = a.revision ?? "main@sha1:0000000000000000000000000000000000000000";
  const readiness = a.readiness ?? "Ready";
  return {
    kind: "Kustomization",
    metadata: { name: a.name, namespace: a.namespace ?? "flux-system" },
    spec: { interval: "10m0s", path: a.path, prune: true, sourceRef: a.source ?? { kind: "GitRepository", name: "flux-system" }, ...(a.suspend ? { suspend: true } : {}) },
    status: {
      observedGeneration: 1,
      conditions: fluxConditions(readiness, a.at, revision),
      lastAttemptedRevision: revision,
      ...(readiness === "Ready" ? { lastAppliedRevision: revision } : {}),
    },
  };
}

export function helmRelease(a: {
  name: string;
  namespace?: string;
  chart?: { name: string; version: string; source: { kind: "HelmRepository" | "GitRepository"; name: string; namespace?: string } };
  chartRef?: { kind: "OCIRepository"; name: string; namespace?: string };
  readiness?: FluxReadiness;
  deployed?: { chartName: string; chartVersion: string; at?: string };
}): KubeObject {
  const readiness = a.readiness ?? "Ready";
  const at = a.deployed?.at ?? T0;
  return {
    kind: "HelmRelease",
    metadata: { name: a.name, namespace: a.namespace ?? "flux-system" },
    spec: {
      interval: "30m",
      ...(a.chart ? { chart: { spec: { chart: a.chart.name, version: a.chart.version, sourceRef: a.chart.source } } } : {}),
      ...(a.chartRef ? { chartRef: a.chartRef } : {}),
    },
    status: {
      observedGeneration: 1,
      conditions: fluxConditions(readiness, at, a.deployed ? `${a.deployed.chartVersion}` : undefined),
      ...(a.deployed
        ? {
            lastAttemptedRevision: a.deployed.chartVersion,
            history: [
              { name: a.name, namespace: a.namespace ?? "flux-system", version: 1, status: "deployed", chartName: a.deployed.chartName, chartVersion: a.deployed.chartVersion, configDigest: "sha256:0", digest: "sha256:1", firstDeployed: at, lastDeployed: at },
            ],
          }
        : {}),
    },
  };
}

export function argoApplicationObject(a: { name: string; repoURL: string; path: string; sync?: string; health?: string; revision?: string }): KubeObject {
  return {
    kind: "Application",
    metadata: { name: a.name, namespace: "argocd" },
    spec: { project: "default", source: { repoURL: a.repoURL, path: a.path, targetRevision: "HEAD" }, destination: { server: "https://kubernetes.default.svc", namespace: a.name } },
    status: { sync: { status: a.sync ?? "Synced", revision: a.revision }, health: { status: a.health ?? "Healthy" } },
  };
}
