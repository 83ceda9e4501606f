import { describe, expect, it } from "vitest";
import { loadCrd, validateCrdSchema } from "./crd-schema";
import { argoApplicationObject, gitRepository, helmRelease, kustomization, ociRepository } from "./flux-objects";

// The objects the Kubernetes test server serves conform to the published CRDs, and the validator
// catches what the API server would refuse or prune.

const crd = {
  Kustomization: loadCrd("flux-crds/kustomize.toolkit.fluxcd.io_kustomizations.yaml"),
  HelmRelease: loadCrd("flux-crds/helm.toolkit.fluxcd.io_helmreleases.yaml"),
  GitRepository: loadCrd("flux-crds/source.toolkit.fluxcd.io_gitrepositories.yaml"),
  OCIRepository: loadCrd("flux-crds/source.toolkit.fluxcd.io_ocirepositories.yaml"),
  Application: loadCrd("argocd-crds/application-crd.yaml"),
};
const check = (o: { kind: keyof typeof crd }) => validateCrdSchema(o, crd[o.kind].schema);

describe("CRD schemas", () => {
  it("serves the versions the Kubernetes source asks for", () => {
    expect(Object.values(crd).map((c) => `${c.plural}.${c.group}/${c.version}`)).toEqual([
      "kustomizations.kustomize.toolkit.fluxcd.io/v1",
      "helmreleases.helm.toolkit.fluxcd.io/v2",
      "gitrepositories.source.toolkit.fluxcd.io/v1",
      "ocirepositories.source.toolkit.fluxcd.io/v1",
      "applications.argoproj.io/v1alpha1",
    ]);
  });

  it("accepts the test objects in every readiness", () => {
    for (const readiness of ["Ready", "Reconciling", "Stalled", "Failed"] as const) {
      expect(check(kustomization({ name: "apps", path: "./apps/production", readiness }) as never)).toEqual([]);
      expect(check(helmRelease({ name: "podinfo", chart: { name: "podinfo", version: "6.x", source: { kind: "HelmRepository", name: "podinfo" } }, readiness, deployed: { chartName: "podinfo", chartVersion: "6.7.1" } }) as never)).toEqual([]);
    }
    expect(check(helmRelease({ name: "podinfo", chartRef: { kind: "OCIRepository", name: "podinfo" } }) as never)).toEqual([]);
    expect(check(gitRepository({ name: "flux-system", url: "https://github.com/acme/fleet" }) as never)).toEqual([]);
    expect(check(ociRepository({ name: "podinfo", url: "oci://ghcr.io/stefanprodan/charts/podinfo" }) as never)).toEqual([]);
    expect(check(argoApplicationObject({ name: "shop", repoURL: "https://github.com/acme/gitops", path: "apps/shop" }) as never)).toEqual([]);
  });

  it("refuses what the API server would not return", () => {
    const k = kustomization({ name: "apps", path: "./apps" }) as { spec: Record<string, unknown>; status: { conditions: Record<string, unknown>[] } };
    expect(validateCrdSchema({ ...k, spec: { ...k.spec, prune: "yes", interval: "often", extra: 1 } }, crd.Kustomization.schema)).toEqual([
      "$.spec.interval: \"often\" does not match ^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$",
      "$.spec.prune: expected a boolean, got \"yes\"",
      "$.spec.extra: not in the schema",
    ]);
    const badCondition = { ...k, status: { conditions: [{ type: "Ready", status: "Yes" }] } };
    expect(validateCrdSchema(badCondition, crd.Kustomization.schema)).toEqual(expect.arrayContaining(["$.status.conditions[0].lastTransitionTime: required", '$.status.conditions[0].status: "Yes" is not one of ["True","False","Unknown"]']));
    expect(validateCrdSchema(gitRepository({ name: "x", url: "/srv/git/x" }), crd.GitRepository.schema)).toEqual(["$.spec.url: \"/srv/git/x\" does not match ^(http|https|ssh)://.*$"]);
  });
});
