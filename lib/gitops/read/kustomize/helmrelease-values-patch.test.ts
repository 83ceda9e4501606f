import { describe, expect, it } from "vitest";
import type { FileTree } from "../../model";
import { planPromotion } from "../../promote";
import { readRepository } from "..";

// An overlay that sets a HelmRelease's values by a patch: the image lives in the patch, so the cell says so
// and a promotion edits the patch, not the base (which the patch would override again).
const ks = (env: string) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 1h\n  sourceRef: {kind: GitRepository, name: flux-system}\n  path: ./apps/${env}\n  prune: true\n`;
const release = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: omada\n  namespace: network\nspec:\n  interval: 1h\n  chart:\n    spec:\n      chart: omada\n      version: 2.0.0\n      sourceRef: {kind: HelmRepository, name: charts}\n  values:\n    sidecar:\n      image:\n        repository: ghcr.io/example/sidecar\n        tag: 1.0.0\n";
const strategic = (image: string, sidecar: string) =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: omada\n  namespace: network\nspec:\n  values:\n    image: ${image}\n    sidecar:\n      image:\n        tag: ${sidecar}\n`;
const tree: FileTree = new Map([
  ["clusters/staging/apps.yaml", ks("staging")],
  ["clusters/production/apps.yaml", ks("production")],
  ["apps/base/omada/kustomization.yaml", "resources:\n  - helmrelease.yaml\n"],
  ["apps/base/omada/helmrelease.yaml", release],
  ["apps/staging/kustomization.yaml", "resources:\n  - ../base/omada\npatches:\n  - path: omada.yaml\n"],
  ["apps/staging/omada.yaml", strategic("ghcr.io/example/omada:5.15.0", "1.3.0")],
  [
    "apps/production/kustomization.yaml",
    "resources:\n  - ../base/omada\npatches:\n  - target:\n      kind: HelmRelease\n      name: omada\n    patch: |\n      - op: add\n        path: /spec/values/image\n        value: ghcr.io/example/omada:5.14.0\n      - op: replace\n        path: /spec/values/sidecar/image/tag\n        value: 1.2.0\n",
  ],
]);

const versions = (env: string) =>
  readRepository(tree)
    .deployments.find((d) => d.app === "omada" && d.env === env)
    ?.versions.filter((v) => v.kind === "image")
    .map((v) => `${v.name}=${v.value}@${v.file}`)
    .sort();

describe("HelmRelease values set by an overlay's patch", () => {
  it("locates each image in the patch that sets it, strategic merge and JSON 6902 alike", () => {
    expect(versions("staging")).toEqual(["ghcr.io/example/omada=5.15.0@apps/staging/omada.yaml", "ghcr.io/example/sidecar=1.3.0@apps/staging/omada.yaml"]);
    expect(versions("production")).toEqual(["ghcr.io/example/omada=5.14.0@apps/production/kustomization.yaml", "ghcr.io/example/sidecar=1.2.0@apps/production/kustomization.yaml"]);
  });

  it("promotes into the target's patch file and leaves the base alone; an inline patch string is refused, not worked around", () => {
    const model = readRepository(tree);
    const cell = (env: string) => model.deployments.find((d) => d.app === "omada" && d.env === env)!;
    const plan = planPromotion({ tree, source: cell("production"), target: cell("staging"), mode: "version", baseSha: "abc", repository: "r", allowDowngrade: true });
    if (plan.status !== "changes") throw new Error(`expected changes, got ${JSON.stringify(plan)}`);
    expect(plan.changeSet.edits.map((e) => [e.path, e.content])).toEqual([["apps/staging/omada.yaml", strategic("ghcr.io/example/omada:5.14.0", "1.2.0")]]);
    const inline = planPromotion({ tree, source: cell("staging"), target: cell("production"), mode: "version", baseSha: "abc", repository: "r" });
    expect(inline).toMatchObject({ status: "refused", reason: expect.stringContaining("patches[0].patch (inline patch) sets spec.values.sidecar.image.tag") });
  });
});
