import { describe, expect, it } from "vitest";
import type { FileTree } from "../../model";
import { readRepository } from "../index";

// An umbrella chart at the repository root whose subcharts live in charts/<name>/ (or a file:// path):
// each subchart's own values.yaml is the lowest values layer, under the dependency's key.

const umbrella = [
  "apiVersion: v2",
  "name: shop",
  "version: 0.0.1",
  "dependencies:",
  "  - name: web",
  "    version: 0.0.1",
  "  - name: worker-chart",
  "    alias: worker",
  "    version: 0.0.1",
  "    repository: file://./components/worker",
  "  - name: cache",
  "    version: 0.0.1",
  "    condition: cache.enabled",
  "  - name: postgresql",
  "    version: 12.1.0",
  "    repository: https://charts.bitnami.com/bitnami",
  "",
].join("\n");

function tree(extra: Record<string, string> = {}): FileTree {
  return new Map(
    Object.entries({
      "Chart.yaml": umbrella,
      "values-staging.yaml": "web:\n  replicas: 1\n",
      "values-prod.yaml": "web:\n  image:\n    tag: 1.4.0\nworker:\n  replicas: 3\ncache:\n  enabled: false\n",
      "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.0.1\n",
      "charts/web/values.yaml": "image:\n  repository: ghcr.io/acme/web\n  tag: latest\n",
      "components/worker/Chart.yaml": "apiVersion: v2\nname: worker-chart\nversion: 0.0.1\n",
      "components/worker/values.yaml": "image:\n  repository: ghcr.io/acme/worker\n  tag: 2.0.1\n",
      "charts/cache/Chart.yaml": "apiVersion: v2\nname: cache\nversion: 0.0.1\nappVersion: 7.2.4\n",
      "charts/cache/values.yaml": "image:\n  repository: redis\n  tag: \"\"\n",
      "charts/cache/templates/deployment.yaml": "image: {{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}\n",
      ...extra,
    }),
  );
}

const cells = (t: FileTree) =>
  readRepository(t, { rootAppName: "checkout-folder" })
    .deployments.map((d) => `${d.app}@${d.env}: ${d.versions.map((v) => `${v.name}=${v.value}${v.floating ? " (floating)" : ""} [${v.file} ${v.field}]`).join(", ")}`)
    .sort();

describe("umbrella chart with subcharts kept in the repository", () => {
  it("reads each subchart's images per env, located in the file that sets them last, and names the app after the chart", () => {
    expect(cells(tree())).toEqual([
      "shop@prod: https://charts.bitnami.com/bitnami/postgresql=12.1.0 [Chart.yaml dependencies[name=postgresql].version], ghcr.io/acme/web=1.4.0 [values-prod.yaml web.image.tag], ghcr.io/acme/worker=2.0.1 [components/worker/values.yaml image.tag (inherited from components/worker/values.yaml)]",
      "shop@staging: https://charts.bitnami.com/bitnami/postgresql=12.1.0 [Chart.yaml dependencies[name=postgresql].version], ghcr.io/acme/web=latest (floating) [charts/web/values.yaml image.tag (inherited from charts/web/values.yaml)], ghcr.io/acme/worker=2.0.1 [components/worker/values.yaml image.tag (inherited from components/worker/values.yaml)], redis=7.2.4 [charts/cache/Chart.yaml appVersion (image.tag is empty)]",
    ]);
  });

  it("keeps a local subchart's packaging version only when none of its images is known", () => {
    const t = tree({ "charts/web/values.yaml": "replicas: 2\n" });
    const [prod, staging] = cells(t);
    expect(staging).toContain("web=0.0.1 [Chart.yaml dependencies[name=web].version]");
    expect(staging).not.toContain("worker-chart=0.0.1");
    // prod sets web.image.tag itself: that image is what web deploys there.
    expect(prod).toContain("web=1.4.0 [values-prod.yaml web.image.tag]");
    expect(prod).not.toContain("web=0.0.1");
  });

  it("a subchart's own values turn it off through its condition, and the parent's values turn it back on", () => {
    const off = tree({ "charts/cache/values.yaml": "enabled: false\nimage:\n  repository: redis\n  tag: 7.0.0\n" });
    expect(cells(off).find((c) => c.startsWith("shop@staging"))).not.toContain("redis");
    const on = tree({ "charts/cache/values.yaml": "enabled: false\nimage:\n  repository: redis\n  tag: 7.0.0\n", "values-staging.yaml": "cache:\n  enabled: true\n" });
    expect(cells(on).find((c) => c.startsWith("shop@staging"))).toContain("redis=7.0.0 [charts/cache/values.yaml image.tag");
  });

  it("falls back to the repository's name when the root Chart.yaml names no valid app", () => {
    const t = tree({ "Chart.yaml": umbrella.replace("name: shop", "name: Shop_App") });
    expect(cells(t).map((c) => c.split("@")[0])).toEqual(["checkout-folder", "checkout-folder"]);
  });

  it("layers the subcharts' defaults under the value files an Argo CD Application passes", () => {
    const app = (env: string) =>
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: shop-${env}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/acme/shop\n    path: .\n    helm:\n      valueFiles: [values-${env}.yaml]\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: shop-${env}\n`;
    const t = tree({ "values.yaml": "web:\n  replicas: 1\n", "argocd/prod.yaml": app("prod"), "argocd/staging.yaml": app("staging") });
    const images = (env: string) =>
      readRepository(t, { rootAppName: "checkout-folder" })
        .deployments.find((d) => d.app === "shop" && d.env === env)
        ?.versions.filter((v) => v.kind === "image")
        .map((v) => `${v.name}=${v.value} [${v.file} ${v.path.join(".")}]`)
        .sort();
    expect(images("prod")).toEqual(["ghcr.io/acme/web=1.4.0 [values-prod.yaml web.image.tag]", "ghcr.io/acme/worker=2.0.1 [components/worker/values.yaml image.tag]"]);
    expect(images("staging")).toEqual(["ghcr.io/acme/web=latest [charts/web/values.yaml image.tag]", "ghcr.io/acme/worker=2.0.1 [components/worker/values.yaml image.tag]", "redis=7.2.4 [charts/cache/Chart.yaml appVersion]"]);
  });
});
