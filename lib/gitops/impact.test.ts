import { describe, expect, it } from "vitest";
import { applyChangeSet, changeImpact, impactedEnvironments, impactOf } from "./impact";
import { planPromotion } from "./promote";
import { readRepository } from "./read";

// checkout's staging and production inherit their tag from the base; dev pins its own.
const deployment = (tag: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: checkout\nspec:\n  template:\n    spec:\n      containers:\n        - name: checkout\n          image: ghcr.io/acme/checkout:${tag}\n`;
const overlay = (tag?: string) => `resources:\n  - ../../base\n${tag ? `images:\n  - name: ghcr.io/acme/checkout\n    newTag: "${tag}"\n` : ""}`;
const tree = new Map([
  ["apps/checkout/base/kustomization.yaml", "resources:\n  - deployment.yaml\n"],
  ["apps/checkout/base/deployment.yaml", deployment("1.0.0")],
  ["apps/checkout/overlays/dev/kustomization.yaml", overlay("1.2.0")],
  ["apps/checkout/overlays/staging/kustomization.yaml", overlay()],
  ["apps/checkout/overlays/production/kustomization.yaml", overlay()],
]);

function plan(from: string, to: string) {
  const model = readRepository(tree);
  const cell = (env: string) => model.deployments.find((d) => d.app === "checkout" && d.env === env)!;
  const p = planPromotion({ tree, source: cell(from), target: cell(to), mode: "version", baseSha: "abc", repository: "r" });
  if (p.status !== "changes") throw new Error(`expected changes, got ${p.status}`);
  return { model, p };
}

describe("the impact of a change: every cell whose rendered version it alters", () => {
  it("names every cluster fed by the shared file a promotion edits, not only the target", () => {
    // Three clusters reconcile ./shared; cluster one patches the release to 2.0.0 in its own Kustomization.
    const ks = (name: string, path: string, extra = "") =>
      `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  path: ${path}\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${extra}`;
    const patch = "  patches:\n    - target:\n        kind: HelmRelease\n        name: cache\n      patch: |\n        - op: replace\n          path: /spec/chart/spec/version\n          value: 2.0.0\n";
    const flux = new Map([
      ["clusters/one/flux-system/gotk-sync.yaml", ks("flux-system", "./clusters/one")],
      ["clusters/one/cache.yaml", ks("cache", "./shared", patch)],
      ["clusters/two/flux-system/gotk-sync.yaml", ks("flux-system", "./clusters/two")],
      ["clusters/two/cache.yaml", ks("cache", "./shared")],
      ["clusters/three/flux-system/gotk-sync.yaml", ks("flux-system", "./clusters/three")],
      ["clusters/three/cache.yaml", ks("cache", "./shared")],
      ["shared/release.yaml", "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cache\nspec:\n  chart:\n    spec:\n      chart: cache\n      version: 1.0.0\n"],
    ]);
    const model = readRepository(flux);
    const cell = (env: string) => model.deployments.find((d) => d.app === "cache" && d.env === env)!;
    const p = planPromotion({ tree: flux, source: cell("one"), target: cell("two"), mode: "version", baseSha: "abc", repository: "r" });
    if (p.status !== "changes") throw new Error(`expected changes, got ${JSON.stringify(p)}`);
    expect(p.changeSet.edits.map((e) => e.path)).toEqual(["shared/release.yaml"]);
    const impact = changeImpact(flux, model, p.changeSet);
    expect(impactedEnvironments(impact)).toEqual(["three", "two"]);
    expect(impact).toEqual([
      { app: "cache", env: "three", versions: [{ name: "cache", from: "1.0.0", to: "2.0.0" }] },
      { app: "cache", env: "two", versions: [{ name: "cache", from: "1.0.0", to: "2.0.0" }] },
    ]);
  });

  it("is only the target when the planner can override the value in the target's own overlay", () => {
    const { model, p } = plan("dev", "staging");
    expect(changeImpact(tree, model, p.changeSet)).toEqual([{ app: "checkout", env: "staging", versions: [{ name: "ghcr.io/acme/checkout", from: "1.0.0", to: "1.2.0" }] }]);
  });

  it("is only the target when the target pins its own version (edited in place)", () => {
    const pinned = new Map(tree).set("apps/checkout/overlays/staging/kustomization.yaml", overlay("1.1.0"));
    const model = readRepository(pinned);
    const cell = (env: string) => model.deployments.find((d) => d.app === "checkout" && d.env === env)!;
    const p = planPromotion({ tree: pinned, source: cell("dev"), target: cell("staging"), mode: "version", baseSha: "abc", repository: "r" });
    if (p.status !== "changes") throw new Error(p.status);
    expect(changeImpact(pinned, model, p.changeSet)).toEqual([{ app: "checkout", env: "staging", versions: [{ name: "ghcr.io/acme/checkout", from: "1.1.0", to: "1.2.0" }] }]);
  });

  it("counts cells that appear or disappear, and applies deletes", () => {
    const before = readRepository(tree);
    const after = readRepository(applyChangeSet(tree, { edits: [{ path: "apps/checkout/overlays/dev/kustomization.yaml", action: "delete", content: null, previous: overlay("1.2.0") }] }));
    expect(impactOf(before, after)).toEqual([{ app: "checkout", env: "dev", versions: [{ name: "ghcr.io/acme/checkout", from: "1.2.0", to: null }] }]);
  });
});
