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
