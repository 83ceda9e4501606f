import { describe, expect, it } from "vitest";
import { changeImpact } from "../impact";
import type { FileTree } from "../model";
import { planPromotion } from "../promote";
import { readRepository } from "./index";

// Versions an ApplicationSet renders from generator parameters are promoted where the parameter is written.

const listSet = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: billing
spec:
  goTemplate: true
  generators:
    - list:
        elements:
          - env: dev
            version: 2.3.0
          - env: staging
            version: 2.2.0
          - env: prod
            version: 2.2.0 # same as staging: the element is told apart by its env
  template:
    metadata:
      name: 'billing-{{ .env }}'
    spec:
      project: default
      source:
        repoURL: https://charts.example.com
        chart: billing
        targetRevision: '{{ .version }}'
      destination:
        name: '{{ .env }}'
        namespace: billing
`;

const filesSet = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: ledger
spec:
  generators:
    - git:
        repoURL: https://git.example.com/fleet.git
        revision: HEAD
        files:
          - path: ledger/envs/*/config.json
  template:
    metadata:
      name: 'ledger-{{path.basename}}'
    spec:
      project: default
      source:
        repoURL: https://charts.example.com
        chart: ledger
        targetRevision: '{{chartVersion}}'
      destination:
        name: '{{path.basename}}'
        namespace: ledger
`;

function setup(files: Record<string, string>) {
  const tree: FileTree = new Map(Object.entries(files));
  const model = readRepository(tree);
  const cell = (app: string, env: string) => {
    const d = model.deployments.find((x) => x.app === app && x.env === env);
    if (!d) throw new Error(`no ${app}@${env} in ${model.deployments.map((x) => `${x.app}@${x.env}`).join(", ")}`);
    return d;
  };
  return { tree, model, cell };
}

describe("versions rendered from ApplicationSet generator parameters", () => {
  it("locates a list element's version by the element's other parameters, and a promotion edits that element only", () => {
    const { tree, model, cell } = setup({ "appsets/billing.yaml": listSet });
    expect(cell("billing", "prod").versions[0]).toMatchObject({ value: "2.2.0", file: "appsets/billing.yaml", path: ["spec", "generators", 0, "list", "elements", 2, "version"] });
    const plan = planPromotion({ tree, source: cell("billing", "dev"), target: cell("billing", "prod"), mode: "version", baseSha: "a", repository: "r" });
    if (plan.status !== "changes") throw new Error(JSON.stringify(plan));
    const text = plan.changeSet.edits[0]?.content ?? "";
    expect(text).toContain("          - env: staging\n            version: 2.2.0\n");
    expect(text).toContain("          - env: prod\n            version: 2.3.0 # same as staging: the element is told apart by its env\n");
    expect(changeImpact(tree, model, plan.changeSet)).toEqual([{ app: "billing", env: "prod", versions: [{ name: "billing", from: "2.2.0", to: "2.3.0" }] }]);
  });

  it("locates a files-generator parameter in the file the match was read from", () => {
    const { tree, cell } = setup({
      "appsets/ledger.yaml": filesSet,
      "ledger/envs/staging/config.json": '{"chartVersion": "1.8.0"}\n',
      "ledger/envs/production/config.json": '{"chartVersion": "1.7.2"}\n',
    });
    expect(cell("ledger", "production").versions[0]).toMatchObject({ file: "ledger/envs/production/config.json", path: ["chartVersion"] });
    const plan = planPromotion({ tree, source: cell("ledger", "staging"), target: cell("ledger", "production"), mode: "version", baseSha: "a", repository: "r" });
    if (plan.status !== "changes") throw new Error(JSON.stringify(plan));
    expect(plan.changeSet.edits.map((e) => [e.path, e.content])).toEqual([["ledger/envs/production/config.json", '{"chartVersion": "1.8.0"}\n']]);
  });

  it("leaves the version in the template when no single place holds it", () => {
    const ambiguous = listSet.replace("          - env: prod\n            version: 2.2.0 # same as staging: the element is told apart by its env\n", "").replace("name: '{{ .env }}'", "name: in-cluster").replace("'billing-{{ .env }}'", "'billing-{{ .env }}'");
    const { cell } = setup({ "appsets/billing.yaml": ambiguous.replace("targetRevision: '{{ .version }}'", "targetRevision: '{{ .version }}-{{ .env }}'") });
    expect(cell("billing", "staging").versions[0]).toMatchObject({ value: "2.2.0-staging", file: "appsets/billing.yaml" });
    expect(cell("billing", "staging").versions[0]?.field).toContain("rendered from ApplicationSet generator parameters");
  });
  it("locates a version a merge generator's per-environment child pins over the base's default, even when they are equal", () => {
    const addon = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: addons-metrics
spec:
  generators:
    - merge:
        mergeKeys: [server]
        generators:
          - clusters:
              values:
                addonChart: metrics-server
                addonChartVersion: '3.12.0' # anything not staging or prod
              selector:
                matchLabels:
                  enable_metrics_server: 'true'
          - clusters:
              selector:
                matchLabels:
                  environment: staging
              values:
                addonChartVersion: '3.12.0'
          - clusters:
              selector:
                matchLabels:
                  environment: prod
              values:
                addonChartVersion: '3.11.0'
  template:
    metadata:
      name: 'addon-{{name}}-{{values.addonChart}}'
    spec:
      project: default
      source:
        repoURL: https://kubernetes-sigs.github.io/metrics-server
        chart: '{{values.addonChart}}'
        targetRevision: '{{values.addonChartVersion}}'
      destination:
        name: '{{name}}'
        namespace: kube-system
`;
    const { tree, model, cell } = setup({ "addons/metrics-server.yaml": addon });
    const app = model.deployments.find((d) => d.env === "staging")?.app ?? "";
    const at = (env: string) => ["spec", "generators", 0, "merge", "generators", env === "staging" ? 1 : 2, "clusters", "values", "addonChartVersion"];
    expect(cell(app, "staging").versions[0]).toMatchObject({ value: "3.12.0", path: at("staging") });
    expect(cell(app, "prod").versions[0]).toMatchObject({ value: "3.11.0", path: at("prod") });
    const plan = planPromotion({ tree, source: cell(app, "staging"), target: cell(app, "prod"), mode: "version", baseSha: "a", repository: "r" });
    if (plan.status !== "changes") throw new Error(JSON.stringify(plan));
    const text = plan.changeSet.edits[0]?.content ?? "";
    expect(text).toContain("                addonChartVersion: '3.12.0' # anything not staging or prod\n");
    expect(text).toContain("                  environment: prod\n              values:\n                addonChartVersion: '3.12.0'\n");
    // Only prod renders a different version: the base's default stays, so no other environment moves.
    expect(changeImpact(tree, model, plan.changeSet)).toEqual([{ app, env: "prod", versions: [{ name: expect.stringContaining("metrics-server"), from: "3.11.0", to: "3.12.0" }] }]);
  });
});

// Helm values written as a string in the template (`helm.values: |`): the set renders the string per element,
// so a leaf of it that prints one parameter whole lives where that parameter is written.
const workloadsSet = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: shop-workloads
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
    - matrix:
        generators:
          - list:
              elements:
                - name: cart
                  image: registry.example.com/shop/cart
                  persistent: "true"
                - name: search
                  image: registry.example.com/shop/search
                  persistent: "false"
          - git:
              repoURL: https://git.example.com/shop.git
              revision: HEAD
              files:
                - path: "shop/env/{{.name}}/*/release.yaml"
  template:
    metadata:
      name: "shop-{{.name}}-{{.path.basename}}"
    spec:
      project: default
      source:
        repoURL: ghcr.io/example/charts
        chart: service
        targetRevision: 2.x
        helm:
          values: |
            controllers:
              main:
                containers:
                  main:
                    image:
                      repository: {{.image}}
                      digest: "{{.imageDigest}}"
            persistence:
              config:
                size: 1Gi
            {{- if eq .persistent "true"}}
              data:
                size: 5Gi
            {{- end}}
      destination:
        name: in-cluster
        namespace: "shop-{{.path.basename}}"
`;

const digest = (c: string) => `sha256:${c.repeat(64)}`;

describe("versions inside Helm values a template writes as a string", () => {
  const release = (d: string) => `# written by the release pipeline\nimageDigest: "${d}"\nvalues: {}\n`;
  const shop = {
    "shop/argocd/workloads.yaml": workloadsSet,
    "shop/env/cart/dev/release.yaml": release(digest("a")),
    "shop/env/cart/staging/release.yaml": release(digest("b")),
    "shop/env/cart/prod/release.yaml": release(digest("c")),
    "shop/env/search/dev/release.yaml": release(digest("d")),
    "shop/env/search/prod/release.yaml": release(digest("e")),
  };

  it("locates a digest printed from a files-generator parameter in the file the match was read from, and a promotion edits that file only", () => {
    const { tree, model, cell } = setup(shop);
    const app = (name: string) => model.deployments.find((d) => d.env === "prod" && d.versions.some((v) => v.name === `registry.example.com/shop/${name}`))?.app ?? "";
    const prod = cell(app("cart"), "prod").versions.find((v) => v.kind === "image");
    expect(prod).toMatchObject({ value: digest("c"), file: "shop/env/cart/prod/release.yaml", doc: 0, path: ["imageDigest"] });
    expect(prod?.embedded).toBeUndefined();
    expect(cell(app("search"), "dev").versions.find((v) => v.kind === "image")).toMatchObject({ file: "shop/env/search/dev/release.yaml", path: ["imageDigest"] });
    const plan = planPromotion({ tree, source: cell(app("cart"), "staging"), target: cell(app("cart"), "prod"), mode: "version", baseSha: "a", repository: "r" });
    if (plan.status !== "changes") throw new Error(JSON.stringify(plan));
    expect(plan.changeSet.edits.map((e) => [e.path, e.content])).toEqual([["shop/env/cart/prod/release.yaml", release(digest("b"))]]);
    expect(plan.changeSet.diff).toContain(`-imageDigest: "${digest("c")}"`);
    expect(plan.changeSet.diff).toContain(`+imageDigest: "${digest("b")}"`);
    expect(changeImpact(tree, model, plan.changeSet)).toEqual([{ app: app("cart"), env: "prod", versions: [{ name: "registry.example.com/shop/cart", from: digest("c"), to: digest("b") }] }]);
  });

  it("locates a tag a list element sets, and a fasttemplate parameter of a files generator", () => {
    const listed = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: api
spec:
  goTemplate: true
  generators:
    - list:
        elements:
          - env: staging
            imageTag: 3.1.0
          - env: prod
            imageTag: 3.0.2
  template:
    metadata:
      name: 'api-{{.env}}'
    spec:
      project: default
      source:
        repoURL: https://charts.example.com
        chart: api
        targetRevision: 1.0.0
        helm:
          values: |
            image:
              repository: registry.example.com/api
              tag: '{{ .imageTag }}'
      destination:
        name: '{{.env}}'
        namespace: api
`;
    const fast = listed
      .replace("  goTemplate: true\n", "")
      .replace(/ {4}- list:\n[\s\S]*?imageTag: 3\.0\.2\n/, "    - git:\n        repoURL: https://git.example.com/api.git\n        revision: HEAD\n        files:\n          - path: worker/envs/*/release.yaml\n")
      .replaceAll("{{.env}}", "{{path.basename}}")
      .replace("{{ .imageTag }}", "{{imageTag}}")
      .replace("name: api\n", "name: worker\n")
      .replace("'api-", "'worker-");
    const { cell } = setup({ "sets/api.yaml": listed, "sets/worker.yaml": fast, "worker/envs/staging/release.yaml": "imageTag: 7.2.0\n", "worker/envs/prod/release.yaml": "imageTag: 7.1.0\n" });
    expect(cell("api", "prod").versions.find((v) => v.kind === "image")).toMatchObject({ value: "3.0.2", file: "sets/api.yaml", path: ["spec", "generators", 0, "list", "elements", 1, "imageTag"] });
    expect(cell("worker", "prod").versions.find((v) => v.kind === "image")).toMatchObject({ value: "7.1.0", file: "worker/envs/prod/release.yaml", path: ["imageTag"] });
  });

  it("leaves a value the template builds from text and a parameter in the template", () => {
    const built = workloadsSet.replace('digest: "{{.imageDigest}}"', 'tag: "v{{.imageDigest}}"');
    const { model } = setup({ ...shop, "shop/argocd/workloads.yaml": built, "shop/env/cart/prod/release.yaml": "imageDigest: 1.4.0\n" });
    const version = model.deployments.find((d) => d.env === "prod" && d.versions.some((v) => v.value === "v1.4.0"))?.versions.find((v) => v.value === "v1.4.0");
    expect(version).toMatchObject({ file: "shop/argocd/workloads.yaml", embedded: ["controllers", "main", "containers", "main", "image", "tag"] });
    expect(version?.field).toContain("rendered from ApplicationSet generator parameters");
  });

  it("leaves a tag pinned beside a digest from another parameter in the template: editing the tag alone would keep the old digest", () => {
    const pinned = workloadsSet.replace('digest: "{{.imageDigest}}"', 'tag: "{{.imageTag}}"\n                      digest: "{{.imageDigest}}"');
    const both = (tag: string, d: string) => `imageTag: ${tag}\nimageDigest: "${d}"\n`;
    const { cell, model } = setup({ ...shop, "shop/argocd/workloads.yaml": pinned, "shop/env/cart/staging/release.yaml": both("1.5.0", digest("b")), "shop/env/cart/prod/release.yaml": both("1.4.0", digest("c")) });
    const app = model.deployments.find((d) => d.env === "staging")?.app ?? "";
    const version = cell(app, "prod").versions.find((v) => v.kind === "image");
    expect(version).toMatchObject({ value: "1.4.0", digest: digest("c"), file: "shop/argocd/workloads.yaml", embedded: ["controllers", "main", "containers", "main", "image", "tag"] });
  });
});
