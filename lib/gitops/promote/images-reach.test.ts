import { describe, expect, it } from "vitest";
import { changeImpact } from "../impact";
import type { Deployment, FileTree } from "../model";
import { readRepository } from "../read";
import { getAtPath, parseYamlDocuments } from "../yaml";
import { imagesReach } from "./images-reach";
import { planPromotion } from "./plan";
import { applyEdits, BASE, changedLines, hasKubectl, render, version } from "./test-helpers";
import type { PromotionPlan } from "./types";

const WEB = "ghcr.io/acme/web";

// One base holding an image in every kind of place an `images:` entry might or might not reach.
const everyPlace = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers: [{name: init, image: "${WEB}:1.0"}]
      containers: [{name: web, image: "${WEB}:1.0"}]
---
apiVersion: v1
kind: Pod
metadata: {name: debug}
spec:
  containers: [{name: main, image: "${WEB}:1.0"}]
  ephemeralContainers: [{name: shell, image: "${WEB}:1.0"}]
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: web}
spec:
  values:
    image: {repository: ${WEB}, tag: "1.0"}
    extra:
      containers: [{name: side, image: "${WEB}:1.0"}]
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: main}
spec:
  image: ${WEB}:1.0
---
apiVersion: monitoring.coreos.com/v1
kind: Alertmanager
metadata: {name: main}
spec:
  image: ${WEB}:1.0
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: things.example.com}
spec:
  template:
    containers: [{name: c, image: "${WEB}:1.0"}]
`;

const places: { kind: string; name: string; path: (string | number)[] }[] = [
  { kind: "Deployment", name: "web", path: ["spec", "template", "spec", "containers", 0, "image"] },
  { kind: "Deployment", name: "web", path: ["spec", "template", "spec", "initContainers", 0, "image"] },
  { kind: "Pod", name: "debug", path: ["spec", "containers", 0, "image"] },
  { kind: "Pod", name: "debug", path: ["spec", "ephemeralContainers", 0, "image"] },
  { kind: "HelmRelease", name: "web", path: ["spec", "values", "image", "tag"] },
  { kind: "HelmRelease", name: "web", path: ["spec", "values", "extra", "containers", 0, "image"] },
  { kind: "Prometheus", name: "main", path: ["spec", "image"] },
  { kind: "Alertmanager", name: "main", path: ["spec", "image"] },
  { kind: "CustomResourceDefinition", name: "things.example.com", path: ["spec", "template", "containers", 0, "image"] },
];

describe("which fields an images: entry reaches", () => {
  const tree: FileTree = new Map([
    ["base/kustomization.yaml", "resources: [all.yaml]\nconfigurations: [images-config.yaml]\n"],
    ["base/images-config.yaml", "images:\n- path: spec/image\n  kind: Prometheus\n"],
    ["base/all.yaml", everyPlace],
    ["overlay/kustomization.yaml", "resources: [../base]\n"],
  ]);
  // The planner asks before it writes the entry; kubectl says what the entry then rewrites.
  const overridden = new Map([...tree, ["overlay/kustomization.yaml", `resources: [../base]\nimages:\n- name: ${WEB}\n  newTag: "2.0"\n`]]);
  const docs = (parseYamlDocuments(everyPlace).documents ?? []).map((d) => d.value as Record<string, unknown>);
  const at = (kind: string, name: string) => docs.findIndex((d) => d.kind === kind && (d.metadata as { name: string }).name === name);

  it("agrees with kubectl kustomize on each: containers and initContainers at any depth, configured fields; not ephemeralContainers, values, spec.image, CRDs", () => {
    const reach = imagesReach(tree, "overlay");
    const claimed = places.map((p) => reach.reaches(version({ name: WEB, value: "1.0", file: "base/all.yaml", doc: at(p.kind, p.name), path: p.path })));
    expect(claimed).toEqual([true, true, true, false, false, true, true, false, false]);
    if (!hasKubectl) return console.warn("kubectl oracle skipped: /usr/bin/kubectl is missing");
    const built = parseYamlDocuments(render(overridden, "overlay")).documents.map((d) => d.value as Record<string, unknown>);
    const rewritten = places.map((p) => {
      const obj = built.find((d) => d.kind === p.kind && (d.metadata as { name: string }).name === p.name);
      return String(getAtPath(obj, p.path)).endsWith("2.0");
    });
    expect(claimed).toEqual(rewritten);
  });

  it("knows which images the build runs and which files it builds", () => {
    const reach = imagesReach(tree, "overlay");
    expect(reach.runs(WEB)).toBe(true);
    expect(reach.runs("ghcr.io/acme/other")).toBe(false);
    expect(reach.builds("base/all.yaml")).toBe(true);
    expect(reach.builds("base/images-config.yaml")).toBe(false);
  });
});

function changes(plan: PromotionPlan) {
  if (plan.status !== "changes") throw new Error(`expected changes, got ${plan.status}: ${JSON.stringify(plan)}`);
  return plan;
}

// A Flux repository whose HelmReleases install a chart kept in it (charts/api), one folder per env.
const sync = (env: string) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  sourceRef: {kind: GitRepository, name: flux-system}\n  path: ./apps/${env}\n`;
const release = (extra = "") =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: api\n  namespace: apps\nspec:\n  interval: 10m\n  chart:\n    spec:\n      chart: ./charts/api\n      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}\n${extra}`;
const valuesFiles = (...files: string[]) => `      valuesFiles:\n${files.map((f) => `        - ${f}\n`).join("")}`;

function fluxRepo(files: Record<string, string>): FileTree {
  return new Map(
    Object.entries({
      "clusters/staging/apps.yaml": sync("staging"),
      "clusters/production/apps.yaml": sync("production"),
      "charts/api/Chart.yaml": "apiVersion: v2\nname: api\nversion: 1.2.0\n",
      "charts/api/values.yaml": "image:\n  repository: ghcr.io/org/api\n  tag: 1.0.0\n",
      "charts/api/templates/deployment.yaml": "kind: Deployment\n",
      "apps/staging/kustomization.yaml": "resources:\n  - api.yaml\n",
      "apps/production/kustomization.yaml": "resources:\n  - api.yaml\n",
      ...files,
    }),
  );
}

function cells(tree: FileTree): { source: Deployment; target: Deployment; model: ReturnType<typeof readRepository> } {
  const model = readRepository(tree);
  const find = (env: string) => {
    const d = model.deployments.find((x) => x.app === "api" && x.env === env);
    if (!d) throw new Error(`no api/${env}: ${JSON.stringify(model.deployments.map((x) => `${x.app}/${x.env}`))}`);
    return d;
  };
  return { source: find("staging"), target: find("production"), model };
}

const tagOf = (d: Deployment) => d.versions.find((v) => v.kind === "image")?.value;

describe("promoting an image a Flux HelmRelease takes from a chart values file", () => {
  it("refuses when the value sits in the chart's own values.yaml: no images: override, and the reason says where and what to do", () => {
    const tree = fluxRepo({
      "apps/staging/api.yaml": release("  values:\n    image:\n      tag: 2.0.0\n"),
      "apps/production/api.yaml": release(),
    });
    const { source, target } = cells(tree);
    expect(target.versions).toContainEqual(expect.objectContaining({ name: "ghcr.io/org/api", value: "1.0.0", file: "charts/api/values.yaml" }));
    const plan = planPromotion({ ...BASE, tree, source, target, mode: "version" });
    expect(plan.status).toBe("refused");
    if (plan.status !== "refused") return;
    expect(plan.reason).not.toContain("newTag");
    expect(plan.reason).toContain("(ghcr.io/org/api:1.0.0) is set in charts/api/values.yaml");
    expect(plan.reason).toContain("An images: override in apps/production/kustomization.yaml would not change it, because kustomize does not build charts/api/values.yaml");
    expect(plan.reason).toContain("patch the HelmRelease's spec.values there");
  });

  it("refuses when a values file outside the env folder is named by other environments' releases too", () => {
    const shared = valuesFiles("charts/api/values.yaml", "charts/api/values-common.yaml");
    const tree = fluxRepo({
      "charts/api/values-common.yaml": "image:\n  tag: 1.5.0\n",
      "apps/staging/api.yaml": release(`${shared}  values:\n    image:\n      tag: 2.0.0\n`),
      "apps/production/api.yaml": release(shared),
    });
    const { source, target } = cells(tree);
    expect(tagOf(target)).toBe("1.5.0");
    const plan = planPromotion({ ...BASE, tree, source, target, mode: "version" });
    expect(plan).toMatchObject({ status: "refused", reason: expect.stringContaining("is set in charts/api/values-common.yaml, and it lies outside apps/production") });
  });

  it("edits a per-env values file only that env's release names, and re-reading shows the new version in that env alone", () => {
    const tree = fluxRepo({
      "charts/api/values-staging.yaml": "image:\n  tag: 2.0.0 # staging\n",
      "charts/api/values-production.yaml": "image:\n  tag: 1.9.0 # production\n",
      "apps/staging/api.yaml": release(valuesFiles("charts/api/values.yaml", "charts/api/values-staging.yaml")),
      "apps/production/api.yaml": release(valuesFiles("charts/api/values.yaml", "charts/api/values-production.yaml")),
    });
    const { source, target, model } = cells(tree);
    expect([tagOf(source), tagOf(target)]).toEqual(["2.0.0", "1.9.0"]);
    const plan = changes(planPromotion({ ...BASE, tree, source, target, mode: "version" }));
    expect(plan.changeSet.edits.map((e) => e.path)).toEqual(["charts/api/values-production.yaml"]);
    expect(changedLines(plan.changeSet.diff)).toEqual(["-  tag: 1.9.0 # production", "+  tag: 2.0.0 # production"]);
    expect(changeImpact(tree, model, plan.changeSet)).toEqual([{ app: "api", env: "production", versions: [{ name: "ghcr.io/org/api", from: "1.9.0", to: "2.0.0" }] }]);
    const after = cells(applyEdits(tree, plan.changeSet.edits));
    expect([tagOf(after.source), tagOf(after.target)]).toEqual(["2.0.0", "2.0.0"]);
  });

  it("refuses when the value comes through valuesFrom, from a ConfigMap both environments build", () => {
    const valuesFrom = "  valuesFrom:\n    - kind: ConfigMap\n      name: api-values\n";
    const tree = fluxRepo({
      "apps/common/kustomization.yaml": "resources:\n  - values.yaml\n",
      "apps/common/values.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api-values\n  namespace: apps\ndata:\n  values.yaml: |\n    image:\n      tag: 1.5.0\n",
      "apps/staging/kustomization.yaml": "resources:\n  - api.yaml\n",
      "apps/staging/api.yaml": release("  values:\n    image:\n      tag: 2.0.0\n"),
      "apps/production/kustomization.yaml": "resources:\n  - api.yaml\n  - ../common\n",
      "apps/production/api.yaml": release(valuesFrom),
    });
    const { source, target } = cells(tree);
    expect(target.versions).toContainEqual(expect.objectContaining({ value: "1.5.0", file: "apps/common/values.yaml", embedded: ["image", "tag"] }));
    const plan = planPromotion({ ...BASE, tree, source, target, mode: "version" });
    expect(plan).toMatchObject({ status: "refused", reason: expect.stringContaining("because apps/common/values.yaml holds it in YAML written as a string, which kustomize does not parse") });
  });

  it("does not take a file for the env's own when another folder names it by a relative name or a pattern", () => {
    const own = valuesFiles("charts/api/values.yaml", "charts/api/values-production.yaml");
    for (const other of ["values-production.yaml", "charts/api/values-${cluster}.yaml"]) {
      const tree = fluxRepo({
        "charts/api/values-production.yaml": "image:\n  tag: 1.9.0\n",
        "apps/staging/api.yaml": release("  values:\n    image:\n      tag: 2.0.0\n"),
        "apps/production/api.yaml": release(own),
        "clusters/staging/extra.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  file: ${other}\n`,
      });
      const { source, target } = cells(tree);
      expect(tagOf(target)).toBe("1.9.0");
      expect(planPromotion({ ...BASE, tree, source, target, mode: "version" }).status).toBe("refused");
    }
  });
});

describe("promoting an image a shared base sets", () => {
  const base = (image: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  template:\n    spec:\n      containers:\n        - name: shop\n          image: ${image}\n`;
  const tree: FileTree = new Map([
    ["apps/shop/base/kustomization.yaml", "resources:\n  - deployment.yaml\n  - release.yaml\n"],
    ["apps/shop/base/deployment.yaml", base("ghcr.io/acme/shop:1.0.0")],
    [
      "apps/shop/base/release.yaml",
      "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cache\nspec:\n  chart:\n    spec:\n      chart: redis\n      version: 19.0.0\n      sourceRef: {kind: HelmRepository, name: bitnami}\n  values:\n    image:\n      repository: bitnami/redis\n      tag: 7.2.0\n",
    ],
    ["apps/shop/overlays/staging/kustomization.yaml", "resources:\n  - ../../base\nimages:\n  - name: ghcr.io/acme/shop\n    newTag: 1.1.0\npatches:\n  - path: cache.yaml\n"],
    ["apps/shop/overlays/staging/cache.yaml", "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cache\nspec:\n  values:\n    image:\n      tag: 7.4.0\n"],
    ["apps/shop/overlays/production/kustomization.yaml", "resources:\n  - ../../base\n"],
  ]);
  const source = version;
  const staging: Deployment = {
    app: "shop",
    env: "staging",
    path: "apps/shop/overlays/staging",
    errors: [],
    files: [],
    versions: [
      source({ name: "ghcr.io/acme/shop", value: "1.1.0", file: "apps/shop/overlays/staging/kustomization.yaml", path: ["images", 0, "newTag"] }),
      source({ name: "bitnami/redis", value: "7.4.0", file: "apps/shop/overlays/staging/cache.yaml", path: ["spec", "values", "image", "tag"] }),
    ],
  };
  const production: Deployment = {
    app: "shop",
    env: "production",
    path: "apps/shop/overlays/production",
    errors: [],
    files: [],
    versions: [
      source({ name: "ghcr.io/acme/shop", value: "1.0.0", file: "apps/shop/base/deployment.yaml", path: ["spec", "template", "spec", "containers", 0, "image"] }),
      source({ name: "bitnami/redis", value: "7.2.0", file: "apps/shop/base/release.yaml", path: ["spec", "values", "image", "tag"], field: "spec.values.image.tag" }),
    ],
  };

  it("overrides the Deployment's image with images: (kubectl renders it), and leaves the HelmRelease's values out with a reason", () => {
    const plan = changes(planPromotion({ ...BASE, tree, source: staging, target: production, mode: "version" }));
    expect(changedLines(plan.changeSet.diff)).toEqual(["+images:", "+  - name: ghcr.io/acme/shop", "+    newTag: 1.1.0"]);
    expect(plan.skipped).toEqual([
      {
        path: "apps/shop/base/release.yaml",
        reason: expect.stringContaining("because kustomize's images: rewrites the image of containers and initContainers, not spec.values.image.tag"),
      },
    ]);
    if (!hasKubectl) return console.warn("kubectl oracle skipped: /usr/bin/kubectl is missing");
    const rendered = render(applyEdits(tree, plan.changeSet.edits), production.path);
    expect(rendered).toContain("image: ghcr.io/acme/shop:1.1.0");
    expect(rendered).toContain("tag: 7.2.0");
    // What the old plan wrote for the release's image: kustomize renders the overlay exactly as before.
    const noOp = new Map(tree).set("apps/shop/overlays/production/kustomization.yaml", "resources:\n  - ../../base\nimages:\n  - name: bitnami/redis\n    newTag: 7.4.0\n");
    expect(render(noOp, production.path)).toEqual(render(tree, production.path));
  });

  it("adds an images: entry for a source image the target's build runs but its model lacks, and not for one it does not run", () => {
    const withSidecar = new Map(tree);
    withSidecar.set("apps/shop/base/deployment.yaml", `${base("ghcr.io/acme/shop:1.0.0")}        - name: proxy\n          image: ghcr.io/acme/proxy:0.9.0\n`);
    const proxy = source({ name: "ghcr.io/acme/proxy", value: "1.0.0", file: "apps/shop/overlays/staging/proxy.yaml", path: ["spec", "template", "spec", "containers", 0, "image"] });
    const input = { ...BASE, source: { ...staging, versions: [staging.versions[0]!, proxy] }, target: { ...production, versions: [production.versions[0]!] }, mode: "version" as const };
    const runs = changes(planPromotion({ ...input, tree: withSidecar }));
    expect(changedLines(runs.changeSet.diff)).toEqual(["+images:", "+  - name: ghcr.io/acme/shop", "+    newTag: 1.1.0", "+  - name: ghcr.io/acme/proxy", "+    newTag: 1.0.0"]);
    if (hasKubectl) expect(render(applyEdits(withSidecar, runs.changeSet.edits), production.path)).toContain("image: ghcr.io/acme/proxy:1.0.0");
    const lacks = changes(planPromotion({ ...input, tree }));
    expect(changedLines(lacks.changeSet.diff)).toEqual(["+images:", "+  - name: ghcr.io/acme/shop", "+    newTag: 1.1.0"]);
    expect(lacks.skipped).toEqual([{ path: proxy.file, reason: expect.stringContaining("nothing apps/shop/overlays/production builds runs ghcr.io/acme/proxy, so an images: entry") }]);
  });
});
