import { describe, expect, it } from "vitest";
import { readRepository } from "./index";

// What Argo CD cannot render of an app-of-apps Helm chart is an error where the user looks, not a note.

const root = (valueFile: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: platform-staging\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://git.example.com/ops.git\n    targetRevision: main\n    path: platform/apps\n    helm:\n      valueFiles:\n        - ${valueFile}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: argocd\n`;
const template = `{{- range $name, $app := .Values.applications }}\n---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {{ $name }}\n  namespace: argocd\nspec:\n  source:\n    repoURL: https://charts.example.com\n    chart: {{ $name }}\n    targetRevision: {{ $app.version | quote }}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: {{ $name }}\n{{- end }}\n`;
const chart = (values: string, extra: [string, string][] = []): [string, string][] => [
  ["platform/apps/Chart.yaml", "apiVersion: v2\nname: apps\nversion: 0.1.0\n"],
  ["platform/apps/templates/applications.yaml", template],
  ["platform/apps/values.yaml", values],
  ["platform/apps/environments/staging/values.yaml", "applications:\n  cache:\n    version: 3.1.0\n"],
  ...extra,
];
const values = "applications:\n  cache:\n    version: 3.0.0\n";

describe("a value file the root Application of an app-of-apps chart lists and the repository lacks", () => {
  const chartRoot = root;

  it("is an error on each Application the chart renders, as for a chart an Application deploys itself", () => {
    const model = readRepository(new Map([["bootstrap/staging.yaml", chartRoot("environment/staging/values.yaml")], ...chart(values)]));
    const cache = model.deployments.find((d) => d.app === "cache");
    expect(cache?.versions.map((v) => v.value)).toEqual(["3.0.0"]);
    expect(cache?.errors.join("\n")).toMatch(/lists value file environment\/staging\/values\.yaml, which is not in this repository/);
    // Spelled right, the same tree reads clean.
    const fixed = readRepository(new Map([["bootstrap/staging.yaml", chartRoot("environments/staging/values.yaml")], ...chart(values)]));
    expect(fixed.deployments.map((d) => [d.app, d.versions.map((v) => v.value), d.errors])).toEqual([["cache", ["3.1.0"], []]]);
  });

  it("is an error on the root's file when the chart renders no Application", () => {
    const model = readRepository(new Map([["bootstrap/staging.yaml", chartRoot("environment/staging/values.yaml")], ...chart("applications: {}\n")]));
    expect(model.errors.map((e) => [e.file, /value file environment\/staging\/values\.yaml, which is not in this repository/.test(e.message)])).toEqual([["bootstrap/staging.yaml", true]]);
  });
});

describe("an app-of-apps chart with a template Helm cannot parse", () => {
  // Go templates end a field name at a dash (helm/helm#2192): `.Values.components.eoapi-support` is a parse error.
  const support = `{{- if .Values.components.eoapi-support.enabled -}}\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: support\n{{- end }}\n`;

  it("is an error on that template's line, and the chart renders nothing, as Helm refuses it whole", () => {
    const model = readRepository(new Map([["bootstrap/staging.yaml", root("environments/staging/values.yaml")], ...chart(values, [["platform/apps/templates/support.yaml", support]])]));
    expect(model.deployments).toEqual([]);
    expect(model.errors.map((e) => [e.file, e.line])).toEqual([["platform/apps/templates/support.yaml", 1]]);
    expect(model.errors[0]?.message).toMatch(/bad character U\+002D '-' after \.Values\.components\.eoapi \(a key with a dash is read with index \.Values\.components "eoapi-support"\)/);
  });

  it("once, however many Applications render the chart; written with index, it renders", () => {
    const tree = new Map([
      ["bootstrap/staging.yaml", root("environments/staging/values.yaml")],
      ["bootstrap/production.yaml", root("values.yaml").replace("platform-staging", "platform-production")],
      ...chart(values, [["platform/apps/templates/support.yaml", support]]),
    ]);
    expect(readRepository(tree).errors).toHaveLength(1);
    tree.set("platform/apps/templates/support.yaml", support.replace(".Values.components.eoapi-support.enabled", '(index .Values.components "eoapi-support").enabled'));
    const fixed = readRepository(tree);
    expect(fixed.errors).toEqual([]);
    expect(fixed.deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => v.value).join()}`).sort()).toEqual(["cache@production=3.0.0", "cache@staging=3.1.0"]);
  });

  it("through tpl of a file with such a key: an error on the template calling tpl", () => {
    const withTpl = template.replace("  destination:", '  info: {{ tpl ($.Files.Get "extra.yaml") $ | quote }}\n  destination:');
    const model = readRepository(
      new Map([
        ["bootstrap/staging.yaml", root("environments/staging/values.yaml")],
        ...chart(values, [["platform/apps/templates/applications.yaml", withTpl], ["platform/apps/extra.yaml", "replicas: {{ .Values.data-node.replicas }}\n"]]),
      ]),
    );
    expect(model.deployments).toEqual([]);
    expect(model.errors.map((e) => [e.file, /error calling tpl: bad character U\+002D '-' after \.Values\.data/.test(e.message)])).toEqual([["platform/apps/templates/applications.yaml", true]]);
  });
});
