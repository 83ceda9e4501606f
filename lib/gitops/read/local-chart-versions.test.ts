import { describe, expect, it } from "vitest";
import type { FileTree } from "../model";
import { planPromotion } from "../promote";
import { readRepository } from ".";

const sync = (env: string) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  sourceRef: {kind: GitRepository, name: flux-system}\n  path: ./environments/${env}\n  prune: true\n`;
const gitRepository = (name: string, url: string) =>
  `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 1m\n  url: ${url}\n  ref: {branch: main}\n`;
const release = (name: string, chart: string, source: string, tag: string) =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\n  namespace: apps\nspec:\n  interval: 10m\n  chart:\n    spec:\n      chart: ${chart}\n      sourceRef: {kind: GitRepository, name: ${source}, namespace: flux-system}\n  values:\n    image:\n      repository: ghcr.io/org/${name}\n      tag: ${tag}\n`;

const tree: FileTree = new Map([
  ["clusters/staging/flux-system/gotk-sync.yaml", gitRepository("flux-system", "ssh://git@github.com/org/deploy")],
  ["clusters/staging/apps.yaml", sync("staging")],
  ["clusters/production/flux-system/gotk-sync.yaml", gitRepository("flux-system", "ssh://git@github.com/org/deploy")],
  ["clusters/production/apps.yaml", sync("production")],
  ["charts/shop/Chart.yaml", "apiVersion: v2\nname: shop\nversion: 0.4.1\n"],
  ["charts/shop/values.yaml", "image:\n  repository: ghcr.io/org/shop\n  tag: latest\n"],
  ["charts/shop/templates/deployment.yaml", "kind: Deployment\n"],
  ["environments/staging/kustomization.yaml", "resources:\n- shop.yaml\n- billing.yaml\n- platform.yaml\n"],
  ["environments/staging/shop.yaml", release("shop", "./charts/shop", "flux-system", "1.8.0")],
  ["environments/staging/billing.yaml", release("billing", "./charts/billing", "billing-repo", "2.0.0")],
  ["environments/staging/platform.yaml", gitRepository("billing-repo", "https://github.com/org/billing")],
  ["environments/production/kustomization.yaml", "resources:\n- shop.yaml\n"],
  ["environments/production/shop.yaml", release("shop", "./charts/shop", "flux-system", "1.7.6")],
]);

const model = readRepository(tree);
const cell = (app: string, env: string) => model.deployments.find((d) => d.app === app && d.env === env)!;
const charts = (app: string, env: string) => cell(app, env).versions.filter((v) => v.kind === "chart");

describe("a HelmRelease chart kept in this repository", () => {
  it("is pinned at the version of the chart's Chart.yaml, and located there", () => {
    for (const env of ["staging", "production"]) {
      expect(charts("shop", env)).toEqual([
        { kind: "chart", name: "charts/shop", value: "0.4.1", floating: false, file: "charts/shop/Chart.yaml", doc: 0, path: ["version"], field: "version (chart kept in this repository)" },
      ]);
    }
  });

  it("a chart from another repository's GitRepository stays unpinned", () => {
    expect(charts("billing", "staging").map((v) => [v.value, v.floating, v.file])).toEqual([[null, true, "environments/staging/billing.yaml"]]);
  });

  it("a promotion between envs that share the chart edits only what differs", () => {
    const plan = planPromotion({ tree, source: cell("shop", "staging"), target: cell("shop", "production"), mode: "version", baseSha: "abc", repository: "r" });
    if (plan.status !== "changes") throw new Error(`expected changes, got ${JSON.stringify(plan)}`);
    expect(plan.changeSet.edits.map((e) => e.path)).toEqual(["environments/production/shop.yaml"]);
    expect(plan.changeSet.edits[0]?.content).toContain("tag: 1.8.0");
  });
});
