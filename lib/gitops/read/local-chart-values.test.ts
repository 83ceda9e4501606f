import { describe, expect, it } from "vitest";
import type { FileTree } from "../model";
import { readRepository } from ".";

const sync = (env: string) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  sourceRef: {kind: GitRepository, name: flux-system}\n  path: ./apps/${env}\n`;
const release = (name: string, chart: string, extra = "") =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\n  namespace: apps\nspec:\n  interval: 10m\n  chart:\n    spec:\n      chart: ${chart}\n      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}\n${extra}`;

function repo(files: Record<string, string>): FileTree {
  return new Map(
    Object.entries({
      "clusters/staging/apps.yaml": sync("staging"),
      "clusters/production/apps.yaml": sync("production"),
      "charts/api/Chart.yaml": "apiVersion: v2\nname: api\nversion: 1.2.0\nappVersion: 3.4.5\n",
      "charts/api/values.yaml": "image:\n  repository: ghcr.io/org/api\n  tag: latest\nsidecar:\n  image:\n    repository: envoyproxy/envoy\n    tag: v1.31.2\n",
      "charts/api/values-production.yaml": "image:\n  tag: 9.9.9\n",
      "charts/api/templates/deployment.yaml": "kind: Deployment\n",
      "apps/staging/kustomization.yaml": "resources:\n  - api.yaml\n",
      "apps/production/kustomization.yaml": "resources:\n  - api.yaml\n",
      ...files,
    }),
  );
}

const images = (tree: FileTree, env: string) =>
  readRepository(tree)
    .deployments.find((d) => d.app === "api" && d.env === env)
    ?.versions.filter((v) => v.kind === "image")
    .map((v) => `${v.name}:${v.value}${v.floating ? " (floating)" : ""} @ ${v.file} ${v.field}`)
    .sort();

describe("a HelmRelease of a chart kept in this repository", () => {
  it("runs the images the chart's values.yaml defaults to: an image at latest is floating", () => {
    const tree = repo({ "apps/staging/api.yaml": release("api", "./charts/api"), "apps/production/api.yaml": release("api", "./charts/api") });
    for (const env of ["staging", "production"]) {
      expect(images(tree, env)).toEqual([
        "envoyproxy/envoy:v1.31.2 @ charts/api/values.yaml sidecar.image.tag (inherited from charts/api)",
        "ghcr.io/org/api:latest (floating) @ charts/api/values.yaml image.tag (inherited from charts/api)",
      ]);
    }
  });

  it("the release's values win over the chart's, and keep the chart's repository; a sibling values-<env>.yaml is not read", () => {
    const tree = repo({
      "apps/staging/api.yaml": release("api", "./charts/api", "  values:\n    image:\n      tag: 2.0.0\n"),
      "apps/production/api.yaml": release("api", "./charts/api", "  values:\n    image:\n      tag: 1.9.0\n"),
    });
    expect(images(tree, "production")).toEqual([
      "envoyproxy/envoy:v1.31.2 @ charts/api/values.yaml sidecar.image.tag (inherited from charts/api)",
      "ghcr.io/org/api:1.9.0 @ apps/production/api.yaml spec.values.image.tag",
    ]);
  });

  it("with valuesFiles, reads those files (paths in the repository) instead of values.yaml, in order", () => {
    const files = "      valuesFiles:\n        - charts/api/values.yaml\n        - charts/api/values-production.yaml\n";
    const tree = repo({ "apps/staging/api.yaml": release("api", "./charts/api"), "apps/production/api.yaml": release("api", "./charts/api", files) });
    expect(images(tree, "production")).toEqual([
      "envoyproxy/envoy:v1.31.2 @ charts/api/values.yaml sidecar.image.tag (inherited from charts/api)",
      "ghcr.io/org/api:9.9.9 @ charts/api/values-production.yaml image.tag (inherited from charts/api)",
    ]);
    const only = repo({ "apps/staging/api.yaml": release("api", "./charts/api", "      valuesFiles: [charts/api/values-production.yaml]\n") });
    expect(images(only, "staging")).toEqual(["api:9.9.9 @ charts/api/values-production.yaml image.tag (inherited from charts/api)"]);
  });

  it("a values file the chart spec lists but the repository lacks is an error, unless missing files are ignored", () => {
    const missing = "      valuesFiles: [charts/api/values-qa.yaml]\n";
    const model = readRepository(repo({ "apps/staging/api.yaml": release("api", "./charts/api", missing) }));
    expect(model.errors.map((e) => `${e.file}: ${e.message}`)).toEqual([
      "apps/staging/api.yaml: values file charts/api/values-qa.yaml that the chart spec lists in valuesFiles is not in the repository: Flux cannot build the chart charts/api",
    ]);
    const ignored = readRepository(repo({ "apps/staging/api.yaml": release("api", "./charts/api", `${missing}      ignoreMissingValuesFiles: true\n`) }));
    expect(ignored.errors).toEqual([]);
  });

  it("an empty tag the chart's templates default to .Chart.AppVersion runs the appVersion, read in Chart.yaml", () => {
    const tree = repo({
      "charts/api/values.yaml": 'image:\n  repository: ghcr.io/org/api\n  tag: ""\n',
      "charts/api/templates/deployment.yaml": 'image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"\n',
      "apps/staging/api.yaml": release("api", "./charts/api"),
    });
    expect(images(tree, "staging")).toEqual(["ghcr.io/org/api:3.4.5 @ charts/api/Chart.yaml appVersion (image.tag is empty) (inherited from charts/api)"]);
  });

  it("named through chartRef, the HelmChart's spec says where the chart is and which values files it reads", () => {
    const helmChart =
      "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmChart\nmetadata:\n  name: api\n  namespace: apps\nspec:\n  interval: 10m\n  chart: ./charts/api\n  sourceRef: {kind: GitRepository, name: flux-system}\n  valuesFiles: [charts/api/values.yaml, charts/api/values-production.yaml]\n";
    const byRef = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: api\n  namespace: apps\nspec:\n  interval: 10m\n  chartRef: {kind: HelmChart, name: api}\n";
    const tree = repo({ "apps/production/kustomization.yaml": "resources:\n  - chart.yaml\n  - api.yaml\n", "apps/production/chart.yaml": helmChart, "apps/production/api.yaml": byRef });
    const cell = readRepository(tree).deployments.find((d) => d.app === "api" && d.env === "production");
    expect(cell?.versions.map((v) => `${v.kind}:${v.name}:${v.value} @ ${v.file}`).sort()).toEqual([
      "chart:charts/api:1.2.0 @ charts/api/Chart.yaml",
      "image:envoyproxy/envoy:v1.31.2 @ charts/api/values.yaml",
      "image:ghcr.io/org/api:9.9.9 @ charts/api/values-production.yaml",
    ]);
  });
});
