import { describe, expect, it } from "vitest";
import { readRepository } from "../index";

const ks = (name: string, path: string) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ${path}\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;
const deployment = (name: string, image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: ${name}\n          image: ${image}\n`;

function cells(tree: Record<string, string>) {
  const model = readRepository(new Map(Object.entries(tree)), { rootAppName: "repo" });
  return model.deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => v.value).join(",")}`).sort();
}

/** A cluster whose Kustomizations each apply a folder of plain manifests that names no app (`workloads/u<n>-<env>`). */
function cluster(env: string, kustomizations: Record<string, string>): Record<string, string> {
  const tree: Record<string, string> = { [`clusters/${env}/flux-system/gotk-sync.yaml`]: ks("flux-system", `./clusters/${env}`) };
  Object.entries(kustomizations).forEach(([name, tag], i) => {
    tree[`clusters/${env}/${name}.yaml`] = ks(name, `./workloads/u${i}-${env}`);
    tree[`workloads/u${i}-${env}/workload.yaml`] = deployment("core", `registry.example.com/core:${tag}`);
  });
  return tree;
}

describe("Flux apps named after a Kustomization with the env's suffix", () => {
  it("drops the env's own suffix, in any of its spellings, so the app is one across envs", () => {
    expect(cells({ ...cluster("production", { "core-prod": "1.0.0" }), ...cluster("staging", { "core-staging": "1.1.0" }), ...cluster("dev", { "core-development": "1.2.0" }) })).toEqual([
      "core@dev=1.2.0",
      "core@production=1.0.0",
      "core@staging=1.1.0",
    ]);
  });

  it("keeps a suffix that is another env's and a name whose shorter form is taken; a name that is only the env gives way to the workload's", () => {
    expect(cells(cluster("production", { "core-staging": "1.0.0", prod: "2.0.0", "web-prod": "3.0.0", web: "4.0.0", "api-prod": "5.0.0", "api-production": "6.0.0" }))).toEqual([
      "api-prod@production=5.0.0",
      "api-production@production=6.0.0",
      "core-staging@production=1.0.0",
      "core@production=2.0.0",
      "web-prod@production=3.0.0",
      "web@production=4.0.0",
    ]);
  });
});

describe("Flux apps the folder layout names after the repository", () => {
  it("takes the name of the Kustomization applying `k8s/overlays/<env>`, without the env's suffix", () => {
    const tree: Record<string, string> = {
      "k8s/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "k8s/base/deployment.yaml": deployment("web", "registry.example.com/web:1.0.0"),
    };
    for (const env of ["staging", "production"]) {
      tree[`k8s/overlays/${env}/kustomization.yaml`] = `resources:\n  - ../../base\nimages:\n  - name: registry.example.com/web\n    newTag: 2.0.0-${env}\n`;
      tree[`flux/clusters/${env}/flux-system/gotk-sync.yaml`] = ks("flux-system", `./flux/clusters/${env}`);
      tree[`flux/clusters/${env}/app.yaml`] = ks(`shop-${env}`, `./k8s/overlays/${env}`);
    }
    expect(cells(tree)).toEqual(["shop@production=2.0.0-production", "shop@staging=2.0.0-staging"]);
  });
});
