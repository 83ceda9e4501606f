import { describe, expect, it } from "vitest";
import type { FileTree } from "../../model";
import { planPromotion } from "../../promote/plan";
import { applyEdits } from "../../promote/test-helpers";
import { loadFixture } from "../../testing/load-fixture";
import { readRepository } from "../index";

// Rancher Fleet: a bundle's targetCustomizations are its environments, and a version is edited where the
// customization (or the bundle, for every target that does not override it) sets it.

const tree = loadFixture("fleet-helm-bundles");
const cell = (t: FileTree, app: string, env: string) => readRepository(t).deployments.find((d) => d.app === app && d.env === env);

function promote(t: FileTree, app: string, from: string, to: string) {
  const plan = planPromotion({ tree: t, source: cell(t, app, from)!, target: cell(t, app, to)!, mode: "version", baseSha: "abc", repository: "r" });
  if (plan.status !== "changes") throw new Error(`expected changes, got ${JSON.stringify(plan)}`);
  return { edits: plan.changeSet.edits.map((e) => e.path), after: applyEdits(t, plan.changeSet.edits) };
}

describe("Rancher Fleet bundles", () => {
  it("reads each target customization as an environment, leaving out doNotDeploy", () => {
    const model = readRepository(tree);
    expect(model.environments.map((e) => e.name)).toEqual(["staging", "production"]);
    expect(model.deployments.map((d) => `${d.app}@${d.env}`).sort()).toEqual(["redis@production", "redis@staging", "web@production", "web@staging"]);
  });

  it("takes a customization's own chart version over the bundle's", () => {
    expect(cell(tree, "redis", "staging")?.versions[0]).toMatchObject({ kind: "chart", value: "20.1.0", path: ["targetCustomizations", 0, "helm", "version"] });
    expect(cell(tree, "redis", "production")?.versions[0]).toMatchObject({ kind: "chart", value: "19.6.4", path: ["helm", "version"] });
  });

  it("promotes an image tag into the target's values file, keeping its comment", () => {
    const { edits, after } = promote(tree, "web", "staging", "production");
    expect(edits).toEqual(["apps/web/values-production.yaml"]);
    expect(after.get("apps/web/values-production.yaml")).toBe("image:\n  tag: 1.5.0 # release 2026-11\n");
    expect(cell(after, "web", "production")?.versions[0]?.value).toBe("1.5.0");
    expect(cell(after, "web", "staging")?.versions[0]?.value).toBe("1.5.0");
  });

  it("falls back to the local chart's appVersion when no layer sets the tag", () => {
    const t = new Map(tree).set("apps/web/fleet.yaml", "helm:\n  chart: ./chart\n");
    expect(cell(t, "web", "default")?.versions).toEqual([expect.objectContaining({ value: "1.0.0", file: "apps/web/chart/Chart.yaml" })]);
  });
});

const deployment = (image: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: ${image}\n`;
const cells = (t: FileTree) => readRepository(t, { rootAppName: "shop" }).deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => `${v.value} (${v.file})`).join(",")}`).sort();

describe("Rancher Fleet kustomize and raw-manifest bundles", () => {
  it("builds each customization's kustomize.dir, else the bundle's, whatever the folders are called", () => {
    const tree: FileTree = new Map([
      ["fleet.yaml", "kustomize:\n  dir: ./base\ntargetCustomizations:\n- name: prod\n  clusterName: prod-1\n  kustomize:\n    dir: overlays/production\n- clusterSelector:\n    matchLabels:\n      stage: staging\n"],
      ["base/kustomization.yaml", "resources:\n- web.yaml\n"],
      ["base/web.yaml", deployment("ghcr.io/acme/web:1.0.0")],
      ["overlays/production/kustomization.yaml", "resources:\n- ../../base\nimages:\n- name: ghcr.io/acme/web\n  newTag: 2.0.0\n"],
      ["overlays/unused/kustomization.yaml", "resources:\n- ../../base\nimages:\n- name: ghcr.io/acme/web\n  newTag: 9.9.9\n"],
    ]);
    expect(cells(tree)).toEqual(["shop@prod=2.0.0 (overlays/production/kustomization.yaml)", "shop@staging=1.0.0 (base/web.yaml)"]);
  });

  it("reports a kustomize.dir that is not a folder on the cell", () => {
    const tree: FileTree = new Map([
      ["web/fleet.yaml", "targetCustomizations:\n- name: prod\n  kustomize:\n    dir: overlays/prod\n"],
      ["web/kustomization.yaml", "resources:\n- web.yaml\n"],
      ["web/web.yaml", deployment("ghcr.io/acme/web:1.0.0")],
    ]);
    const d = readRepository(tree).deployments.find((x) => x.env === "prod");
    expect(d?.errors).toEqual(["web/fleet.yaml: kustomize.dir overlays/prod is not a folder of the repository"]);
  });

  it("lays a customization's yaml.overlays over the bundle's manifests: patches merged, other files replacing or adding", () => {
    const tree: FileTree = new Map([
      ["apps/web/fleet.yaml", "targetCustomizations:\n- name: dev\n  clusterGroup: dev\n  yaml:\n    overlays:\n    - dev\n- name: qa\n  clusterGroup: qa\n  yaml:\n    overlays: [qa]\n- name: prod\n  clusterGroup: prod\n"],
      ["apps/web/web.yaml", deployment("ghcr.io/acme/web:1.0.0")],
      ["apps/web/overlays/dev/web_patch.yaml", "spec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: ghcr.io/acme/web:1.1.0-rc.1\n"],
      ["apps/web/overlays/qa/web.yaml", deployment("ghcr.io/acme/web:1.1.0")],
      ["apps/web/overlays/qa/web_patch.yml", "spec:\n  replicas: 2\n"],
    ]);
    expect(cells(tree)).toEqual([
      "web@dev=1.1.0-rc.1 (apps/web/overlays/dev/web_patch.yaml)",
      "web@prod=1.0.0 (apps/web/web.yaml)",
      "web@qa=1.1.0 (apps/web/overlays/qa/web.yaml)",
    ]);
    // `_patch.` becomes `.`: web_patch.yml patches a web.yml, which the bundle does not have.
    expect(readRepository(tree).deployments.find((d) => d.env === "qa")?.errors).toEqual(["apps/web/overlays/qa/web_patch.yml: Fleet overlay patch for web.yml, which the bundle does not have"]);
  });

  it("reads a raw bundle's subfolders without their own fleet.yaml as apps of their own, deployed where the bundle is", () => {
    const tree: FileTree = new Map([
      ["fleet.yaml", "targetCustomizations:\n- name: blue\n  clusterGroup: blue\n  yaml:\n    overlays: [blue]\n- name: green\n  clusterGroup: green\n"],
      ["flow.yaml", "apiVersion: logging.example.com/v1\nkind: Flow\nmetadata:\n  name: all\n"],
      ["worker/worker.yaml", deployment("ghcr.io/acme/worker:2.0.0")],
      ["overlays/blue/worker_patch.yaml", "spec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: ghcr.io/acme/worker:2.1.0\n"],
      ["api/fleet.yaml", "helm:\n  chart: api\n  repo: https://charts.example.com\n  version: 1.0.0\n"],
      ["api/templates/unused.yaml", deployment("ghcr.io/acme/not-a-bundle-file:1")],
    ]);
    expect(cells(tree)).toEqual([
      "api@default=1.0.0 (api/fleet.yaml)",
      "worker@blue=2.1.0 (overlays/blue/worker_patch.yaml)",
      "worker@green=2.0.0 (worker/worker.yaml)",
    ]);
  });

  it("lets a Fleet bundle replace the folder layout's guess for the same folders", () => {
    const tree: FileTree = new Map([
      ["web/fleet.yaml", "targetCustomizations:\n- name: live\n  clusterName: live-1\n  kustomize:\n    dir: overlays/production\n"],
      ["web/base/kustomization.yaml", "resources:\n- web.yaml\n"],
      ["web/base/web.yaml", deployment("ghcr.io/acme/web:1.0.0")],
      ["web/overlays/production/kustomization.yaml", "resources:\n- ../../base\n"],
      ["web/overlays/staging/kustomization.yaml", "resources:\n- ../../base\n"],
    ]);
    expect(cells(tree)).toEqual(["web@live=1.0.0 (web/base/web.yaml)"]);
  });
});
