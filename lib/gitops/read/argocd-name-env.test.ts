import { describe, expect, it } from "vitest";
import type { FileTree, RepoModel } from "../model";
import { readRepository } from "./index";

const cells = (model: RepoModel) => model.deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => v.value ?? "").join(",")}`).sort();

const chartApp = (name: string, chart: string, version: string, project = "default") =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: ${project}\n  source:\n    repoURL: oci://registry.example.com/charts\n    chart: ${chart}\n    targetRevision: ${version}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: kube-system\n`;

const root = (name: string, path: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://git.example.com/ops.git\n    targetRevision: main\n    path: ${path}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: argocd\n`;

const written = (apps: Record<string, string>): FileTree => new Map(Object.entries(apps).map(([name, version]) => [`apps/${name}.yaml`, chartApp(name, name, version)]));

describe("a stage word inside an Application's name", () => {
  it("is part of the app's name when the root Application that applies it says another environment", () => {
    const tree: FileTree = new Map([
      ["bootstrap/apps-dev.yaml", root("apps-dev", "clusters/dev")],
      ["clusters/dev/aws-load-balancer-controller.yaml", chartApp("aws-load-balancer-controller", "aws-load-balancer-controller", "1.11.0")],
      ["clusters/dev/local-path-provisioner.yaml", chartApp("local-path-provisioner", "local-path-provisioner", "0.0.31")],
      ["clusters/dev/k6-load-test.yaml", chartApp("k6-load-test", "k6-operator", "3.9.0")],
      ["clusters/dev/metrics-server.yaml", chartApp("metrics-server", "metrics-server", "3.12.2")],
    ]);
    expect(cells(readRepository(tree))).toEqual([
      "aws-load-balancer-controller@dev=1.11.0",
      "k6-load-test@dev=3.9.0",
      "local-path-provisioner@dev=0.0.31",
      "metrics-server@dev=3.12.2",
    ]);
  });

  it("is part of the app's name when the values file of the app-of-apps chart that renders it says another environment", () => {
    const tree: FileTree = new Map([
      ["bootstrap/root-dev.yaml", root("root", "charts/apps").replace("    path: charts/apps\n", "    path: charts/apps\n    helm:\n      valueFiles: [values-dev.yaml]\n")],
      ["charts/apps/Chart.yaml", "apiVersion: v2\nname: apps\nversion: 0.1.0\n"],
      ["charts/apps/values-dev.yaml", "apps:\n  - {name: aws-load-balancer-controller, version: 1.11.0}\n  - {name: node-local-dns, version: 2.1.0}\n"],
      [
        "charts/apps/templates/apps.yaml",
        "{{- range .Values.apps }}\n---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {{ .name }}\nspec:\n  project: default\n  source:\n    repoURL: oci://registry.example.com/charts\n    chart: {{ .name }}\n    targetRevision: {{ .version }}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: kube-system\n{{- end }}\n",
      ],
    ]);
    expect(cells(readRepository(tree))).toEqual(["aws-load-balancer-controller@dev=1.11.0", "node-local-dns@dev=2.1.0"]);
  });

  it("is part of the app's name when the project names another environment", () => {
    const tree: FileTree = new Map([["apps/lb.yaml", chartApp("aws-load-balancer-controller", "aws-load-balancer-controller", "1.11.0", "production")]]);
    expect(cells(readRepository(tree))).toEqual(["aws-load-balancer-controller@production=1.11.0"]);
  });

  it("when nothing else says an environment, names one only if it is rarely anything but a stage", () => {
    // `load`, `local`: words of what the Application deploys; `dev` inside a name is the tenant layout.
    const tree = written({ "aws-load-balancer-controller": "1.11.0", "local-path-provisioner": "0.0.31", "payments-dev-checkout-ui": "1.0.0" });
    expect(cells(readRepository(tree))).toEqual(["aws-load-balancer-controller@default=1.11.0", "checkout-ui@dev=1.0.0", "local-path-provisioner@default=0.0.31"]);
  });

  it("names the environment, even a common word, when another Application repeats the layout with another stage", () => {
    const tree = written({ "team-test-api": "2.0.0", "team-prod-api": "1.9.0", "test-shop": "5.1.0", "live-shop": "5.0.0", "local-path-provisioner": "0.0.31" });
    // `live-shop` backs `test-shop` up (same app, another stage), not `local-path-provisioner`.
    expect(cells(readRepository(tree))).toEqual(["api@prod=1.9.0", "api@test=2.0.0", "local-path-provisioner@default=0.0.31", "shop@live=5.0.0", "shop@test=5.1.0"]);
  });

  it("names the environment when what else the Application says agrees, and a stage suffix names it whatever else is said", () => {
    const tree: FileTree = new Map([
      ["bootstrap/apps-dev.yaml", root("apps-dev", "clusters/dev")],
      // The root says dev too: the word is the environment, the rest the app.
      ["clusters/dev/payments-development-checkout-ui.yaml", chartApp("payments-development-checkout-ui", "checkout", "1.2.0")],
      // A suffix that is no common word stays the env, as the team wrote it.
      ["clusters/dev/shop-staging.yaml", chartApp("shop-staging", "shop", "3.0.0")],
    ]);
    expect(cells(readRepository(tree))).toEqual(["checkout-ui@development=1.2.0", "shop@staging=3.0.0"]);
  });
});
