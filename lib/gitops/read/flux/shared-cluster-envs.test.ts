import { describe, expect, it } from "vitest";
import type { FileTree } from "../../model";
import { planPromotion } from "../../promote/plan";
import { readRepository } from "../index";

// One cluster running several environments, one namespace each: the usual first Flux setup.

const ks = (name: string, path: string) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ${path}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`;
const deployment = (name: string, image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: ${name}\n          image: ${image}\n`;
const overlay = (base: string, image: string, tag: string) => `resources:\n  - ${base}\nimages:\n  - name: ${image}\n    newTag: ${tag}\n`;
const release = (name: string, version: string) =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\nspec:\n  chart:\n    spec:\n      chart: ${name}\n      version: "${version}"\n`;
const bootstrap = (cluster: string) => ({ [`clusters/${cluster}/flux-system/gotk-sync.yaml`]: ks("flux-system", `./clusters/${cluster}`) });

function read(files: Record<string, string>) {
  const tree: FileTree = new Map(Object.entries(files));
  const model = readRepository(tree);
  return { tree, model, cells: model.deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => `${v.value}:${v.file}`).join(",")}`) };
}

describe("several environments in one Flux cluster", () => {
  const overlaysOutside = {
    ...bootstrap("shared"),
    "clusters/shared/shop-qa.yaml": ks("shop-qa", "./apps/shop/overlays/qa"),
    "clusters/shared/shop-live.yaml": ks("shop-live", "./apps/shop/overlays/live"),
    "apps/shop/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
    "apps/shop/base/deployment.yaml": deployment("shop", "registry.example.com/shop:0.1.0"),
    "apps/shop/overlays/qa/kustomization.yaml": overlay("../../base", "registry.example.com/shop", "4.1.0"),
    "apps/shop/overlays/live/kustomization.yaml": overlay("../../base", "registry.example.com/shop", "4.0.0"),
  };

  it("gives each env overlay of one app its own cell, the cluster as destination, when one cluster applies them all", () => {
    const { model, cells } = read(overlaysOutside);
    expect(cells).toEqual(["shop@qa=4.1.0:apps/shop/overlays/qa/kustomization.yaml", "shop@live=4.0.0:apps/shop/overlays/live/kustomization.yaml"]);
    expect(model.deployments.map((d) => d.destination?.cluster)).toEqual(["shared", "shared"]);
  });

  it("promotes between two environments of one cluster by editing the target overlay", () => {
    const { tree, model } = read(overlaysOutside);
    const cell = (env: string) => model.deployments.find((d) => d.app === "shop" && d.env === env)!;
    const plan = planPromotion({ tree, source: cell("qa"), target: cell("live"), mode: "version", baseSha: "abc", repository: "r" });
    if (plan.status !== "changes") throw new Error(`expected changes, got ${JSON.stringify(plan)}`);
    expect(plan.changeSet.edits.map((e) => [e.path, e.content])).toEqual([["apps/shop/overlays/live/kustomization.yaml", overlay("../../base", "registry.example.com/shop", "4.1.0")]]);
  });

  it("names env folders inside the cluster folder after their app and env, not after the `<app>-<env>` Kustomization", () => {
    const { model, cells } = read({
      ...bootstrap("east"),
      "clusters/east/kustomization.yaml": "resources:\n  - flux-system\n  - workloads/cart/ks.yaml\n  - workloads/mail/ks.yaml\n",
      "clusters/east/workloads/cart/ks.yaml": `${ks("cart-uat", "./clusters/east/workloads/cart/uat")}---\n${ks("cart-prd", "./clusters/east/workloads/cart/prd")}`,
      "clusters/east/workloads/cart/uat/kustomization.yaml": overlay("../../../../../services/cart/base\n  - cache.yaml", "registry.example.com/cart", "2.3.0"),
      "clusters/east/workloads/cart/uat/cache.yaml": release("cache", "7.1.0"),
      "clusters/east/workloads/cart/prd/kustomization.yaml": overlay("../../../../../services/cart/base", "registry.example.com/cart", "2.2.0"),
      // One env of another app, and a preview beside it: both follow their folder in a shared cluster.
      "clusters/east/workloads/mail/ks.yaml": `${ks("mail-uat", "./clusters/east/workloads/mail/uat")}---\n${ks("mail-pr-7", "./clusters/east/workloads/mail/pr-7")}`,
      "clusters/east/workloads/mail/uat/kustomization.yaml": overlay("../../../../../services/mail/base", "registry.example.com/mail", "0.9.0"),
      "clusters/east/workloads/mail/pr-7/kustomization.yaml": overlay("../../../../../services/mail/base", "registry.example.com/mail", "pr-7-abc"),
      "services/cart/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "services/cart/base/deployment.yaml": deployment("cart", "registry.example.com/cart:0.0.1"),
      "services/mail/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "services/mail/base/deployment.yaml": deployment("mail", "registry.example.com/mail:0.0.1"),
    });
    expect([...cells].sort()).toEqual([
      "cache@uat=7.1.0:clusters/east/workloads/cart/uat/cache.yaml",
      "cart@prd=2.2.0:clusters/east/workloads/cart/prd/kustomization.yaml",
      "cart@uat=2.3.0:clusters/east/workloads/cart/uat/kustomization.yaml",
      "mail@pr-7=pr-7-abc:clusters/east/workloads/mail/pr-7/kustomization.yaml",
      "mail@uat=0.9.0:clusters/east/workloads/mail/uat/kustomization.yaml",
    ]);
    expect(new Set(model.deployments.map((d) => d.destination?.cluster))).toEqual(new Set(["east"]));
  });

  it("keeps the cluster as the environment where each cluster runs one env of each app", () => {
    const { cells } = read({
      ...bootstrap("blue"),
      ...bootstrap("green"),
      "clusters/blue/shop.yaml": ks("shop", "./apps/shop/overlays/qa"),
      "clusters/green/shop.yaml": ks("shop", "./apps/shop/overlays/live"),
      "apps/shop/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "apps/shop/base/deployment.yaml": deployment("shop", "registry.example.com/shop:0.1.0"),
      "apps/shop/overlays/qa/kustomization.yaml": overlay("../../base", "registry.example.com/shop", "4.1.0"),
      "apps/shop/overlays/live/kustomization.yaml": overlay("../../base", "registry.example.com/shop", "4.0.0"),
    });
    expect([...cells].sort()).toEqual(["shop@blue=4.1.0:apps/shop/overlays/qa/kustomization.yaml", "shop@green=4.0.0:apps/shop/overlays/live/kustomization.yaml"]);
  });
});
