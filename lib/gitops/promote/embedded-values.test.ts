import { describe, expect, it } from "vitest";
import { setEmbeddedYaml, setScalar } from "../edit";
import type { FileTree } from "../model";
import { readRepository } from "../read";
import { planPromotion } from "./plan";

// Helm values written as YAML inside a string: an Argo CD Application's `helm.values: |` and a ConfigMap a
// HelmRelease takes through `valuesFrom`. The tag is read inside the string and a promotion edits it there,
// leaving the block's other lines, comments and indentation as they were.

const application = (env: string, tag: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web-${env}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://charts.example.com\n    chart: web\n    targetRevision: 1.0.0\n    helm:\n      values: |\n        replicas: 2 # sized for ${env}\n        image:\n          repository: ghcr.io/acme/web\n          tag: ${tag}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: web-${env}\n`;

function plan(tree: FileTree, app: string, from: string, to: string) {
  const model = readRepository(tree);
  const cell = (env: string) => model.deployments.find((d) => d.app === app && d.env === env)!;
  return { model, plan: planPromotion({ tree, source: cell(from), target: cell(to), mode: "version", baseSha: "abc", repository: "r" }) };
}

describe("values embedded as YAML in a string", () => {
  it("promotes an Argo CD Application's helm.values tag inside the block", () => {
    const tree: FileTree = new Map([
      ["apps/web-staging.yaml", application("staging", '"1.2.0"')],
      ["apps/web-production.yaml", application("production", '"1.1.0"')],
    ]);
    const { model, plan: p } = plan(tree, "web", "staging", "production");
    expect(model.deployments.find((d) => d.env === "production")?.versions.find((v) => v.kind === "image")).toMatchObject({ value: "1.1.0", embedded: ["image", "tag"] });
    if (p.status !== "changes") throw new Error(`expected changes, got ${JSON.stringify(p)}`);
    expect(p.changeSet.edits.map((e) => [e.path, e.content])).toEqual([["apps/web-production.yaml", application("production", '"1.2.0"')]]);
  });

  it("refuses, saying so, when the tag inside the block moved since it was read", () => {
    const tree: FileTree = new Map([
      ["apps/web-staging.yaml", application("staging", "1.2.0")],
      ["apps/web-production.yaml", application("production", "1.1.0")],
    ]);
    const model = readRepository(tree);
    const cell = (env: string) => model.deployments.find((d) => d.app === "web" && d.env === env)!;
    const moved = new Map(tree).set("apps/web-production.yaml", application("production", "1.1.5"));
    const p = planPromotion({ tree: moved, source: cell("staging"), target: cell("production"), mode: "version", baseSha: "abc", repository: "r" });
    expect(p).toMatchObject({ status: "refused", reason: expect.stringContaining("is 1.1.5 at the base commit, not 1.1.0 as last read") });
  });

  it("reads and promotes a HelmRelease's values from a ConfigMap written out by hand (valuesFrom)", () => {
    const configMap = (tag: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: podinfo-values\ndata:\n  values.yaml: |\n    # the release's image\n    image:\n      repository: ghcr.io/stefanprodan/podinfo\n      tag: ${tag}\n`;
    const release = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\nspec:\n  chart:\n    spec:\n      chart: podinfo\n      version: 6.5.0\n  valuesFrom:\n    - kind: ConfigMap\n      name: podinfo-values\n";
    const tree: FileTree = new Map([
      ["apps/podinfo/base/kustomization.yaml", "resources:\n  - release.yaml\n"],
      ["apps/podinfo/base/release.yaml", release],
      ["apps/podinfo/staging/kustomization.yaml", "resources:\n  - ../base\n  - values.yaml\n"],
      ["apps/podinfo/staging/values.yaml", configMap("6.5.4")],
      ["apps/podinfo/production/kustomization.yaml", "resources:\n  - ../base\n  - values.yaml\n"],
      ["apps/podinfo/production/values.yaml", configMap("6.5.3")],
    ]);
    const { model, plan: p } = plan(tree, "podinfo", "staging", "production");
    expect(model.deployments.find((d) => d.env === "production")?.versions.find((v) => v.kind === "image")).toMatchObject({
      name: "ghcr.io/stefanprodan/podinfo",
      value: "6.5.3",
      file: "apps/podinfo/production/values.yaml",
      field: "data.values.yaml (embedded YAML) image.tag",
    });
    if (p.status !== "changes") throw new Error(`expected changes, got ${JSON.stringify(p)}`);
    expect(p.changeSet.edits.map((e) => [e.path, e.content])).toEqual([["apps/podinfo/production/values.yaml", configMap("6.5.4")]]);
  });

  it("splices only the changed span, and refuses a folded block or an edit across lines", () => {
    const text = "data:\n  v: |\n    a: 1\n\n    b:\n      c: x # keep\n";
    const inner = "a: 1\n\nb:\n  c: x # keep\n";
    expect(setEmbeddedYaml(text, 0, ["data", "v"], inner, setScalar(inner, 0, ["b", "c"], "yy"))).toBe("data:\n  v: |\n    a: 1\n\n    b:\n      c: yy # keep\n");
    expect(() => setEmbeddedYaml("v: >\n  a: 1\n", 0, ["v"], "a: 1\n", "a: 2\n")).toThrow(/folded block/);
    expect(() => setEmbeddedYaml(text, 0, ["data", "v"], inner, "a: 1\nb: 2\n")).toThrow(/spans lines/);
  });
});
