import { describe, expect, it } from "vitest";
import type { FileTree } from "../model";
import { readRepository } from ".";

const ks = (name: string, path: string) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ${path}\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;
const release = (name: string, version: string) =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\nspec:\n  chart:\n    spec:\n      chart: ${name}\n      version: "${version}"\n      sourceRef: {kind: HelmRepository, name: charts}\n`;
const deployment = (name: string, image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: ${name}\n          image: ${image}\n`;

/** An aggregate folder listing app folders: `edge/` renders a release and a plain Deployment beside it. */
function platform(root: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    [`${root}/kustomization.yaml`]: "resources:\n  - namespaces.yaml\n  - edge\n  - logging\n",
    [`${root}/namespaces.yaml`]: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: edge\n",
    [`${root}/edge/kustomization.yaml`]: "resources:\n  - release.yaml\n  - cache.yaml\n",
    [`${root}/edge/release.yaml`]: release("gateway", "2.38.0"),
    [`${root}/edge/cache.yaml`]: deployment("cache", "valkey:8.0.1"),
    [`${root}/logging/kustomization.yaml`]: "resources:\n  - release.yaml\n",
    [`${root}/logging/release.yaml`]: release("collector", "6.16.6"),
    ...extra,
  };
}

const cells = (tree: FileTree) =>
  readRepository(tree)
    .deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => `${v.name}:${v.value}`).join(",")}`)
    .sort();

describe("a workload left over beside the releases of a folder of app folders", () => {
  const fluxTree = (extra: Record<string, string> = {}): FileTree =>
    new Map(
      Object.entries({
        "clusters/dev/flux-system/gotk-sync.yaml": ks("flux-system", "./clusters/dev"),
        "clusters/dev/infrastructure.yaml": ks("infrastructure", "./infrastructure"),
        ...platform("infrastructure", extra),
      }),
    );

  it("is an app named after the workload when its folder also holds a release, not the aggregate folder's", () => {
    expect(cells(fluxTree())).toEqual(["cache@dev=valkey:8.0.1", "collector@dev=collector:6.16.6", "gateway@dev=gateway:2.38.0"]);
  });

  it("is named after its folder when the folder holds no release", () => {
    const tree = fluxTree({
      "infrastructure/kustomization.yaml": "resources:\n  - edge\n  - logging\n  - proxy\n",
      "infrastructure/proxy/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "infrastructure/proxy/deployment.yaml": deployment("envoy", "envoyproxy/envoy:v1.31.2"),
    });
    expect(cells(tree)).toEqual(["cache@dev=valkey:8.0.1", "collector@dev=collector:6.16.6", "gateway@dev=gateway:2.38.0", "proxy@dev=envoyproxy/envoy:v1.31.2"]);
  });

  // The aggregate folder's Kustomization is named for a layer (`infrastructure`), which names no app: the workload does.
  it("is named after the workload when the aggregate folder declares it itself", () => {
    const tree = fluxTree({
      "infrastructure/kustomization.yaml": "resources:\n  - edge\n  - logging\n  - exporter.yaml\n",
      "infrastructure/exporter.yaml": deployment("exporter", "prom/statsd-exporter:v0.27.1"),
    });
    expect(cells(tree)).toContain("exporter@dev=prom/statsd-exporter:v0.27.1");
  });

  it("in a folder its parent lists alone, stays with the aggregate folder's app, named after the workload", () => {
    const tree = fluxTree({ "infrastructure/kustomization.yaml": "resources:\n  - namespaces.yaml\n  - edge\n" });
    expect(cells(tree)).toEqual(["cache@dev=valkey:8.0.1", "gateway@dev=gateway:2.38.0"]);
  });

  it("read by the folder layout (no Flux cluster), is split from the env folder's releases the same way", () => {
    const tree: FileTree = new Map(Object.entries({ ...platform("infrastructure/overlays/staging"), ...platform("infrastructure/overlays/production") }));
    expect(cells(tree)).toEqual([
      "cache@production=valkey:8.0.1",
      "cache@staging=valkey:8.0.1",
      "collector@production=collector:6.16.6",
      "collector@staging=collector:6.16.6",
      "gateway@production=gateway:2.38.0",
      "gateway@staging=gateway:2.38.0",
    ]);
  });
});
