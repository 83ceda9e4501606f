import { describe, expect, it } from "vitest";
import { planPromotion } from "../../promote";
import { readRepository } from "..";

// Flux's documented way to keep Helm values per environment in a file: the base HelmRelease takes its
// values from a ConfigMap (`valuesFrom`), and each overlay generates that ConfigMap from its own values
// file. The overlay folders are found by their layout (apps/<app>/<env>), not through a Flux Kustomization.
const release = `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\nspec:\n  chart:\n    spec:\n      chart: podinfo\n      version: 6.5.0\n      sourceRef:\n        kind: HelmRepository\n        name: podinfo\n  valuesFrom:\n    - kind: ConfigMap\n      name: podinfo-values\n`;
const overlay = "resources:\n  - ../base\nconfigMapGenerator:\n  - name: podinfo-values\n    files:\n      - values.yaml=values.yaml\nconfigurations:\n  - kustomizeconfig.yaml\n";
const kustomizeConfig = "nameReference:\n  - kind: ConfigMap\n    version: v1\n    fieldSpecs:\n      - path: spec/valuesFrom/name\n        kind: HelmRelease\n";
const values = (tag: string) => `image:\n  repository: ghcr.io/stefanprodan/podinfo\n  tag: ${tag}\n`;
const tree = new Map([
  ["apps/podinfo/base/kustomization.yaml", "resources:\n  - release.yaml\n"],
  ["apps/podinfo/base/release.yaml", release],
  ...["staging", "production"].flatMap((env, i) => [
    [`apps/podinfo/${env}/kustomization.yaml`, overlay],
    [`apps/podinfo/${env}/kustomizeconfig.yaml`, kustomizeConfig],
    [`apps/podinfo/${env}/values.yaml`, values(i === 0 ? "6.5.4" : "6.5.3")],
  ] as [string, string][]),
]);

describe("valuesFrom a ConfigMap an overlay generates", () => {
  it("reads each environment's image from its overlay's values file, and promotes by editing the target's file", () => {
    const model = readRepository(tree);
    const image = (env: string) => model.deployments.find((d) => d.app === "podinfo" && d.env === env)?.versions.find((v) => v.kind === "image");
    expect(image("staging")).toMatchObject({ name: "ghcr.io/stefanprodan/podinfo", value: "6.5.4", file: "apps/podinfo/staging/values.yaml", path: ["image", "tag"] });
    expect(image("production")).toMatchObject({ value: "6.5.3", file: "apps/podinfo/production/values.yaml" });

    const cell = (env: string) => model.deployments.find((d) => d.app === "podinfo" && d.env === env)!;
    const plan = planPromotion({ tree, source: cell("staging"), target: cell("production"), mode: "version", baseSha: "abc", repository: "r" });
    if (plan.status !== "changes") throw new Error(`expected changes, got ${JSON.stringify(plan)}`);
    expect(plan.changeSet.edits.map((e) => [e.path, e.content])).toEqual([["apps/podinfo/production/values.yaml", values("6.5.4")]]);
  });
});
