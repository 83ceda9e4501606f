import { describe, expect, it } from "vitest";
import type { FileTree, RepoModel } from "../model";
import { readRepository } from "./index";

const rows = (model: RepoModel) => model.deployments.map((d) => ({ app: d.app, env: d.env, versions: d.versions.map((v) => `${v.kind} ${v.name}=${v.value ?? ""}`).sort() }));

const overlay = (dir: string, tag: string): [string, string][] => [
  [`${dir}/kustomization.yaml`, `resources:\n  - ../../base\nimages:\n  - name: registry.example.com/cache-exporter\n    newTag: ${tag}\n`],
];
const base = (dir: string): [string, string][] => [
  [`${dir}/kustomization.yaml`, "resources:\n  - exporter.yaml\n"],
  [`${dir}/exporter.yaml`, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: exporter\nspec:\n  template:\n    spec:\n      containers:\n        - name: exporter\n          image: registry.example.com/cache-exporter\n"],
];

// A chart from a Helm repository, its values and extra manifests in this repository's env folder.
const multiSource = (name: string, env: string | undefined, folder: string, chartVersion: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: default\n  sources:\n    - repoURL: https://charts.example.com\n      chart: cache\n      targetRevision: ${chartVersion}\n      helm:\n        ignoreMissingValueFiles: true\n        valueFiles:\n          - $values/${folder}/values.yaml\n    - repoURL: https://git.example.com/ops.git\n      targetRevision: main\n      path: ${folder}\n      ref: values\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: ${env ?? name}\n`;

describe("all sources of one Application are one deployment", () => {
  it("a chart source and a ref+path source into an overlay: one row with the chart's version and the overlay's image", () => {
    const tree: FileTree = new Map([
      ["argocd/cache-staging.yaml", multiSource("cache-staging", "staging", "infra/cache/envs/staging", "1.4.0")],
      ["argocd/cache-production.yaml", multiSource("cache-production", "production", "infra/cache/envs/production", "1.3.0")],
      ...base("infra/cache/base"),
      ...overlay("infra/cache/envs/staging", "v2"),
      ...overlay("infra/cache/envs/production", "v1"),
    ]);
    expect(rows(readRepository(tree)).filter((r) => r.app === "cache")).toEqual([
      { app: "cache", env: "staging", versions: ["chart cache=1.4.0", "image registry.example.com/cache-exporter=v2"] },
      { app: "cache", env: "production", versions: ["chart cache=1.3.0", "image registry.example.com/cache-exporter=v1"] },
    ]);
  });

  it("a path source is the Application's deployment, named after it, not after the folder holding env folders", () => {
    const app = (env: string) =>
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cache\nspec:\n  source:\n    repoURL: https://git.example.com/ops.git\n    targetRevision: v1.2.0\n    path: infra/cache/envs/${env}\n  destination:\n    server: https://${env}.example.com\n    namespace: cache\n`;
    // Nothing in the folder yet (an env that only pins the revision): no layout names it.
    const tree: FileTree = new Map([
      ["argocd/staging/cache.yaml", app("staging")],
      ["infra/cache/envs/staging/kustomization.yaml", "resources: []\n"],
    ]);
    const model = readRepository(tree);
    expect(model.deployments.map((d) => [d.app, d.env, d.versions.map((v) => v.value)])).toEqual([["cache", "staging", ["v1.2.0"]]]);
    expect(model.apps.map((a) => a.name)).not.toContain("envs");
  });
});

describe("the environment of a root Application applied to each cluster", () => {
  // The same name and namespace in every cluster: only the folder it deploys, or its file, says which.
  const root = (env: string, version: string) => multiSource("argocd", undefined, `infra/argocd/envs/${env}`, version).replace("namespace: argocd\nspec", "namespace: argocd\nspec");
  const envFolder = (env: string): [string, string][] => [
    [`infra/argocd/envs/${env}/kustomization.yaml`, "resources:\n  - ../../base\n"],
    [`infra/argocd/envs/${env}/values.yaml`, `server:\n  replicas: ${env === "staging" ? 1 : 3}\n`],
  ];
  it("is the env folder its path source deploys: two cells, each with its chart version", () => {
    const tree: FileTree = new Map([
      ["bootstrap/root/staging.yaml", root("staging", "10.4.0")],
      ["bootstrap/root/production.yaml", root("production", "10.3.0")],
      ["infra/argocd/base/kustomization.yaml", "resources:\n  - exporter.yaml\n"],
      ["infra/argocd/base/exporter.yaml", base("x")[1]?.[1] ?? ""],
      ...envFolder("staging"),
      ...envFolder("production"),
    ]);
    expect(rows(readRepository(tree)).filter((r) => r.app === "argocd").map((r) => [r.env, r.versions.filter((v) => v.startsWith("chart"))])).toEqual([
      ["staging", ["chart cache=10.4.0"]],
      ["production", ["chart cache=10.3.0"]],
    ]);
  });

  it("else the env-named file it is written in", () => {
    const chartOnly = (version: string) =>
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ingress\n  namespace: argocd\nspec:\n  source:\n    repoURL: https://charts.example.com\n    chart: ingress-nginx\n    targetRevision: ${version}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: ingress\n`;
    const tree: FileTree = new Map([
      ["clusters/root/staging.yaml", chartOnly("4.11.0")],
      ["clusters/root/production.yaml", chartOnly("4.10.0")],
    ]);
    expect(rows(readRepository(tree))).toEqual([
      { app: "ingress", env: "staging", versions: ["chart ingress-nginx=4.11.0"] },
      { app: "ingress", env: "production", versions: ["chart ingress-nginx=4.10.0"] },
    ]);
  });
});

// One local chart, a values file per service and environment.
const chart: [string, string][] = [
  ["charts/svc/Chart.yaml", "apiVersion: v2\nname: svc\nversion: 0.1.0\nappVersion: 1.16.0\n"],
  ["charts/svc/values.yaml", "image:\n  repository: nginx\n  tag: \"\"\n"],
  ["charts/svc/templates/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc\nspec:\n  template:\n    spec:\n      containers:\n        - name: svc\n          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}\"\n"],
  ["charts/svc/values/lab/api.yaml", "image:\n  tag: stable-alpine\n"],
];
const listSet = (setName: string, valueFile: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: ${setName}\nspec:\n  generators:\n    - matrix:\n        generators:\n          - list:\n              elements:\n                - name: api\n          - list:\n              elements:\n                - env: lab\n  template:\n    metadata:\n      name: "{{name}}-{{env}}"\n    spec:\n      source:\n        repoURL: https://git.example.com/ops.git\n        path: charts/svc\n        helm:\n          valueFiles:\n            - ${valueFile}\n      destination:\n        server: https://kubernetes.default.svc\n        namespace: "{{env}}"\n`;

describe("value files an Application lists", () => {
  it("one that is not there is an error on the cell naming it, not the chart's appVersion read silently", () => {
    const tree: FileTree = new Map([...chart, ["argocd/set.yaml", listSet("svc", "values/{{env}}/{{name}}-typo.yaml")]]);
    const d = readRepository(tree).deployments.find((x) => x.app === "api");
    expect(d?.errors.join("\n")).toContain("values/lab/api-typo.yaml");
    const ignored = new Map(tree).set("argocd/set.yaml", listSet("svc", "values/{{env}}/{{name}}-typo.yaml").replace("        helm:\n", "        helm:\n          ignoreMissingValueFiles: true\n"));
    expect(readRepository(ignored).deployments.find((x) => x.app === "api")?.errors).toEqual([]);
  });

  it("one that does not parse is an error on the cell", () => {
    const tree: FileTree = new Map([...chart, ["charts/svc/values/lab/api.yaml", "image:\n  tag: [unclosed\n"], ["argocd/set.yaml", listSet("svc", "values/{{env}}/{{name}}.yaml")]]);
    expect(readRepository(tree).deployments.find((x) => x.app === "api")?.errors.join("\n")).toContain("charts/svc/values/lab/api.yaml");
  });

  it("of two Applications rendering the same app and env, the one whose value files resolve is read, and the clash is noted", () => {
    const tree: FileTree = new Map([
      ...chart,
      ["argocd/a-broken.yaml", listSet("svc-old", "../charts/svc/values/{{env}}/{{name}}.yaml")],
      ["argocd/b-good.yaml", listSet("svc", "values/{{env}}/{{name}}.yaml")],
    ]);
    const model = readRepository(tree);
    const d = model.deployments.filter((x) => x.app === "api");
    expect(d.map((x) => [x.env, x.versions.map((v) => v.value), x.errors])).toEqual([["lab", ["stable-alpine"], []]]);
    expect(model.notes.join("\n")).toMatch(/api\/lab: .*argocd\/a-broken\.yaml.*argocd\/b-good\.yaml/);
  });
});

describe("the environment a generator element names", () => {
  it("is the element's env parameter when the name or namespace shows it, whatever its spelling", () => {
    const tree: FileTree = new Map([...chart, ["argocd/set.yaml", listSet("svc", "values/{{env}}/{{name}}.yaml")]]);
    expect(rows(readRepository(tree))).toEqual([{ app: "api", env: "lab", versions: ["image nginx=stable-alpine"] }]);
  });
});
