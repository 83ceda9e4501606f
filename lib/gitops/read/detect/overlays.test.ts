import { describe, expect, it } from "vitest";
import { readRepository } from "../index";

const deployment = (name: string, image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: ${name}\n          image: ${image}\n`;
const part = (suffix: string) => `resources:\n  - ../base\nnameSuffix: -${suffix}\nimages:\n  - name: pay\n    newName: registry.example.com/pay\n`;
const env = (target: string, tag: string) => `resources:\n  - ${target}\nimages:\n  - name: registry.example.com/pay\n    newTag: ${tag}\n`;

function cells(files: Record<string, string>) {
  const model = readRepository(new Map(Object.entries(files)), { rootAppName: "repo" });
  return model.deployments.map((d) => `${d.app}@${d.env}:${d.path}=${d.versions.map((v) => v.value).join(",")}`);
}

describe("overlays: parts of one app", () => {
  const app = {
    "services/pay/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
    "services/pay/base/deployment.yaml": deployment("pay", "pay:0.0.1"),
    "services/pay/kustomization.yaml": "resources:\n  - gateway\n  - ledger\n",
    "services/pay/gateway/kustomization.yaml": part("gateway"),
    "services/pay/ledger/kustomization.yaml": part("ledger"),
  };

  it("reads the parts an app lists, each built on its sibling base, as the app, and the overlays using it as its envs", () => {
    expect(
      cells({
        ...app,
        "envs/uat/kustomization.yaml": env("../../services/pay", "3.1.0"),
        "envs/prd/kustomization.yaml": env("../../services/pay", "3.0.0"),
      }),
    ).toEqual(["pay@uat:envs/uat=3.1.0", "pay@prd:envs/prd=3.0.0"]);
  });

  it("keeps the parts as envs when no overlay uses the app as a whole", () => {
    expect(cells(app)).toEqual(["pay@gateway:services/pay/gateway=0.0.1", "pay@ledger:services/pay/ledger=0.0.1"]);
  });

  it("keeps a folder's own base beside `overlays/` as the folder's app, whatever the base is called", () => {
    expect(
      cells({
        "pay/manifests/kustomization.yaml": "resources:\n  - deployment.yaml\n",
        "pay/manifests/deployment.yaml": deployment("pay", "registry.example.com/pay:0.0.1"),
        "pay/overlays/uat/kustomization.yaml": env("../../manifests", "3.1.0"),
        "pay/overlays/prd/kustomization.yaml": env("../../manifests", "3.0.0"),
      }),
    ).toEqual(["pay@uat:pay/overlays/uat=3.1.0", "pay@prd:pay/overlays/prd=3.0.0"]);
  });
});

describe("overlays: folders that only package the app", () => {
  const overlays = (root: string, envs: Record<string, string>) => ({
    [`${root}/base/kustomization.yaml`]: "resources:\n  - deployment.yaml\n",
    [`${root}/base/deployment.yaml`]: deployment("pay", "registry.example.com/pay:0.0.1"),
    ...Object.fromEntries(Object.entries(envs).map(([e, tag]) => [`${root}/overlays/${e}/kustomization.yaml`, env("../../base", tag)])),
  });

  it("names the app after the repository when `k8s/overlays/<env>` sits at its top", () => {
    expect(cells(overlays("k8s", { staging: "1.1.0", production: "1.0.0" }))).toEqual(["repo@staging:k8s/overlays/staging=1.1.0", "repo@production:k8s/overlays/production=1.0.0"]);
  });

  it("names the app after the folder above the packaging folders (`shop/deploy/k8s`, `cart/kubernetes`)", () => {
    expect(cells({ ...overlays("services/shop/deploy/k8s", { prod: "2.0.0" }), ...overlays("services/cart/kubernetes", { prod: "3.0.0" }) })).toEqual([
      "cart@prod:services/cart/kubernetes/overlays/prod=3.0.0",
      "shop@prod:services/shop/deploy/k8s/overlays/prod=2.0.0",
    ]);
  });
});

describe("overlays without a base", () => {
  const own = (tag: string) => ({ kustomization: "resources:\n  - deployment.yaml\n  - service.yaml\n", deployment: deployment("web", `registry.example.com/web:${tag}`) });
  const service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n";

  it("reads a kustomization under `overlays/` that lists its own workload as that env of the app, not an app named after the env", () => {
    const files: Record<string, string> = {};
    for (const [envName, tag] of [["staging", "1.1.0"], ["production", "1.0.0"]] as const) {
      files[`deploy/overlays/${envName}/kustomization.yaml`] = own(tag).kustomization;
      files[`deploy/overlays/${envName}/deployment.yaml`] = own(tag).deployment;
      files[`deploy/overlays/${envName}/service.yaml`] = service;
    }
    expect(cells(files)).toEqual(["repo@staging:deploy/overlays/staging=1.1.0", "repo@production:deploy/overlays/production=1.0.0"]);
    // One such folder alone is still that env.
    const { "deploy/overlays/staging/kustomization.yaml": _k, "deploy/overlays/staging/deployment.yaml": _d, "deploy/overlays/staging/service.yaml": _s, ...productionOnly } = files;
    expect(cells(productionOnly)).toEqual(["repo@production:deploy/overlays/production=1.0.0"]);
  });

  it("leaves a kustomization under `overlays/` that lists no workload of its own (config only) to the other rules", () => {
    const files = {
      "apps/web/overlays/production/kustomization.yaml": "resources:\n  - service.yaml\n",
      "apps/web/overlays/production/service.yaml": service,
    };
    expect(cells(files)).toEqual([]);
  });
});

describe("env folders listing self-contained apps", () => {
  const app = (envName: string, name: string, tag: string) => ({
    [`apps/${envName}/${name}/kustomization.yaml`]: "resources:\n  - deployment.yaml\n",
    [`apps/${envName}/${name}/deployment.yaml`]: deployment(name, `registry.example.com/${name}:${tag}`),
  });

  it("reads `apps/<env>/<app>`, a folder the env's kustomization lists and that holds its own workload, as that app in that env", () => {
    const files = {
      "apps/staging/kustomization.yaml": "resources:\n  - brutus\n  - caesar\n",
      ...app("staging", "brutus", "2.0.0"),
      ...app("staging", "caesar", "2.1.0"),
      "apps/production/kustomization.yaml": "resources:\n  - cicero\n",
      ...app("production", "cicero", "1.68.0"),
    };
    expect(cells(files).sort()).toEqual(["brutus@staging:apps/staging/brutus=2.0.0", "caesar@staging:apps/staging/caesar=2.1.0", "cicero@production:apps/production/cicero=1.68.0"]);
  });
});
