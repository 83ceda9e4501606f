import { describe, expect, it } from "vitest";
import type { FileTree } from "../model";
import { readRepository } from "./index";

// The rendered-manifests pattern: CI runs `helm template charts/web -f values-<env>.yaml` and commits the
// output to envs/<env>/web, which is what the Applications sync; the chart is only the render input.

const app = (env: string, source: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web-${env}\n  namespace: argocd\nspec:\n  project: default\n  ${source}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: ${env}\n`;
const pathSource = (path: string) => `source:\n    repoURL: https://git.example.com/ops.git\n    targetRevision: main\n    path: ${path}`;
const rendered = (tag: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: registry.example.com/web:${tag}\n`;

function tree(extra: Record<string, string> = {}): FileTree {
  return new Map(
    Object.entries({
      "argocd/dev/web.yaml": app("dev", pathSource("envs/dev/web")),
      "argocd/prod/web.yaml": app("prod", pathSource("envs/prod/web")),
      "envs/dev/web/all.yaml": rendered("a1b2c3d"),
      "envs/prod/web/all.yaml": rendered("9f8e7d6"),
      "charts/render/Chart.yaml": "apiVersion: v2\nname: render\nversion: 0.1.0\n",
      "charts/render/values.yaml": "web:\n  image:\n    repository: registry.example.com/web\n    tag: old\n",
      "charts/render/values-dev.yaml": "web:\n  image:\n    tag: stale-dev\n",
      "charts/render/values-prod.yaml": "web:\n  image:\n    tag: stale-prod\n",
      ...extra,
    }),
  );
}

const cells = (t: FileTree) =>
  readRepository(t)
    .deployments.map((d) => `${d.app}@${d.env}: ${d.versions.map((v) => v.value).join(", ")}`)
    .sort();

describe("a chart beside values-<env>.yaml files that nothing deploys, where Argo CD Applications deploy the repository's folders", () => {
  it("is a render input: only the folders the Applications sync are deployments", () => {
    const model = readRepository(tree());
    expect(cells(tree())).toEqual(["web@dev: a1b2c3d", "web@prod: 9f8e7d6"]);
    expect(model.notes.some((n) => n.startsWith("charts/render: no Argo CD Application deploys this chart"))).toBe(true);
  });

  it("stays a deployment per values file when something else may install it or an Application's folder is not known", () => {
    const withChart = ["render@dev: stale-dev", "render@prod: stale-prod", "web@dev: a1b2c3d", "web@prod: 9f8e7d6"];
    // An Application reads one of the chart's files (its values for a chart from a Helm repository).
    const refSource = `sources:\n    - repoURL: https://charts.example.com\n      chart: web\n      targetRevision: 1.0.0\n      helm:\n        valueFiles:\n          - $values/charts/render/values-prod.yaml\n    - repoURL: https://git.example.com/ops.git\n      targetRevision: main\n      ref: values`;
    expect(cells(tree({ "argocd/prod/web-chart.yaml": app("prod", refSource).replace("web-prod", "web-chart-prod") })).filter((c) => c.startsWith("render@"))).not.toEqual([]);
    // A Flux HelmRelease can install a chart of the repository.
    const release = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: other\nspec:\n  chart:\n    spec:\n      chart: ./charts/other\n      sourceRef:\n        kind: GitRepository\n        name: flux-system\n";
    expect(cells(tree({ "flux/other.yaml": release }))).toEqual(expect.arrayContaining(withChart));
    // An ApplicationSet whose generator lists folders of another repository: the folders it deploys are unknown.
    const appSet = "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: all\nspec:\n  generators:\n    - git:\n        repoURL: https://git.example.com/elsewhere.git\n        revision: main\n        directories:\n          - path: apps/*\n  template:\n    metadata:\n      name: '{{path.basename}}'\n    spec:\n      project: default\n      source:\n        repoURL: https://git.example.com/elsewhere.git\n        targetRevision: main\n        path: '{{path}}'\n      destination:\n        server: https://kubernetes.default.svc\n        namespace: '{{path.basename}}'\n";
    expect(cells(tree({ "argocd/appset.yaml": appSet }))).toEqual(expect.arrayContaining(withChart));
  });
});
