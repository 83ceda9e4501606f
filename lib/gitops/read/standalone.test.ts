import { describe, expect, it } from "vitest";
import { readRepository } from "./index";

const deployment = (name: string, image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
    spec:
      containers:
        - name: ${name}
          image: ${image}
`;

function read(files: Record<string, string>) {
  return readRepository(new Map(Object.entries(files)), { rootAppName: "repo" });
}

const cells = (files: Record<string, string>) =>
  read(files).deployments.map((d) => ({ app: d.app, env: d.env, versions: d.versions.map((v) => `${v.name}=${v.value}${v.floating ? " (floating)" : ""}`) }));

describe("a repository without environments: one folder per app", () => {
  it("reads each plain, kustomize or chart folder as one app in the default environment", () => {
    expect(
      cells({
        "web/deploy.yaml": deployment("web", "example.com/web:1.2.3"),
        "api/kustomization.yaml": "resources:\n  - deploy.yaml\n",
        "api/deploy.yaml": deployment("api", "example.com/api"),
        "db/Chart.yaml": "apiVersion: v2\nname: db\nversion: 0.1.0\ndependencies:\n  - name: postgresql\n    version: 12.1.6\n",
      }),
    ).toEqual([
      { app: "api", env: "default", versions: ["example.com/api=null (floating)"] },
      { app: "db", env: "default", versions: ["postgresql=12.1.6"] },
      { app: "web", env: "default", versions: ["example.com/web=1.2.3"] },
    ]);
  });

  it("leaves out config-only folders, bases, Components, chart templates and folders around a claimed one", () => {
    const model = read({
      "settings/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\n",
      "shared/base/kustomization.yaml": "resources:\n  - deploy.yaml\n",
      "shared/base/deploy.yaml": deployment("shared", "example.com/shared:1.0.0"),
      "mixins/debug/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n",
      "mixins/debug/deploy.yaml": deployment("debug", "example.com/debug:1.0.0"),
      "chart/Chart.yaml": "apiVersion: v2\nname: chart\nversion: 0.1.0\n",
      "chart/templates/deploy.yaml": deployment("chart", "example.com/chart:9.9.9"),
    });
    expect(model.deployments).toEqual([]);
  });

  it("reads a repository whose root is a kustomization as one app (repo per app)", () => {
    expect(
      cells({
        "kustomization.yaml": "resources:\n  - deploy/app.yaml\n",
        "deploy/app.yaml": deployment("app", "example.com/app:4.0.0"),
      }),
    ).toEqual([{ app: "repo", env: "default", versions: ["example.com/app=4.0.0"] }]);
  });

  it("leaves folders a Flux Kustomization reconciles to the Flux wiring", () => {
    const model = read({
      "sync/apps.yaml": "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\nspec:\n  path: ./workloads\n",
      "workloads/api/kustomization.yaml": "resources:\n  - deploy.yaml\n",
      "workloads/api/deploy.yaml": deployment("api", "example.com/api:1.0.0"),
      "tools/debug/deploy.yaml": deployment("debug", "example.com/debug:2.0.0"),
    });
    // `sync/` is the entry point (its Kustomization applies a folder outside it); `workloads` is its app, named by
    // its one workload since the Kustomization's name `apps` is a layer's.
    expect(model.deployments.map((d) => `${d.app}@${d.env}:${d.path}`)).toEqual(["api@default:workloads", "debug@default:tools/debug"]);
  });

  it("names a Helm chart that templates Applications an app of apps, not an app", () => {
    const model = read({
      "apps/Chart.yaml": "apiVersion: v2\nname: apps\nversion: 0.1.0\n",
      "apps/values.yaml": "apps:\n  - web\n",
      "apps/templates/apps.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\nspec:\n  source:\n    path: web\n",
      "web/deploy.yaml": deployment("web", "example.com/web:1.0.0"),
    });
    expect(model.conventions).toContain("argocd-app-of-apps");
    expect(model.deployments.map((d) => d.app)).toEqual(["web"]);
  });

  it("does not add folders to a repository that has environments", () => {
    const model = read({
      "shop/base/kustomization.yaml": "resources:\n  - deploy.yaml\n",
      "shop/base/deploy.yaml": deployment("shop", "example.com/shop:1.0.0"),
      "shop/overlays/staging/kustomization.yaml": "resources:\n  - ../../base\n",
      "shop/overlays/production/kustomization.yaml": "resources:\n  - ../../base\n",
      "tools/debug/deploy.yaml": deployment("debug", "example.com/debug:1.0.0"),
    });
    expect(model.deployments.map((d) => `${d.app}/${d.env}`).sort()).toEqual(["shop/production", "shop/staging"]);
  });
});

describe("an ApplicationSet that generates no Application from this repository", () => {
  const appSet = (targetRevision: string) => `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: monitoring
spec:
  goTemplate: true
  generators:
    - clusters: {}
  template:
    metadata:
      name: 'monitoring-{{.name}}'
    spec:
      project: default
      source:
        repoURL: https://charts.example.com
        chart: agent
        targetRevision: '${targetRevision}'
      destination:
        server: '{{.server}}'
        namespace: monitoring
`;

  it("reports the chart version its template pins, as one app named after the set", () => {
    const model = read({ "appsets/monitoring.yaml": appSet("3.4.5") });
    expect(model.deployments.map((d) => ({ app: d.app, env: d.env, versions: d.versions.map((v) => [v.kind, v.name, v.value, v.field]) }))).toEqual([
      { app: "monitoring", env: "default", versions: [["chart", "agent", "3.4.5", "template.spec.source.targetRevision"]] },
    ]);
    expect(model.deployments[0]?.destination).toEqual({ namespace: "monitoring", wiredBy: "appsets/monitoring.yaml" });
  });

  it("reports nothing when the version itself comes from the generator", () => {
    expect(read({ "appsets/monitoring.yaml": appSet("{{.values.agentVersion}}") }).deployments).toEqual([]);
  });

  it("matches nothing here (files generator over another repository): still reports the template's chart", () => {
    const set = appSet("1.0.0").replace("    - clusters: {}", "    - git:\n        repoURL: https://git.example.com/other.git\n        revision: HEAD\n        files:\n          - path: '*/config.json'");
    expect(read({ "appsets/monitoring.yaml": set }).deployments.map((d) => `${d.app}/${d.env}:${d.versions.map((v) => v.value).join(",")}`)).toEqual(["monitoring/default:1.0.0"]);
  });
});

describe("an app at the repository root", () => {
  const root = { "kustomization.yaml": "resources:\n  - deploy.yaml\n", "deploy.yaml": deployment("web", "example.com/web:1.2.3") };
  it("is named after the repository, made a DNS-1123 label", () => {
    expect(readRepository(new Map(Object.entries(root)), { rootAppName: "Acme.Web_GitOps" }).deployments.map((d) => d.app)).toEqual(["acme-web-gitops"]);
  });
  it("is called app when the repository's name has nothing usable", () => {
    expect(readRepository(new Map(Object.entries(root)), { rootAppName: "__" }).deployments.map((d) => d.app)).toEqual(["app"]);
    expect(readRepository(new Map(Object.entries(root))).deployments.map((d) => d.app)).toEqual(["app"]);
  });
});
