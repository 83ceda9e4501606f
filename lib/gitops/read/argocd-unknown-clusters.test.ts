import { describe, expect, it } from "vitest";
import { evaluateGenerators } from "./argocd-generators";
import { readRepository } from "./index";

// Cluster secrets hold credentials and are rarely committed. A clusters generator whose template deploys
// the same folder on every cluster is still read, once, over a cluster nobody here knows.

const set = (name: string, appName: string, path: string, extra = "") => `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: ${name}
spec:
  generators:
    - clusters:
        selector:
          matchLabels:
            team: platform
  template:
    metadata:
      name: '${appName}'
    spec:
      project: default
      source:
        repoURL: git@git.example.com:acme/deploy.git
        targetRevision: '{{name}}'
        path: '${path}'
${extra}      destination:
        server: '{{server}}'
        namespace: '${name}'
`;

const chart = (name: string, dependency: string, version: string) =>
  `apiVersion: v2\nname: ${name}\nversion: 0.1.0\ndependencies:\n  - name: ${dependency}\n    version: ${version}\n    repository: https://charts.example.com\n`;

const tree = {
  "sets/web-dev.yaml": set("web-dev", "web-dev", "charts/web-dev", "        helm:\n          valueFiles:\n            - values.yaml\n            - values-tags.yaml\n"),
  "charts/web-dev/Chart.yaml": chart("web-dev", "generic-app", "1.2.0"),
  "charts/web-dev/values.yaml": "generic-app:\n  image:\n    repository: registry.example.com/web\n    tag: latest\n",
  "charts/web-dev/values-tags.yaml": "generic-app:\n  image:\n    tag: develop-1a2b3c4\n",
  "sets/kafka-ui.yaml": set("kafka-ui", "kafka-ui-{{name}}", "charts/kafka-ui"),
  "charts/kafka-ui/Chart.yaml": chart("kafka-ui", "kafka-ui", "0.7.1"),
};

function cells(files: Record<string, string>) {
  const model = readRepository(new Map(Object.entries(files)));
  return { model, cells: model.deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => `${v.kind}:${v.value}`).join(",")}`).sort() };
}

describe("clusters generator in a repository without cluster secrets", () => {
  it("reads the template once when its sources do not depend on the cluster; the environment comes from the Application", () => {
    const { model, cells: got } = cells(tree);
    expect(got).toEqual(["kafka-ui@default=chart:0.7.1", "web@dev=chart:1.2.0,image:develop-1a2b3c4"]);
    // No environment, app or version is named after the unknown cluster, and its branch is no version.
    expect(model.environments.map((e) => e.name).join()).not.toMatch(/\{\{|name|server/);
    expect(model.deployments.flatMap((d) => d.versions).some((v) => v.kind === "git" || String(v.value).includes("{{"))).toBe(false);
    expect(model.notes.join("\n")).toContain("ApplicationSet kafka-ui: clusters generator: the repository declares no cluster secret; the template is read once for the clusters registered in Argo CD");
  });

  it("reads nothing from the set when a source depends on the cluster, and says why", () => {
    const valuesPerCluster = "        helm:\n          valueFiles:\n            - values-{{name}}.yaml\n";
    const { model } = cells({ "sets/api.yaml": set("api", "api-{{name}}", "charts/api", valuesPerCluster), "charts/api/Chart.yaml": chart("api", "api", "1.0.0") });
    expect(model.deployments.filter((d) => d.destination?.wiredBy === "sets/api.yaml")).toEqual([]);
    expect(model.notes.join("\n")).toContain("clusters generator not evaluated: it lists the clusters registered in Argo CD");
  });

  it("takes the unknown cluster out of the Go template's name, destination and branch, and keeps what its labels give", () => {
    const spec = {
      goTemplate: true,
      generators: [{ clusters: { selector: { matchLabels: { tier: "edge" } }, values: { tier: "{{ .metadata.labels.tier }}" } } }],
      template: {
        metadata: { name: "{{ .name }}-shop-{{ .values.tier }}" },
        spec: { source: { repoURL: "https://git.example.com/deploy.git", targetRevision: "{{ .name }}", path: "apps/shop" }, destination: { server: "{{ .server }}", namespace: "{{ .name }}" } },
      },
    };
    const run = evaluateGenerators(spec, { dirs: () => [], files: () => [], load: () => undefined, clusters: () => [] });
    expect(run.results).toEqual([
      {
        params: [{ metadata: { labels: { tier: "edge" } }, values: { tier: "edge" } }],
        template: { metadata: { name: "shop-{{ .values.tier }}" }, spec: { source: { repoURL: "https://git.example.com/deploy.git", path: "apps/shop" }, destination: {} } },
      },
    ]);
  });
});
