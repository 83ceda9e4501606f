import { describe, expect, it } from "vitest";
import { readRepository } from "./index";

const secret = (name: string, labels: Record<string, string>, server = `https://${name}.k8s.example.com`) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: cluster-${name}\n  namespace: argocd\n  labels:\n    argocd.argoproj.io/secret-type: cluster\n${Object.entries(labels)
    .map(([k, v]) => `    ${k}: ${v}\n`)
    .join("")}type: Opaque\nstringData:\n  name: ${name}\n  server: ${server}\n`;

const appset = (generator: string, path: string, destination = "name: '{{name}}'") =>
  `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: shop\n  namespace: argocd\nspec:\n  generators:\n${generator}  template:\n    metadata:\n      name: 'shop-{{name}}'\n    spec:\n      project: default\n      source:\n        repoURL: https://git.example.com/fleet.git\n        targetRevision: HEAD\n        path: '${path}'\n      destination:\n        ${destination}\n        namespace: shop\n`;

const overlay = (tag: string) => `resources:\n  - ../../base\nimages:\n  - name: shop\n    newName: registry.example.com/shop\n    newTag: "${tag}"\n`;
const base = {
  "apps/shop/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
  "apps/shop/base/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  template:\n    spec:\n      containers:\n        - name: shop\n          image: shop\n",
};

function cells(tree: Record<string, string>) {
  const model = readRepository(new Map(Object.entries(tree)));
  return { model, cells: model.deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => v.value).join(",")}`).sort() };
}

describe("ApplicationSet clusters generator over the cluster secrets in the repository", () => {
  it("renders one Application per selected cluster; clusters whose names say no environment become environments of their own", () => {
    const { model, cells: got } = cells({
      ...base,
      "fleet/clusters/edge-1.yaml": secret("edge-1", { tier: "edge" }),
      "fleet/clusters/edge-2.yaml": secret("edge-2", { tier: "edge" }),
      "fleet/clusters/hub.yaml": secret("hub", { tier: "hub" }),
      "fleet/appsets/shop.yaml": appset("    - clusters:\n        selector:\n          matchLabels:\n            tier: edge\n", "apps/shop/clusters/{{name}}"),
      "apps/shop/clusters/edge-1/kustomization.yaml": overlay("1.4.0"),
      "apps/shop/clusters/edge-2/kustomization.yaml": overlay("1.5.0"),
      "apps/shop/clusters/hub/kustomization.yaml": overlay("9.9.9"),
    });
    expect(got.filter((c) => c.startsWith("shop"))).toEqual(["shop@edge-1=1.4.0", "shop@edge-2=1.5.0"]);
    expect(model.notes.join("\n")).toContain("clusters generator evaluated over the 3 cluster secret(s) declared in this repository (edge-1, edge-2, hub)");
  });

  it("takes the environment from env-named clusters, metadata labels and values, and includes Argo CD's own cluster without a selector", () => {
    const generator = "    - clusters:\n        values:\n          overlay: '{{metadata.labels.stage}}'\n";
    const { cells: got } = cells({
      ...base,
      "fleet/clusters/staging.yaml": secret("staging", { stage: "staging" }),
      "fleet/clusters/production.yaml": secret("production", { stage: "production" }),
      "fleet/appsets/shop.yaml": appset(generator, "apps/shop/overlays/{{values.overlay}}", "server: '{{server}}'"),
      "apps/shop/overlays/staging/kustomization.yaml": overlay("2.1.0"),
      "apps/shop/overlays/production/kustomization.yaml": overlay("2.0.0"),
    });
    // in-cluster has no stage label: its overlay path renders to apps/shop/overlays/, which holds no app.
    expect(got).toEqual(["shop@production=2.0.0", "shop@staging=2.1.0"]);
  });

  it("reads ExternalSecret templates and base64 data; without any declared cluster the generator is not evaluated", () => {
    const external = `apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: spoke\nspec:\n  target:\n    template:\n      metadata:\n        labels:\n          argocd.argoproj.io/secret-type: cluster\n          tier: edge\n      data:\n        name: spoke-a\n        server: https://spoke-a.example.com\n        config: '{{ .config }}'\n`;
    const encoded = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: spoke-b\n  labels:\n    argocd.argoproj.io/secret-type: cluster\n    tier: edge\ndata:\n  name: ${Buffer.from("spoke-b").toString("base64")}\n  server: ${Buffer.from("https://spoke-b.example.com").toString("base64")}\n`;
    const tree = {
      ...base,
      "fleet/appsets/shop.yaml": appset("    - clusters:\n        selector:\n          matchLabels:\n            tier: edge\n", "apps/shop/clusters/{{name}}"),
      "apps/shop/clusters/spoke-a/kustomization.yaml": overlay("3.0.0"),
      "apps/shop/clusters/spoke-b/kustomization.yaml": overlay("3.1.0"),
    };
    expect(cells({ ...tree, "fleet/clusters/a.yaml": external, "fleet/clusters/b.yaml": encoded }).cells.filter((c) => c.startsWith("shop@spoke"))).toEqual(["shop@spoke-a=3.0.0", "shop@spoke-b=3.1.0"]);
    // Without a declared cluster, the folders per cluster the template points at say which clusters there are.
    const inferred = cells(tree);
    expect(inferred.cells).toEqual(["shop@spoke-a=3.0.0", "shop@spoke-b=3.1.0"]);
    expect(inferred.model.notes.join("\n")).toContain(
      "ApplicationSet shop: the repository declares no cluster secret; the clusters generator's 2 cluster(s) are inferred from the folders matching apps/shop/clusters/{{name}} (spoke-a, spoke-b)",
    );
    // No folder matches: nothing is guessed, the note says why.
    const { model } = cells({ ...base, "fleet/appsets/shop.yaml": tree["fleet/appsets/shop.yaml"] ?? "" });
    expect(model.notes.join("\n")).toContain("clusters generator not evaluated: it lists the clusters registered in Argo CD");
  });

  it("infers clusters from a Go template path over metadata labels, naming the app without the cluster", () => {
    const set = `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: shop\nspec:\n  goTemplate: true\n  generators:\n    - clusters:\n        selector:\n          matchLabels:\n            team: shop\n  template:\n    metadata:\n      name: 'shop-{{ .metadata.labels.stage }}'\n    spec:\n      project: default\n      source:\n        repoURL: https://git.example.com/fleet.git\n        path: 'apps/shop/overlays/{{ .metadata.labels.stage }}'\n      destination:\n        server: '{{ .server }}'\n        namespace: shop\n`;
    const { model, cells: got } = cells({
      ...base,
      "fleet/appsets/shop.yaml": set,
      "apps/shop/overlays/qa/kustomization.yaml": overlay("7.1.0"),
      "apps/shop/overlays/production/kustomization.yaml": overlay("7.0.0"),
    });
    expect(got).toEqual(["shop@production=7.0.0", "shop@qa=7.1.0"]);
    expect(model.deployments.map((d) => `${d.env}:${d.destination?.wiredBy}:${d.destination?.namespace}`).sort()).toEqual(["production:fleet/appsets/shop.yaml:shop", "qa:fleet/appsets/shop.yaml:shop"]);
  });
});

describe("Argo CD source hydrator", () => {
  it("reads the dry source of a hydrated Application, its environment from the branch it syncs from", () => {
    const hydrated = (env: string) =>
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: shop-${env === "staging" ? "stg" : "live"}\n  namespace: argocd\nspec:\n  project: default\n  sourceHydrator:\n    drySource:\n      repoURL: https://git.example.com/fleet.git\n      targetRevision: HEAD\n      path: apps/shop/overlays/${env}\n    syncSource:\n      targetBranch: environments/${env}\n      path: apps/shop\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: shop-app\n`;
    const { model, cells: got } = cells({
      ...base,
      "argocd/shop-staging.yaml": hydrated("staging"),
      "argocd/shop-production.yaml": hydrated("production"),
      "apps/shop/overlays/staging/kustomization.yaml": overlay("2.1.0"),
      "apps/shop/overlays/production/kustomization.yaml": overlay("2.0.0"),
    });
    expect(got).toEqual(["shop@production=2.0.0", "shop@staging=2.1.0"]);
    expect(model.deployments.map((d) => `${d.env}:${d.destination?.wiredBy}:${d.destination?.namespace}`).sort()).toEqual(["production:argocd/shop-production.yaml:shop-app", "staging:argocd/shop-staging.yaml:shop-app"]);
  });

  it("takes the environment of a hydrated Application's own folder from the branch it syncs to", () => {
    const app = (name: string, branch: string, tag: string) => ({
      [`argocd/${name}.yaml`]: `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\nspec:\n  project: default\n  sourceHydrator:\n    drySource:\n      repoURL: https://git.example.com/fleet.git\n      path: charts/${name}\n    syncSource:\n      targetBranch: ${branch}\n      path: ${name}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n  \n`,
      [`charts/${name}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`,
      [`charts/${name}/values.yaml`]: `image:\n  repository: registry.example.com/${name}\n  tag: "${tag}"\n`,
    });
    const { cells: got } = cells({ ...app("web", "environments/staging", "5.0.0") });
    expect(got).toEqual(["web@staging=5.0.0"]);
  });
});

describe("add-on ApplicationSets whose clusters generators select by environment (no cluster secret in the repository)", () => {
  const addon = (name: string, chart: string, envs: string) => `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: addons-${name}
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - merge:
        mergeKeys: [server]
        generators:
          - clusters:
              values:
                addonChart: ${chart}
                addonChartVersion: 3.12.0
                addonChartRepository: https://charts.example.com
              selector:
                matchExpressions:
                  - key: enable_${name.replace(/-/g, "_")}
                    operator: In
                    values: ['true']
${envs}  template:
    metadata:
      name: addon-{{.name}}-{{.values.addonChart}}
    spec:
      project: default
      source:
        repoURL: '{{.values.addonChartRepository}}'
        chart: '{{.values.addonChart}}'
        targetRevision: '{{.values.addonChartVersion}}'
        helm:
          releaseName: '{{.values.addonChart}}'
      destination:
        namespace: kube-system
        name: '{{.name}}'
`;
  const env = (label: string, version: string) => `          - clusters:\n              selector:\n                matchLabels:\n                  environment: ${label}\n              values:\n                addonChartVersion: ${version}\n`;

  it("infers one cluster per environment from the selectors and takes each environment's version from its generator", () => {
    const { model, cells: got } = cells({ "bootstrap/addons/metrics-server.yaml": addon("metrics-server", "metrics-server", env("staging", "3.12.1") + env("prod", "3.11.0")) });
    expect(got).toEqual(["addon-metrics-server@prod=3.11.0", "addon-metrics-server@staging=3.12.1"]);
    const prod = model.deployments.find((d) => d.env === "prod");
    expect(prod?.versions[0]).toMatchObject({ kind: "chart", name: "metrics-server", file: "bootstrap/addons/metrics-server.yaml" });
    expect(model.notes.join("\n")).toContain("one cluster per environment is inferred from the clusters generators' selectors on environment (staging, prod)");
  });

  it("an environment without a generator of its own gets the base version; selectors on no environment infer nothing", () => {
    const withDev = addon("metrics-server", "metrics-server", env("staging", "3.12.1") + "          - clusters:\n              selector:\n                matchExpressions:\n                  - key: environment\n                    operator: In\n                    values: [dev]\n");
    expect(cells({ "a.yaml": withDev }).cells).toEqual(["addon-metrics-server@dev=3.12.0", "addon-metrics-server@staging=3.12.1"]);
    const none = addon("metrics-server", "metrics-server", "");
    expect(cells({ "a.yaml": none }).cells.some((c) => c.includes("@staging"))).toBe(false);
  });

  // A set selecting on a feature label only (NotIn the hub, enable_x In true) runs wherever clusters carry it.
  const featureOnly = (name: string, source: string) => `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: addons-${name}
spec:
  generators:
    - clusters:
        values:
          addonChart: ${name}
          addonChartVersion: 1.8.0
        selector:
          matchExpressions:
            - key: cluster-name
              operator: NotIn
              values: [in-cluster]
            - key: enable_${name.replace(/-/g, "_")}
              operator: In
              values: ['true']
  template:
    metadata:
      name: addon-{{name}}-{{values.addonChart}}
    spec:
      project: default
      source:
${source}      destination:
        namespace: ${name}
        name: '{{name}}'
`;

  it("evaluates a set that selects on feature labels only over the environments the repository's other sets select on", () => {
    const chartSource = "        repoURL: https://charts.example.com\n        chart: '{{values.addonChart}}'\n        targetRevision: '{{values.addonChartVersion}}'\n";
    const files = { "addons/metrics-server.yaml": addon("metrics-server", "metrics-server", env("staging", "3.12.1") + env("prod", "3.11.0")), "addons/crds.yaml": featureOnly("crds", chartSource) };
    const { model, cells: got } = cells(files);
    expect(got).toEqual(["addon-crds@prod=1.8.0", "addon-crds@staging=1.8.0", "addon-metrics-server@prod=3.11.0", "addon-metrics-server@staging=3.12.1"]);
    expect(model.notes.join("\n")).toContain("ApplicationSet addons-crds: the repository declares no cluster secret; one cluster per environment is inferred");
    // Alone, nothing names an environment: no stand-in cluster, as before.
    expect(cells({ "addons/crds.yaml": featureOnly("crds", chartSource) }).cells.some((c) => c.includes("@staging"))).toBe(false);
  });

  it("reads a local chart whose path starts with a gitops-bridge basepath annotation, taken as empty on a stand-in cluster", () => {
    const localSource =
      "        repoURL: '{{metadata.annotations.addons_repo_url}}'\n        targetRevision: '{{metadata.annotations.addons_repo_revision}}'\n        path: '{{metadata.annotations.addons_repo_basepath}}charts/{{values.addonChart}}'\n";
    const files = {
      "addons/metrics-server.yaml": addon("metrics-server", "metrics-server", env("staging", "3.12.1") + env("prod", "3.11.0")),
      "addons/relay.yaml": featureOnly("relay", localSource),
      "charts/relay/Chart.yaml": "apiVersion: v2\nname: relay\nversion: 1.0.0\n",
      "charts/relay/values.yaml": "image:\n  repository: ghcr.io/acme/relay\n  tag: 2.1.0\n",
      "charts/relay/templates/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: relay\nspec:\n  template:\n    spec:\n      containers:\n        - name: relay\n          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n",
    };
    const relay = cells(files).cells.filter((c) => c.startsWith("addon-relay"));
    // The empty revision (Argo CD: HEAD) is no version of its own.
    expect(relay).toEqual(["addon-relay@prod=2.1.0", "addon-relay@staging=2.1.0"]);
  });
});

describe("environments from the cluster secrets' labels", () => {
  const fleet = (secrets: Record<string, Record<string, string>>, extra: Record<string, string> = {}) => ({
    ...base,
    ...Object.fromEntries(Object.entries(secrets).map(([name, labels]) => [`fleet/clusters/${name}.yaml`, secret(name, labels)])),
    "fleet/appsets/shop.yaml": appset("    - clusters:\n        selector:\n          matchLabels:\n            shop: 'on'\n", "apps/shop/clusters/{{name}}"),
    ...Object.fromEntries(Object.keys(secrets).map((name, i) => [`apps/shop/clusters/${name}/kustomization.yaml`, overlay(`1.${i}.0`)])),
    ...extra,
  });

  it("puts a cluster named after its region in the environment its secret's label names", () => {
    const { model, cells: got } = cells(fleet({ "staging-eu": { shop: "'on'", environment: "staging" }, "prod-eu": { shop: "'on'", environment: "prod" } }));
    expect(got).toEqual(["shop@prod=1.1.0", "shop@staging=1.0.0"]);
    expect(model.environments.map((e) => e.name)).toEqual(["staging", "prod"]);
  });

  it("keeps the cluster names when two clusters of one app share the label, and lets the repository's config map clusters first", () => {
    const shared = { "staging-eu": { shop: "'on'", environment: "staging" }, "staging-us": { shop: "'on'", "ferry.dev/env": "staging" } };
    expect(cells(fleet(shared)).cells).toEqual(["shop@staging-eu=1.0.0", "shop@staging-us=1.1.0"]);
    const configured = cells(fleet({ "prod-eu": { shop: "'on'", environment: "prod" } }, { ".ferry/config.yaml": "clusters:\n  prod-eu: production\n" }));
    expect(configured.cells).toEqual(["shop@production=1.0.0"]);
  });
});
