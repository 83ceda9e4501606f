import { describe, expect, it } from "vitest";
import { readRepository } from "../index";

const ks = (name: string, path: string) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ${path}\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;

const workload = (kind: string, name: string, image: string, annotations = "") =>
  `apiVersion: ${kind === "Pod" ? "v1" : "apps/v1"}\nkind: ${kind}\nmetadata:\n  name: ${name}\n${annotations}spec:\n  template:\n    spec:\n      containers:\n        - name: main\n          image: ${image}\n`;

const service = (name: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  ports:\n    - port: 80\n`;

function cells(tree: Record<string, string>, rootAppName?: string): string[] {
  const model = readRepository(new Map(Object.entries(tree)), rootAppName === undefined ? {} : { rootAppName });
  return model.deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => `${v.name}:${v.value}`).join(",")}`).sort();
}

const bootstrap = (cluster: string) => ({ [`clusters/${cluster}/flux-system/gotk-sync.yaml`]: ks("flux-system", `./clusters/${cluster}`) });

describe("apps named by their workloads where the Flux Kustomization names a layer", () => {
  // A service repository carrying its own Flux entry points: `apps` (the Flux example's name) applies its overlays.
  const serviceRepo = (kustomizationName: string) => ({
    ...bootstrap("staging"),
    ...bootstrap("production"),
    "clusters/staging/apps.yaml": ks(kustomizationName, "./deploy/overlays/staging"),
    "clusters/production/apps.yaml": ks(kustomizationName, "./deploy/overlays/production"),
    "deploy/base/kustomization.yaml": "resources: [deployment.yaml, service.yaml, test-pod.yaml]\n",
    "deploy/base/deployment.yaml": workload("Deployment", "gateway", "registry.example.com/gateway:1.0.0"),
    "deploy/base/service.yaml": service("gateway"),
    // A chart's test Pod rendered into the base runs beside the app and does not name it.
    "deploy/base/test-pod.yaml": workload("Pod", "gateway-test-connection", "busybox", '  annotations:\n    "helm.sh/hook": test\n'),
    "deploy/overlays/staging/kustomization.yaml": "resources: [../../base]\nimages:\n  - name: registry.example.com/gateway\n    newTag: 1.1.0\n",
    "deploy/overlays/production/kustomization.yaml": "resources: [../../base]\nimages:\n  - name: registry.example.com/gateway\n    newTag: 1.0.5\n",
  });

  it("names a repository-named overlay after its one workload, not after a layer-named Kustomization", () => {
    expect(cells(serviceRepo("apps"), "gateway-repo")).toEqual([
      "gateway@production=registry.example.com/gateway:1.0.5,busybox:null",
      "gateway@staging=registry.example.com/gateway:1.1.0,busybox:null",
    ]);
  });

  it("keeps the name of a Kustomization that names what it deploys", () => {
    expect(cells(serviceRepo("edge-api"), "gateway-repo")).toEqual([
      "edge-api@production=registry.example.com/gateway:1.0.5,busybox:null",
      "edge-api@staging=registry.example.com/gateway:1.1.0,busybox:null",
    ]);
  });

  it("makes each workload of an env folder Flux applies whole (no kustomization.yaml) an app of its own", () => {
    expect(
      cells({
        ...bootstrap("production"),
        "clusters/production/apps.yaml": ks("apps", "./apps"),
        "apps/production/podinfo.yaml": workload("Deployment", "podinfo", "ghcr.io/example/podinfo:6.0.0") + "---\n" + service("podinfo"),
        "apps/production/producer.yaml": workload("StatefulSet", "producer", "registry.example.com/kafka-tools:7.1.0"),
      }),
    ).toEqual(["podinfo@production=ghcr.io/example/podinfo:6.0.0", "producer@production=registry.example.com/kafka-tools:7.1.0"]);
  });

  it("does the same for workloads placed directly in the folder a layer-named Kustomization applies", () => {
    expect(
      cells({
        ...bootstrap("lab"),
        "clusters/lab/apps.yaml": ks("apps", "./workloads"),
        "workloads/cache.yaml": workload("StatefulSet", "cache", "registry.example.com/cache:2.0.0"),
        "workloads/api.yaml": workload("Deployment", "api", "registry.example.com/api:3.4.0"),
      }),
    ).toEqual(["api@lab=registry.example.com/api:3.4.0", "cache@lab=registry.example.com/cache:2.0.0"]);
  });

  it("keeps one app where the workloads belong together: named after one of them, or declared in one file", () => {
    expect(
      cells({
        ...bootstrap("lab"),
        "clusters/lab/apps.yaml": ks("apps", "./workloads"),
        "workloads/web.yaml": workload("Deployment", "web", "registry.example.com/web:1.2.0"),
        "workloads/worker.yaml": workload("Deployment", "web-worker", "registry.example.com/web:1.2.0"),
      }),
    ).toEqual(["web@lab=registry.example.com/web:1.2.0,registry.example.com/web:1.2.0"]);
    expect(
      cells({
        ...bootstrap("lab"),
        "clusters/lab/apps.yaml": ks("apps", "./workloads"),
        "workloads/all.yaml": workload("Deployment", "api", "registry.example.com/api:3.4.0") + "---\n" + workload("Deployment", "cache", "registry.example.com/cache:2.0.0"),
      }),
    ).toEqual(["apps@lab=registry.example.com/api:3.4.0,registry.example.com/cache:2.0.0"]);
  });

  it("leaves a Kustomization with a name of its own in charge of the workloads it applies", () => {
    expect(
      cells({
        ...bootstrap("lab"),
        "clusters/lab/shop.yaml": ks("shop", "./shop"),
        "shop/cart.yaml": workload("Deployment", "cart", "registry.example.com/cart:1.0.0"),
        "shop/checkout.yaml": workload("Deployment", "checkout", "registry.example.com/checkout:1.0.0"),
      }),
    ).toEqual(["shop@lab=registry.example.com/cart:1.0.0,registry.example.com/checkout:1.0.0"]);
  });
});
