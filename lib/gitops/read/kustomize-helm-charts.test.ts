import { describe, expect, it } from "vitest";
import type { FileTree } from "../model";
import { planPromotion } from "../promote";
import { readRepository } from "./index";

// kustomize's helmCharts inflate a chart with values kustomize assembles: valuesFile and valuesInline
// combined by valuesMerge, then each of additionalValuesFiles. The image that renders is the one the
// last of them sets, and a promotion edits it there.

const entry = (extra: string) => `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
helmCharts:
  - name: podinfo
    repo: https://stefanprodan.github.io/podinfo
    version: 6.7.0
    releaseName: podinfo
    valuesFile: ../../common/values.yaml
${extra}`;

const base: Record<string, string> = {
  "apps/podinfo/common/values.yaml": "image:\n  repository: ghcr.io/stefanprodan/podinfo\n  tag: 6.5.0\nreplicaCount: 2\n",
  "apps/podinfo/overlays/dev/kustomization.yaml": entry("    valuesInline:\n      image:\n        tag: 6.7.1\n"),
  "apps/podinfo/overlays/prod/kustomization.yaml": entry("    additionalValuesFiles:\n      - values-prod.yaml\n    valuesInline:\n      image:\n        tag: 9.9.9\n"),
  "apps/podinfo/overlays/prod/values-prod.yaml": "image:\n  tag: 6.6.0 # pinned after the incident\n",
};

const cell = (tree: FileTree, env: string) => readRepository(tree).deployments.find((d) => d.app === "podinfo" && d.env === env);
const image = (tree: FileTree, env: string) => cell(tree, env)?.versions.find((v) => v.kind === "image");

describe("kustomize helmCharts values", () => {
  it("reads the chart and the image each overlay renders, from the layer that sets it last", () => {
    const tree: FileTree = new Map(Object.entries(base));
    expect(cell(tree, "dev")?.versions.find((v) => v.kind === "chart")).toMatchObject({ value: "6.7.0", field: "helmCharts[name=podinfo].version" });
    expect(image(tree, "dev")).toMatchObject({
      name: "ghcr.io/stefanprodan/podinfo",
      value: "6.7.1",
      file: "apps/podinfo/overlays/dev/kustomization.yaml",
      path: ["helmCharts", 0, "valuesInline", "image", "tag"],
      field: "helmCharts[name=podinfo].valuesInline.image.tag",
    });
    // additionalValuesFiles come after the inline values: prod runs 6.6.0, not 9.9.9.
    expect(image(tree, "prod")).toMatchObject({ value: "6.6.0", file: "apps/podinfo/overlays/prod/values-prod.yaml", path: ["image", "tag"] });
  });

  it("follows valuesMerge: replace drops the file, merge lets the file win over the inline values", () => {
    const replace = new Map(Object.entries({ ...base, "apps/podinfo/overlays/dev/kustomization.yaml": entry("    valuesMerge: replace\n    valuesInline:\n      image:\n        repository: ghcr.io/acme/podinfo\n        tag: 7.0.0\n") }));
    expect(image(replace, "dev")).toMatchObject({ name: "ghcr.io/acme/podinfo", value: "7.0.0" });
    const merge = new Map(Object.entries({ ...base, "apps/podinfo/overlays/dev/kustomization.yaml": entry("    valuesMerge: merge\n    valuesInline:\n      image:\n        tag: 7.0.0\n") }));
    expect(image(merge, "dev")).toMatchObject({ value: "6.5.0", file: "apps/podinfo/common/values.yaml" });
  });

  it("says which values file is missing instead of reading around it", () => {
    const tree = new Map(Object.entries({ ...base, "apps/podinfo/overlays/prod/kustomization.yaml": entry("    additionalValuesFiles:\n      - values-gone.yaml\n") }));
    expect(cell(tree, "prod")?.errors.join("\n")).toMatch(/helmCharts\[name=podinfo\] values file apps\/podinfo\/overlays\/prod\/values-gone\.yaml not found/);
    expect(image(tree, "prod")).toMatchObject({ value: "6.5.0" });
  });

  it("promotes dev's tag into the file that wins in prod, keeping its comment, and leaves the shared values alone", () => {
    const tree: FileTree = new Map(Object.entries(base));
    const model = readRepository(tree);
    const at = (env: string) => model.deployments.find((d) => d.app === "podinfo" && d.env === env)!;
    const plan = planPromotion({ tree, source: at("dev"), target: at("prod"), mode: "version", baseSha: "a", repository: "r" });
    if (plan.status !== "changes") throw new Error(JSON.stringify(plan));
    expect(plan.changeSet.edits.map((e) => e.path)).toEqual(["apps/podinfo/overlays/prod/values-prod.yaml"]);
    const after = new Map(tree);
    for (const e of plan.changeSet.edits) if (typeof e.content === "string") after.set(e.path, e.content);
    expect(after.get("apps/podinfo/overlays/prod/values-prod.yaml")).toBe("image:\n  tag: 6.7.1 # pinned after the incident\n");
    expect(image(after, "prod")?.value).toBe("6.7.1");
    expect(image(after, "dev")?.value).toBe("6.7.1");
  });
});

// The same chart entry written as a HelmChartInflationGenerator file listed under `generators:` (older
// kustomize, and repositories that share one generator file between overlays): read and promoted there.
describe("kustomize generators: HelmChartInflationGenerator files", () => {
  const generator = (version: string, tag: string) =>
    `apiVersion: builtin\nkind: HelmChartInflationGenerator\nmetadata:\n  name: podinfo-chart\nname: podinfo\nversion: ${version}\nrepo: https://stefanprodan.github.io/podinfo\nreleaseName: podinfo\nvaluesInline:\n  image:\n    repository: ghcr.io/stefanprodan/podinfo\n    tag: ${tag}\n`;
  const tree: FileTree = new Map([
    ["apps/podinfo/base/kustomization.yaml", "resources:\n  - namespace.yaml\n"],
    ["apps/podinfo/base/namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: podinfo\n"],
    ["apps/podinfo/base/helm-generator.yaml", generator("6.7.0", "6.7.0")],
    ["apps/podinfo/overlays/dev/kustomization.yaml", "resources:\n  - ../../base\ngenerators:\n  - helm-generator.yaml\n"],
    ["apps/podinfo/overlays/dev/helm-generator.yaml", generator("6.8.0", "6.8.1")],
    // The older field names (chartName, chartVersion, chartRepoUrl, valuesLocal).
    ["apps/podinfo/overlays/prod/kustomization.yaml", "resources:\n  - ../../base\ngenerators:\n  - helm-generator-legacy.yaml\n"],
    ["apps/podinfo/overlays/prod/helm-generator-legacy.yaml", "apiVersion: builtin\nkind: HelmChartInflationGenerator\nmetadata:\n  name: podinfo-chart\nchartName: podinfo\nchartVersion: 6.6.0\nchartRepoUrl: https://stefanprodan.github.io/podinfo\nvaluesLocal:\n  image:\n    repository: ghcr.io/stefanprodan/podinfo\n    tag: 6.6.2\n"],
    // A generator file the overlay takes from the base.
    ["apps/podinfo/overlays/qa/kustomization.yaml", "resources:\n  - ../../base\ngenerators:\n  - ../../base/helm-generator.yaml\n"],
  ]);

  it("reads the chart version and values images from the generator file each overlay lists", () => {
    expect(cell(tree, "dev")?.versions.map((v) => `${v.kind} ${v.value} ${v.file}:${v.path.join(".")}`).sort()).toEqual([
      "chart 6.8.0 apps/podinfo/overlays/dev/helm-generator.yaml:version",
      "image 6.8.1 apps/podinfo/overlays/dev/helm-generator.yaml:valuesInline.image.tag",
    ]);
    expect(cell(tree, "prod")?.versions.map((v) => `${v.kind} ${v.value} ${v.file}:${v.path.join(".")}`).sort()).toEqual([
      "chart 6.6.0 apps/podinfo/overlays/prod/helm-generator-legacy.yaml:chartVersion",
      "image 6.6.2 apps/podinfo/overlays/prod/helm-generator-legacy.yaml:valuesLocal.image.tag",
    ]);
    expect(cell(tree, "qa")?.versions.map((v) => `${v.kind} ${v.value} ${v.file}`).sort()).toEqual(["chart 6.7.0 apps/podinfo/base/helm-generator.yaml", "image 6.7.0 apps/podinfo/base/helm-generator.yaml"]);
  });

  it("promotes the chart and image into the target's generator file", () => {
    const model = readRepository(tree);
    const at = (env: string) => model.deployments.find((d) => d.app === "podinfo" && d.env === env)!;
    const plan = planPromotion({ tree, source: at("dev"), target: at("prod"), mode: "version", baseSha: "abc", repository: "r" });
    if (plan.status !== "changes") throw new Error(`expected changes, got ${JSON.stringify(plan)}`);
    expect(plan.changeSet.edits.map((e) => e.path)).toEqual(["apps/podinfo/overlays/prod/helm-generator-legacy.yaml"]);
    expect(plan.changeSet.edits[0]?.content).toContain("chartVersion: 6.8.0");
    expect(plan.changeSet.edits[0]?.content).toContain("tag: 6.8.1");
  });
});
