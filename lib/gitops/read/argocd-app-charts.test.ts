import { describe, expect, it } from "vitest";
import { changeImpact } from "../impact";
import { planPromotion } from "../promote";
import { readRepository } from "./index";

// An app of apps written as a Helm chart, in the shape real repositories use: `range` over the apps in
// values.yaml, one values file per environment, one root Application per environment.

const root = (env: string, extra = "") =>
  `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: platform-${env}
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://git.example.com/platform.git
    targetRevision: main
    path: platform/apps
    helm:
      valueFiles:
        - values-${env}.yaml
${extra}  destination:
    server: https://kubernetes.default.svc
    namespace: argocd
`;

const template = `{{- range $name, $app := .Values.applications }}
{{- if $app.enabled }}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {{ $name }}-{{ $.Values.env }}
  namespace: argocd
  labels: {{- include "apps.labels" $ | nindent 4 }}
spec:
  project: {{ $app.project | default "default" }}
  {{- if $app.chart }}
  source:
    repoURL: {{ $app.repoURL | quote }}
    chart: {{ $app.chart }}
    targetRevision: {{ $app.version | quote }}
  {{- else }}
  source:
    repoURL: {{ $.Values.repoURL }}
    targetRevision: {{ $.Values.targetRevision }}
    path: {{ $app.path }}/{{ $.Values.env }}
  {{- end }}
  destination:
    server: {{ $.Values.server }}
    namespace: {{ $app.namespace | default $name }}
{{- end }}
{{- end }}
`;

const tree: Record<string, string> = {
  "bootstrap/staging.yaml": root("staging"),
  "bootstrap/production.yaml": root("production"),
  "platform/apps/Chart.yaml": "apiVersion: v2\nname: apps\nversion: 0.1.0\n",
  "platform/apps/templates/_helpers.tpl": '{{- define "apps.labels" -}}\napp.kubernetes.io/managed-by: {{ .Release.Service }}\nplatform/root: {{ .Release.Name }}\n{{- end }}\n',
  "platform/apps/templates/applications.yaml": template,
  "platform/apps/values.yaml": `repoURL: https://git.example.com/platform.git
targetRevision: main
server: https://kubernetes.default.svc
env: dev
applications:
  cache:
    enabled: true
    repoURL: https://charts.example.com
    chart: cache
    version: 3.0.0
  ledger:
    enabled: true
    path: services/ledger
  legacy:
    enabled: false
    path: services/legacy
`,
  "platform/apps/values-staging.yaml": "env: staging\napplications:\n  cache:\n    version: 3.1.0 # staging runs ahead\n",
  "platform/apps/values-production.yaml": "env: production\n",
  "services/ledger/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
  "services/ledger/base/deployment.yaml":
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ledger\nspec:\n  template:\n    spec:\n      containers:\n        - name: ledger\n          image: registry.example.com/ledger:0.0.0\n",
  "services/ledger/staging/kustomization.yaml": 'resources:\n  - ../base\nimages:\n  - name: registry.example.com/ledger\n    newTag: "5.2.0"\n',
  "services/ledger/production/kustomization.yaml": 'resources:\n  - ../base\nimages:\n  - name: registry.example.com/ledger\n    newTag: "5.1.0"\n',
  "services/legacy/staging/kustomization.yaml": 'resources:\n  - ../base\nimages:\n  - name: registry.example.com/legacy\n    newTag: "0.9.0"\n',
};

function read(files: Record<string, string>) {
  const model = readRepository(new Map(Object.entries(files)));
  const cells = model.deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => `${v.value}`).join(",")}`).sort();
  return { model, cells };
}

describe("app of apps written as a Helm chart", () => {
  it("renders the chart once per root Application with its values file, and places each Application in the root's environment", () => {
    const { model, cells } = read(tree);
    expect(cells).toEqual(["cache@production=3.0.0", "cache@staging=3.1.0", "ledger@production=5.1.0", "ledger@staging=5.2.0"]);
    // Disabled in values: Argo CD would not create it, so it is no cell.
    expect(cells.some((c) => c.startsWith("legacy"))).toBe(false);
    expect(model.conventions).toContain("argocd-app-of-apps");
  });

  it("traces a rendered chart version to the values file that sets it for that environment", () => {
    const { model } = read(tree);
    const cache = (env: string) => model.deployments.find((d) => d.app === "cache" && d.env === env)?.versions[0];
    expect(cache("staging")).toMatchObject({ kind: "chart", name: "cache", file: "platform/apps/values-staging.yaml", path: ["applications", "cache", "version"] });
    expect(cache("staging")?.field).toContain("applications.cache.version");
    // Production sets no version of its own: the chart's values.yaml holds it.
    expect(cache("production")).toMatchObject({ file: "platform/apps/values.yaml", path: ["applications", "cache", "version"] });
  });

  it("a promotion edits the values file that sets the target's version, and the impact names every environment it feeds", () => {
    const files = new Map(Object.entries(tree));
    const model = readRepository(files);
    const cell = (env: string) => model.deployments.find((d) => d.app === "cache" && d.env === env);
    const plan = planPromotion({ tree: files, source: cell("staging")!, target: cell("production")!, mode: "version", baseSha: "a", repository: "r" });
    if (plan.status !== "changes") throw new Error(JSON.stringify(plan));
    // Production's version comes from the chart's values.yaml, which staging overrides: that file is
    // the one to edit, and only production moves.
    expect(plan.changeSet.edits.map((e) => e.path)).toEqual(["platform/apps/values.yaml"]);
    expect(changeImpact(files, model, plan.changeSet)).toEqual([{ app: "cache", env: "production", versions: [{ name: "cache", from: "3.0.0", to: "3.1.0" }] }]);
    const after = new Map(files);
    for (const e of plan.changeSet.edits) if (e.content !== undefined && e.content !== null) after.set(e.path, e.content);
    expect(after.get("platform/apps/values.yaml")).toMatch(/chart: cache\n {4}version: 3\.1\.0\n/);
    expect(read(Object.fromEntries(after)).cells).toEqual(expect.arrayContaining(["cache@production=3.1.0", "cache@staging=3.1.0"]));
  });

  it("renders a chart no Application of the repository deploys once per values-<env>.yaml next to it (its roots were applied from outside)", () => {
    const files = { ...tree };
    delete files["bootstrap/staging.yaml"];
    delete files["bootstrap/production.yaml"];
    const { model, cells } = read(files);
    // Each file on top of values.yaml, as the root Application of that environment passes it.
    expect(cells).toEqual(["cache@production=3.0.0", "cache@staging=3.1.0", "ledger@production=5.1.0", "ledger@staging=5.2.0"]);
    const staging = model.deployments.find((d) => d.app === "cache" && d.env === "staging")?.versions[0];
    expect(staging).toMatchObject({ file: "platform/apps/values-staging.yaml", path: ["applications", "cache", "version"] });
  });

  it("renders such a chart with its own values alone when it has no values-<env>.yaml, or when those render no Application", () => {
    const files = { ...tree };
    delete files["bootstrap/staging.yaml"];
    delete files["bootstrap/production.yaml"];
    delete files["platform/apps/values-staging.yaml"];
    delete files["platform/apps/values-production.yaml"];
    // values.yaml names the environment dev, and the Applications carry it in their names; ledger-dev
    // points at a folder that does not exist, and the ledger overlays stay what the folders say.
    const expected = ["cache@dev=3.0.0", "ledger@production=5.1.0", "ledger@staging=5.2.0"];
    expect(read(files).cells).toEqual(expected);
    // A values-<x>.yaml that turns every application off is a variant of the chart, not an environment it runs in.
    const off = "applications:\n  cache:\n    enabled: false\n  ledger:\n    enabled: false\n";
    expect(read({ ...files, "platform/apps/values-minimal.yaml": off }).cells).toEqual(expected);
  });

  it("takes inline values and parameters of the root Application over the values files", () => {
    const params = "      parameters:\n        - name: applications.cache.version\n          value: 3.2.0\n";
    const files = { ...tree, "bootstrap/staging.yaml": root("staging", params) };
    const { model, cells } = read(files);
    expect(cells).toContain("cache@staging=3.2.0");
    const v = model.deployments.find((d) => d.app === "cache" && d.env === "staging")?.versions[0];
    expect(v).toMatchObject({ file: "bootstrap/staging.yaml", path: ["spec", "source", "helm", "parameters", 0, "value"] });
  });

  it("reports a template it cannot evaluate instead of guessing", () => {
    const files = { ...tree, "platform/apps/templates/extra.yaml": "{{ now | date \"2006\" }}\nkind: Application\n" };
    const { model } = read(files);
    expect(model.notes.join("\n")).toMatch(/platform\/apps\/templates\/extra\.yaml: not rendered: function (now|date) is not evaluated/);
  });

  it("renders charts that read their own files and print values subtrees, and traces a version inside a printed subtree", () => {
    const chart = {
      "addons/Chart.yaml": "apiVersion: v2\nname: addons\nversion: 1.0.0\n",
      "addons/values.yaml": "apps:\n  redis:\n    chart: redis\n    url: https://charts.example.com\n    version: 19.0.1\n    values:\n      image:\n        tag: 7.2.4\n",
      "addons/files/redis.yaml": "replica:\n  count: 2\n",
      "addons/templates/apps.yaml": `{{- range $app, $v := .Values.apps }}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {{ $app }}
spec:
  project: default
  source:
    chart: {{ $v.chart }}
    repoURL: {{ $v.url }}
    targetRevision: {{ $v.version | quote }}
    helm:
      releaseName: {{ $v.chart }}
      values: |
        {{- $.Files.Get (printf "files/%s.yaml" $app) | nindent 8 }}
      {{- if $v.values }}
      valuesObject: {{ toYaml $v.values | nindent 8 }}
      {{- end }}
  destination:
    server: https://kubernetes.default.svc
    namespace: {{ $app }}
{{- end }}
`,
    };
    const { model, cells } = read(chart);
    expect(cells).toEqual(["redis@default=19.0.1,7.2.4"]);
    const [chartVersion, image] = model.deployments[0]?.versions ?? [];
    expect(chartVersion).toMatchObject({ file: "addons/values.yaml", path: ["apps", "redis", "version"] });
    expect(image).toMatchObject({ kind: "image", file: "addons/values.yaml", path: ["apps", "redis", "values", "image", "tag"] });
  });

  it("reads the Applications declared in the values of Argo CD's argocd-apps chart where they are written", () => {
    const files = {
      "bootstrap/root.yaml": `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: root
  namespace: argocd
spec:
  project: default
  sources:
    - repoURL: https://argoproj.github.io/argo-helm
      chart: argocd-apps
      targetRevision: 2.0.2
      helm:
        valueFiles:
          - $values/bootstrap/apps-values.yaml
    - repoURL: https://git.example.com/platform.git
      targetRevision: main
      ref: values
  destination:
    server: https://kubernetes.default.svc
    namespace: argocd
`,
      "bootstrap/apps-values.yaml": `applications:
  metrics-staging:
    namespace: argocd
    project: default
    source:
      repoURL: https://charts.example.com
      chart: metrics
      targetRevision: 1.4.0
    destination:
      server: https://kubernetes.default.svc
      namespace: metrics
  metrics-production:
    namespace: argocd
    project: default
    source:
      repoURL: https://charts.example.com
      chart: metrics
      targetRevision: 1.3.2
    destination:
      server: https://kubernetes.default.svc
      namespace: metrics
`,
    };
    const { model, cells } = read(files);
    expect(cells).toEqual(expect.arrayContaining(["metrics@production=1.3.2", "metrics@staging=1.4.0"]));
    const prod = model.deployments.find((d) => d.app === "metrics" && d.env === "production");
    expect(prod?.versions[0]).toMatchObject({ file: "bootstrap/apps-values.yaml", path: ["applications", "metrics-production", "source", "targetRevision"] });
    const tree = new Map(Object.entries(files));
    const staging = model.deployments.find((d) => d.app === "metrics" && d.env === "staging");
    const plan = planPromotion({ tree, source: staging!, target: prod!, mode: "version", baseSha: "a", repository: "r" });
    if (plan.status !== "changes") throw new Error(JSON.stringify(plan));
    expect(plan.changeSet.edits[0]?.content).toContain("  metrics-production:\n    namespace: argocd\n    project: default\n    source:\n      repoURL: https://charts.example.com\n      chart: metrics\n      targetRevision: 1.4.0\n");
  });

  it("follows the ApplicationSet an umbrella chart declares in the values of its argocd-apps dependency", () => {
    const tree = new Map(
      Object.entries({
        "platform/argocd/Chart.yaml": "apiVersion: v2\nname: argocd\nversion: 0.0.0\ndependencies:\n  - name: argo-cd\n    version: 6.4.1\n    repository: https://argoproj.github.io/argo-helm\n  - name: argocd-apps\n    version: 2.0.0\n    repository: https://argoproj.github.io/argo-helm\n",
        "platform/argocd/values.yaml": `argocd-apps:
  applicationsets:
    root:
      generators:
        - git:
            repoURL: https://git.example.com/ops/lab
            revision: main
            directories:
              - path: platform/*
              - path: apps/*
      template:
        metadata:
          name: '{{path.basename}}'
        spec:
          destination:
            name: in-cluster
            namespace: '{{path.basename}}'
          project: default
          source:
            repoURL: https://git.example.com/ops/lab
            path: '{{path}}'
            targetRevision: main
`,
        "platform/certs/Chart.yaml": "apiVersion: v2\nname: certs\nversion: 0.0.0\ndependencies:\n  - name: cert-manager\n    version: v1.14.3\n    repository: https://charts.jetstack.io\n",
        "platform/certs/values.yaml": "cert-manager:\n  installCRDs: true\n",
        "apps/board/Chart.yaml": "apiVersion: v2\nname: board\nversion: 0.0.0\ndependencies:\n  - name: app-template\n    version: 2.2.0\n    repository: https://bjw-s.github.io/helm-charts\n",
        "apps/board/values.yaml": "app-template:\n  controllers:\n    main:\n      containers:\n        main:\n          image:\n            repository: ghcr.io/example/board\n            tag: v0.8.8\n",
      }),
    );
    const model = readRepository(tree);
    const cell = (app: string) => model.deployments.filter((d) => d.app === app).map((d) => d.versions.map((v) => v.value));
    expect(cell("certs")).toEqual([["v1.14.3"]]);
    expect(cell("board")).toEqual([["2.2.0", "v0.8.8"]]);
    expect(model.conventions).toContain("argocd-apps-chart");
  });
});

describe("ApplicationSets a local chart renders", () => {
  const tree = new Map([
    ["app-sets/Chart.yaml", "apiVersion: v2\nname: app-sets\nversion: 0.1.0\n"],
    ["app-sets/values.yaml", "clusters:\n  - name: dev\n    valuesFile: values-dev.yaml\n  - name: prod\n    valuesFile: values-prod.yaml\n"],
    [
      "app-sets/templates/addons.yaml",
      "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: addons\nspec:\n  generators:\n    - matrix:\n        generators:\n          - list:\n              elements:\n{{- range .Values.clusters }}\n                - cluster: {{ .name }}\n                  valuesFile: {{ .valuesFile }}\n{{- end }}\n          - git:\n              repoURL: https://git.example/acme/apps\n              revision: HEAD\n              directories:\n                - path: addons/*\n  template:\n    metadata:\n      name: '{{`{{ cluster }}`}}-{{`{{ path.basename }}`}}'\n    spec:\n      source:\n        repoURL: https://git.example/acme/apps\n        path: '{{`{{ path }}`}}'\n        helm:\n          valueFiles:\n            - env/{{`{{ valuesFile }}`}}\n      destination:\n        namespace: '{{`{{ path.basename }}`}}'\n",
    ],
    ["addons/dns/Chart.yaml", "apiVersion: v2\nname: dns\nversion: 1.0.0\ndependencies:\n  - name: external-dns\n    version: 1.21.1\n    repository: https://kubernetes-sigs.github.io/external-dns/\n"],
    ["addons/dns/env/values-dev.yaml", "external-dns: {txtOwnerId: dev}\n"],
    ["addons/dns/env/values-prod.yaml", "external-dns: {txtOwnerId: prod}\n"],
  ]);

  it("expands them like written ones: one cell per cluster the chart's values list", () => {
    const model = readRepository(tree);
    expect(model.deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => `${v.name}:${v.value}`).join(",")}`).sort()).toEqual([
      "dns@dev=https://kubernetes-sigs.github.io/external-dns/external-dns:1.21.1",
      "dns@prod=https://kubernetes-sigs.github.io/external-dns/external-dns:1.21.1",
    ]);
  });
});

describe("an app-of-apps chart whose loop ends in `---` then `{{- end }}`", () => {
  // The trim marker eats the newline after `---`, so each iteration after the first renders as
  // `---apiVersion: …`: Helm still splits there, and Argo CD applies one Application per item.
  const rootApp = (env: string) =>
    `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: root-app-${env}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://git.example.com/platform.git\n    targetRevision: main\n    path: argocd/apps\n    helm:\n      valueFiles:\n        - values.yaml\n        - values-${env}.yaml\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: argocd\n`;
  const template = `{{- $defaults := dict "project" .Values.project -}}
{{- range $app := .Values.applications }}
{{- $spec := mergeOverwrite (deepCopy $defaults) $app -}}
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {{ $spec.name }}
  namespace: argocd
spec:
  project: {{ $spec.project }}
  source:
    repoURL: {{ $spec.repoURL }}
    chart: {{ $spec.chart }}
    targetRevision: {{ $app.version }}
  destination:
    server: https://kubernetes.default.svc
    namespace: {{ $spec.namespace }}
---
{{- end }}
`;
  const list = (redis: string) =>
    `applications:\n  - name: metrics-server\n    repoURL: https://kubernetes-sigs.github.io/metrics-server\n    chart: metrics-server\n    version: 3.12.2\n    namespace: kube-system\n  - name: redis\n    repoURL: https://charts.bitnami.com/bitnami\n    chart: redis\n    version: ${redis}\n    namespace: data\n`;
  const files = {
    "argocd/bootstrap/root-app-dev.yaml": rootApp("dev"),
    "argocd/bootstrap/root-app-prod.yaml": rootApp("prod"),
    "argocd/apps/Chart.yaml": "apiVersion: v2\nname: apps\nversion: 0.1.0\n",
    "argocd/apps/values.yaml": "project: default\napplications: []\n",
    "argocd/apps/values-dev.yaml": list("20.1.0"),
    "argocd/apps/values-prod.yaml": list("19.6.4"),
    "argocd/apps/templates/applications.yaml": template,
  };

  it("renders one Application per item of the values list, each traced to its entry", () => {
    const { model, cells } = read(files);
    expect(cells).toEqual(["metrics-server@dev=3.12.2", "metrics-server@prod=3.12.2", "redis@dev=20.1.0", "redis@prod=19.6.4"]);
    expect(model.notes.join("\n")).not.toMatch(/not valid YAML/);
    // The second item starts right after the glued `---`: the version printed there is found at its offset (`$app` keeps its path in the values; what went through mergeOverwrite would not).
    const redis = model.deployments.find((d) => d.app === "redis" && d.env === "prod")?.versions[0];
    expect(redis).toMatchObject({ file: "argocd/apps/values-prod.yaml", path: ["applications", 1, "version"] });
  });
});
