import { describe, expect, it } from "vitest";
import { gitRepository, helmRelease, kustomization, ociRepository } from "../testing/flux-objects";
import { fluxRevision, fluxState, reshapeHelmRelease, reshapeKustomization, type FluxSources } from "./reshape-flux";
import type { FluxHelmRelease, FluxKustomization, FluxSource } from "./wire";

const SHA = "3f1c2a9e8b7d6c5f4a3b2c1d0e9f8a7b6c5d4e3f";
const sourcesOf = (...objects: { kind: string; metadata: { name: string; namespace: string } }[]): FluxSources => ({
  get: (kind, namespace, name) => objects.find((o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name) as FluxSource | undefined,
});
const fleet = gitRepository({ name: "flux-system", url: "ssh://git@github.com/acme/fleet" });

describe("Flux objects as live state", () => {
  it("reads a Kustomization's source URL, folder and branch, its readiness and the applied commit", () => {
    const k = kustomization({ name: "apps", path: "./apps/production", revision: `main@sha1:${SHA}`, at: "2026-12-02T11:05:00Z" }) as FluxKustomization;
    expect(reshapeKustomization(k, sourcesOf(fleet), "prod-eu")).toEqual({
      key: "Kustomization/flux-system/apps",
      name: "apps",
      namespace: "flux-system",
      sync: "Ready",
      health: "Healthy",
      revision: SHA,
      images: [],
      sources: [{ repoURL: "ssh://git@github.com/acme/fleet", path: "./apps/production", targetRevision: "main" }],
      destination: { name: "prod-eu", namespace: "flux-system" },
      appliedAt: "2026-12-02T11:05:00Z",
      healthSince: "2026-12-02T11:05:00Z",
      resourceVersion: null,
    });
  });

  it("says Reconciling, Stalled and NotReady as kstatus does, and Suspended when suspended", () => {
    expect(reshapeKustomization(kustomization({ name: "a", path: ".", readiness: "Reconciling" }) as FluxKustomization, sourcesOf(fleet), "c")).toMatchObject({ sync: "Reconciling", health: "Progressing", appliedAt: null });
    expect(reshapeKustomization(kustomization({ name: "a", path: ".", readiness: "Stalled" }) as FluxKustomization, sourcesOf(fleet), "c")).toMatchObject({ sync: "Stalled", health: "Degraded" });
    expect(reshapeKustomization(kustomization({ name: "a", path: ".", readiness: "Failed" }) as FluxKustomization, sourcesOf(fleet), "c")).toMatchObject({ sync: "NotReady", health: "Degraded" });
    expect(reshapeKustomization(kustomization({ name: "a", path: ".", suspend: true }) as FluxKustomization, sourcesOf(fleet), "c")).toMatchObject({ sync: "Ready", health: "Suspended" });
    expect(fluxState(undefined, false)).toEqual({ sync: "Unknown", health: "Unknown", since: null });
  });

  it("has no source to place by when the GitRepository is not there, and names a tag as the revision followed", () => {
    expect(reshapeKustomization(kustomization({ name: "a", path: "." }) as FluxKustomization, sourcesOf(), "c")?.sources).toEqual([]);
    const tagged = gitRepository({ name: "flux-system", url: "https://github.com/acme/fleet", tag: "v1.2.0" });
    expect(reshapeKustomization(kustomization({ name: "a", path: "./x" }) as FluxKustomization, sourcesOf(tagged), "c")?.sources[0]?.targetRevision).toBe("v1.2.0");
  });

  it("reads a HelmRelease's chart and the chart version it deployed (status.history[0])", () => {
    const h = helmRelease({ name: "podinfo", namespace: "apps", chart: { name: "podinfo", version: "6.x", source: { kind: "HelmRepository", name: "podinfo" } }, deployed: { chartName: "podinfo", chartVersion: "6.7.1", at: "2026-12-02T11:07:00Z" } });
    expect(reshapeHelmRelease(h as FluxHelmRelease, sourcesOf(), "prod-eu")).toMatchObject({
      key: "HelmRelease/apps/podinfo",
      sync: "Ready",
      health: "Healthy",
      revision: "6.7.1",
      sources: [{ repoURL: "HelmRepository apps/podinfo", chart: "podinfo" }],
      destination: { name: "prod-eu", namespace: "apps" },
      appliedAt: "2026-12-02T11:07:00Z",
    });
    const oci = ociRepository({ name: "podinfo", namespace: "apps", url: "oci://ghcr.io/stefanprodan/charts/podinfo" });
    expect(reshapeHelmRelease(helmRelease({ name: "podinfo", namespace: "apps", chartRef: { kind: "OCIRepository", name: "podinfo" } }) as FluxHelmRelease, sourcesOf(oci), "c")?.sources).toEqual([
      { repoURL: "oci://ghcr.io/stefanprodan/charts/podinfo", chart: "podinfo" },
    ]);
  });

  it("places a Kustomization that applies an OCIRepository by the artifact, not by a folder of a git repository", () => {
    const oci = ociRepository({ name: "payments", namespace: "flux-system", url: "oci://ghcr.io/acme/manifests/payments" });
    const k = kustomization({ name: "payments", path: "./", source: { kind: "OCIRepository", name: "payments" } }) as FluxKustomization;
    expect(reshapeKustomization(k, sourcesOf(oci), "prod-eu")?.sources).toEqual([{ repoURL: "oci://ghcr.io/acme/manifests/payments", artifact: "oci://ghcr.io/acme/manifests/payments", path: "./" }]);
  });

  it("takes the commit out of every revision format Flux has written", () => {
    expect(fluxRevision(`main@sha1:${SHA}`)).toBe(SHA);
    expect(fluxRevision(`main/${SHA}`)).toBe(SHA);
    expect(fluxRevision("latest@sha256:abc")).toBe("latest@sha256:abc");
    expect(fluxRevision(undefined)).toBeNull();
  });
});
