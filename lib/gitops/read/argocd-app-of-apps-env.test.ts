import { describe, expect, it } from "vitest";
import type { FileTree, RepoModel } from "../model";
import { argoGlob } from "./argocd-app-of-apps-env";
import { readRepository } from "./index";

const cells = (model: RepoModel) => model.deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => v.value ?? "").sort().join(",")}`).sort();

// A chart from a Helm registry: the version is the Application's targetRevision. Same name, namespace and
// project in every environment, as in a repository that applies one folder of these per cluster.
const chartApp = (name: string, chart: string, version: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: oci://registry.example.com/charts\n    chart: ${chart}\n    targetRevision: ${version}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: ${chart}\n`;

const root = (name: string, path: string, directory = "") =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://git.example.com/ops.git\n    targetRevision: main\n    path: ${path}\n${directory}  destination:\n    server: https://kubernetes.default.svc\n    namespace: argocd\n`;

const recurse = (exclude?: string) => `    directory:\n      recurse: true\n${exclude ? `      exclude: '${exclude}'\n` : ""}`;

describe("a root Application deploying a folder of Applications passes its environment on", () => {
  it("takes the env from the root's name or the folder it deploys, at any depth with directory.recurse", () => {
    const tree: FileTree = new Map([
      // Applied by hand: one root per environment, its env in its name or in the folder it deploys.
      ["deploy/argocd/staging.yaml", root("staging-app-of-apps", "deploy/argocd/stage-apps", recurse())],
      ["deploy/argocd/production.yaml", root("cluster-root", "deploy/argocd/prod", recurse())],
      ["deploy/argocd/stage-apps/apps/shop.yaml", chartApp("shop", "shop", "1.3.0-rc.1")],
      ["deploy/argocd/stage-apps/platform/monitoring/loki.yaml", chartApp("loki", "loki", "6.28.0")],
      ["deploy/argocd/prod/apps/shop.yaml", chartApp("shop", "shop", "1.2.0")],
      ["deploy/argocd/prod/platform/monitoring/loki.yaml", chartApp("loki", "loki", "6.16.0")],
    ]);
    const model = readRepository(tree);
    expect(cells(model)).toEqual(["loki@prod=6.16.0", "loki@staging=6.28.0", "shop@prod=1.2.0", "shop@staging=1.3.0-rc.1"]);
    // One app in two environments, not two Applications clashing over one cell.
    expect(model.notes.filter((n) => n.includes("render the same app and environment"))).toEqual([]);
  });

  it("only to the files Argo CD applies: directly in the folder without recurse, minus exclude, within include", () => {
    // Folder names that say no environment: only the roots' file names do.
    const tree: FileTree = new Map([
      ["bootstrap/staging.yaml", root("apps", "catalog/a", recurse("{teams/*/internal/*}"))],
      ["bootstrap/production.yaml", root("apps", "catalog/b")],
      ["catalog/a/teams/shop.yaml", chartApp("shop", "shop", "2.0.0")],
      ["catalog/a/teams/shop/internal/debug.yaml", chartApp("debug", "debug", "0.1.0")],
      ["catalog/b/cart.yaml", chartApp("cart", "cart", "3.1.0")],
      ["catalog/b/nested/search.yaml", chartApp("search", "search", "4.0.0")],
      ["bootstrap/qa.yaml", root("apps", "catalog/c", "    directory:\n      recurse: true\n      include: 'live/*'\n")],
      ["catalog/c/live/pay.yaml", chartApp("pay", "pay", "5.0.0")],
      ["catalog/c/draft/beta.yaml", chartApp("beta", "beta", "0.0.1")],
    ]);
    expect(cells(readRepository(tree))).toEqual(["beta@default=0.0.1", "cart@production=3.1.0", "debug@default=0.1.0", "pay@qa=5.0.0", "search@default=4.0.0", "shop@staging=2.0.0"]);
  });

  it("through a root applied by a root, and to each env of a folder two roots apply; a child naming its env keeps it", () => {
    const tree: FileTree = new Map([
      ["clusters/staging-root.yaml", root("staging-root", "clusters/layers/staging")],
      ["clusters/production-root.yaml", root("production-root", "clusters/layers/production")],
      // Each env's layer root is an Application in the env folder, deploying the shared folder.
      ["clusters/layers/staging/common.yaml", root("common", "clusters/common", recurse())],
      ["clusters/layers/production/common.yaml", root("common", "clusters/common", recurse())],
      ["clusters/common/ingress.yaml", chartApp("ingress", "ingress-nginx", "4.11.0")],
      ["clusters/common/canary/shop-qa.yaml", chartApp("shop-qa", "shop", "9.9.9")],
    ]);
    expect(cells(readRepository(tree))).toEqual(["ingress@production=4.11.0", "ingress@staging=4.11.0", "shop@qa=9.9.9"]);
  });
});

describe("an Application whose env nothing else says, in a file under an env-named folder", () => {
  it("is in that env: same-named Applications of two env folders are one app in two envs, not a clash", () => {
    const tree: FileTree = new Map([
      ["argocd/staging/applications/alerts.yaml", chartApp("alerts", "alerts", "0.0.1-develop.041116e")],
      ["argocd/production/applications/alerts.yaml", chartApp("alerts", "alerts", "0.1.1-develop.cfa7aea0")],
    ]);
    const model = readRepository(tree);
    expect(cells(model)).toEqual(["alerts@production=0.1.1-develop.cfa7aea0", "alerts@staging=0.0.1-develop.041116e"]);
    expect(model.notes.filter((n) => n.includes("render the same app and environment"))).toEqual([]);
  });

  it("is the nearest folder named as a stage, with a region after it, not a folder name starting with one", () => {
    const tree: FileTree = new Map([
      ["argocd/prod-eu/apps/alerts.yaml", chartApp("alerts", "alerts", "0.2.0")],
      ["argocd/dev-tools/linter.yaml", chartApp("linter", "linter", "1.0.0")],
    ]);
    expect(cells(readRepository(tree))).toEqual(["alerts@prod-eu=0.2.0", "linter@default=1.0.0"]);
  });
});

describe("a stage word inside an Application's name", () => {
  it("is dropped from the app's name when that gives another Application's name or the file's name", () => {
    const tree: FileTree = new Map([
      ["envs/staging.yaml", root("staging-apps", "envs/staging-apps")],
      ["envs/production.yaml", root("production-apps", "envs/production-apps")],
      ["envs/staging-apps/sdt-api.yaml", chartApp("sdt-staging-api", "sdt", "0.0.1-develop.6dd82a9")],
      ["envs/production-apps/sdt-api.yaml", chartApp("sdt-api", "sdt", "0.0.1-release.c08a80b4")],
      // No production copy yet: the file names the app.
      ["envs/staging-apps/web-app.yaml", chartApp("web-staging-app", "web", "0.0.1-main.cc5aed3a")],
      // Neither: the tenant layout `<tenant>-<env>-<app>` (the tenant's other stage backs it up) stays the app after the stage word.
      ["envs/staging-apps/tenants.yaml", `${chartApp("payments-dev-checkout-ui", "checkout", "1.0.0")}---\n${chartApp("payments-staging-checkout-ui", "checkout", "1.1.0")}`],
    ]);
    expect(cells(readRepository(tree))).toEqual([
      "checkout-ui@dev=1.0.0",
      "checkout-ui@staging=1.1.0",
      "sdt-api@production=0.0.1-release.c08a80b4",
      "sdt-api@staging=0.0.1-develop.6dd82a9",
      "web-app@staging=0.0.1-main.cc5aed3a",
    ]);
  });
});

describe("Argo CD directory include/exclude patterns", () => {
  it("match the path relative to the folder, `*` across folders as Argo CD's glob does, with {a,b} alternatives", () => {
    const exclude = argoGlob("{applications/*/internal/*,*.json}");
    expect(exclude.test("applications/eoapi/internal/Chart.yaml")).toBe(true);
    expect(exclude.test("applications/eoapi/internal/templates/app.yaml")).toBe(true);
    expect(exclude.test("config/x.json")).toBe(true);
    expect(exclude.test("applications/eoapi/application.yaml")).toBe(false);
    expect(argoGlob("app-[!x]?.yaml").test("app-ab.yaml")).toBe(true);
    expect(argoGlob("app-[!x]?.yaml").test("app-xb.yaml")).toBe(false);
    expect(argoGlob("{broken").test("broken")).toBe(false);
  });
});
