import { describe, expect, it } from "vitest";
import { readRepository } from "./index";

// A folder of this repository with nothing versioned in it (RBAC, an operator Subscription) is still a
// deployment when the Application pins the commit it deploys, or when each environment sets its own
// revision: that revision is what a promotion moves. A branch written once stays wiring.

const SHA = "f68b3aa94eccf6130bc0376d0d922c823aa46fab";

const configOnly = {
  "platform/rbac/kustomization.yaml": "resources:\n  - role.yaml\n",
  "platform/rbac/role.yaml": "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: viewers\nrules: []\n",
};

const app = (name: string, revision: string) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://git.example.com/platform.git
    targetRevision: ${revision}
    path: platform/rbac
  destination:
    server: https://kubernetes.default.svc
    namespace: rbac
`;

function cells(files: Record<string, string>) {
  const model = readRepository(new Map(Object.entries(files)));
  return { model, cells: model.deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => `${v.kind}:${v.value}${v.floating ? "~" : ""}`).join(",")}`).sort() };
}

describe("a local folder deployed at a pinned or per-environment revision", () => {
  it("reports a commit or tag the Application pins as the folder's git version, where it is written", () => {
    const { model, cells: got } = cells({ ...configOnly, "argocd/rbac-staging.yaml": app("rbac-staging", SHA), "argocd/rbac-prod.yaml": app("rbac-prod", "v1.4.0") });
    expect(got).toEqual([`rbac@prod=git:v1.4.0`, `rbac@staging=git:${SHA}`]);
    expect(model.deployments.find((d) => d.env === "staging")?.versions[0]).toMatchObject({ file: "argocd/rbac-staging.yaml", path: ["spec", "source", "targetRevision"], field: "spec.source.targetRevision" });
  });

  it("keeps a branch or HEAD written in the Application as wiring, as before", () => {
    const { model, cells: got } = cells({ ...configOnly, "argocd/rbac-staging.yaml": app("rbac-staging", "main"), "argocd/rbac-prod.yaml": app("rbac-prod", "HEAD") });
    expect(got).toEqual([]);
    expect(model.notes.some((n) => n.includes("deploys platform/rbac (no version fields)"))).toBe(true);
  });

  it("reports a revision an ApplicationSet generator sets per environment, a branch as floating, located in the generator", () => {
    const set = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: rbac
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - list:
        elements:
          - env: staging
            revision: main
          - env: prod
            revision: ${SHA}
  template:
    metadata:
      name: 'rbac-{{ .env }}'
    spec:
      project: default
      source:
        repoURL: https://git.example.com/platform.git
        targetRevision: '{{ .revision }}'
        path: platform/rbac
      destination:
        server: https://kubernetes.default.svc
        namespace: rbac
`;
    const { model, cells: got } = cells({ ...configOnly, "argocd/rbac.yaml": set });
    expect(got).toEqual([`rbac@prod=git:${SHA}`, "rbac@staging=git:main~"]);
    expect(model.deployments.find((d) => d.env === "prod")?.versions[0]?.field).toMatch(/elements\[1\]\.revision/);
  });
});

describe("an app-of-apps chart applied from outside, one values file per cluster", () => {
  // The shape fleet repositories use: the helper builds the list of enabled applications with `set`,
  // caches it on the root context and returns it as JSON; each cluster's file enables some and sets
  // their revision; the chart's own root Application names that file from `cluster_name`.
  const helpers = `{{- define "apps.json" -}}
{{- if not $.apps -}}
{{- $apps := list -}}
{{- range $.Values.applications -}}
{{- $app := . | deepCopy -}}
{{- $key := .name | replace "-" "_" -}}
{{- if and (index $.Values $key).enabled (index $.Values $key).version -}}
{{- $app = set $app "version" (index $.Values $key).version -}}
{{- $apps = append $apps $app -}}
{{- end -}}
{{- end -}}
{{- $ = set $ "apps" $apps -}}
{{- end -}}
{{- $.apps | toJson -}}
{{- end -}}
`;
  const tree = {
    "fleet/Chart.yaml": "apiVersion: v2\nname: fleet\nversion: 1.0.0\n",
    "fleet/templates/_helpers.tpl": helpers,
    "fleet/templates/root.yaml": `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: fleet-{{ .Values.cluster_name }}
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://git.example.com/platform.git
    targetRevision: main
    path: fleet
    helm:
      valueFiles:
        - values.yaml
        - values-{{ .Values.cluster_name }}.yaml
      values: "cluster_name: {{ .Values.cluster_name }}"
  destination:
    server: https://kubernetes.default.svc
    namespace: argocd
`,
    "fleet/templates/applications.yaml": `{{- range include "apps.json" $ | fromJsonArray }}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {{ .name }}-{{ $.Values.cluster_name }}
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://git.example.com/platform.git
    targetRevision: '{{ .version }}'
    path: {{ .path }}
  destination:
    server: https://kubernetes.default.svc
    namespace: {{ .name }}
{{- end }}
`,
    "fleet/values.yaml": "applications:\n  - name: rbac\n    path: platform/rbac\n  - name: network-policies\n    path: platform/network-policies\n",
    "fleet/values-east.yaml": `rbac:\n  enabled: true\n  version: ${SHA}\nnetwork_policies:\n  enabled: true\n  version: main\n`,
    "fleet/values-west.yaml": "rbac:\n  enabled: true\n  version: v2.0.0\n",
    ...configOnly,
    "platform/network-policies/kustomization.yaml": "resources:\n  - deny.yaml\n",
    "platform/network-policies/deny.yaml": "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\nspec:\n  podSelector: {}\n",
  };

  it("renders the chart once per cluster file and reads each cluster's revisions", () => {
    const { model, cells: got } = cells(tree);
    expect(got).toEqual(["network-policies@east=git:main~", `rbac@east=git:${SHA}`, "rbac@west=git:v2.0.0"]);
    // Traced through the helper's JSON to the cluster file that sets it: where a promotion edits it.
    expect(model.deployments.find((d) => d.app === "rbac" && d.env === "west")?.versions[0]).toMatchObject({ file: "fleet/values-west.yaml", path: ["rbac", "version"] });
    expect(model.conventions).toContain("argocd-app-of-apps");
  });

  it("keeps a revision the chart's own values.yaml gives every cluster as wiring", () => {
    const base = "applications:\n  - name: rbac\n    path: platform/rbac\nrbac:\n  enabled: true\n  version: main\n";
    const { cells: got } = cells({ ...tree, "fleet/values.yaml": base, "fleet/values-east.yaml": "{}\n", "fleet/values-west.yaml": "{}\n" });
    expect(got).toEqual([]);
  });
});
