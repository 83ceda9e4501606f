import { describe, expect, it } from "vitest";
import type { FileTree } from "../../model";
import { planPromotion } from "../../promote/plan";
import { BASE, changedLines } from "../../promote/test-helpers";
import { readRepository } from "../index";

// An umbrella chart whose subcharts keep `image.tag: ""` and whose environments set `global.imageTag`.

const umbrella = "apiVersion: v2\nname: clinic\nversion: 0.1.0\ndependencies:\n  - name: api\n    version: 0.1.0\n  - name: visits\n    version: 0.1.0\n";
const sub = (name: string) => `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`;
const helperTemplate = (name: string) => `{{- define "${name}.image" -}}{{ .Values.image.repository }}:{{ .Values.image.tag | default .Values.global.imageTag }}{{- end }}\n`;

function chart(extra: Record<string, string> = {}): Record<string, string> {
  return {
    "helm/Chart.yaml": umbrella,
    "helm/values.yaml": 'api:\n  image:\n    repository: acme/api\n    tag: "" # falls back to global.imageTag\nvisits:\n  image:\n    repository: acme/visits\n    tag: ""\nzipkin:\n  image:\n    repository: openzipkin/zipkin\n    tag: "3.4"\n',
    "helm/values-dev.yaml": "global:\n  imageTag: dev-22\n",
    "helm/values-production.yaml": "global:\n  imageTag: v1.0.0\nvisits:\n  image:\n    tag: v0.9.8\n",
    "helm/charts/api/Chart.yaml": sub("api"),
    "helm/charts/api/templates/_helpers.tpl": helperTemplate("api"),
    "helm/charts/visits/Chart.yaml": sub("visits"),
    "helm/charts/visits/templates/_helpers.tpl": helperTemplate("visits"),
    ...extra,
  };
}

const application = (env: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: clinic-${env}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://example.com/acme/clinic.git\n    targetRevision: HEAD\n    path: helm\n    helm:\n      valueFiles:\n        - values-${env}.yaml\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: ${env}\n`;

const versions = (files: Record<string, string>, env: string) =>
  readRepository(new Map(Object.entries(files)) as FileTree, { rootAppName: "clinic" })
    .deployments.filter((d) => d.env === env)
    .flatMap((d) => d.versions.filter((v) => v.kind === "image").map((v) => `${v.name}=${v.value} [${v.file} ${v.path.join(".")}]`))
    .sort();

describe("empty image tags that an umbrella chart's global tag fills", () => {
  const argo = chart({ "argocd/clinic-dev.yaml": application("dev"), "argocd/clinic-production.yaml": application("production") });

  it("run the environment's global.imageTag, located where that environment sets it, and a tag set for one service still wins", () => {
    expect(versions(argo, "production")).toEqual([
      "acme/api=v1.0.0 [helm/values-production.yaml global.imageTag]",
      "acme/visits=v0.9.8 [helm/values-production.yaml visits.image.tag]",
      "openzipkin/zipkin=3.4 [helm/values.yaml zipkin.image.tag]",
    ]);
    expect(versions(argo, "dev")).toEqual([
      "acme/api=dev-22 [helm/values-dev.yaml global.imageTag]",
      "acme/visits=dev-22 [helm/values-dev.yaml global.imageTag]",
      "openzipkin/zipkin=3.4 [helm/values.yaml zipkin.image.tag]",
    ]);
  });

  it("read the same way from a chart beside its values-<env>.yaml files with nothing else deploying it", () => {
    expect(versions(chart(), "production")).toContain("acme/api=v1.0.0 [helm/values-production.yaml global.imageTag]");
  });

  it("stay empty when the chart's templates build the tag without the global one", () => {
    const own = (name: string) => `{{- define "${name}.image" -}}{{ .Values.image.repository }}:{{ .Values.image.tag }}{{- end }}\n`;
    const files = { ...argo, "helm/charts/api/templates/_helpers.tpl": own("api"), "helm/charts/visits/templates/_helpers.tpl": own("visits") };
    expect(versions(files, "dev")).toEqual(["acme/api= [helm/values.yaml api.image.tag]", "acme/visits= [helm/values.yaml visits.image.tag]", "openzipkin/zipkin=3.4 [helm/values.yaml zipkin.image.tag]"]);
  });

  it("are judged by the templates of the subchart that prints them, not by another subchart's", () => {
    const pinned = { "helm/charts/prometheus/Chart.yaml": sub("prometheus"), "helm/charts/prometheus/templates/_helpers.tpl": '{{- $tag := .Values.image.tag | default "v2.53.0" }}\n' };
    expect(versions({ ...argo, ...pinned }, "dev")).toContain("acme/api=dev-22 [helm/values-dev.yaml global.imageTag]");
    const own = '{{- define "api.image" -}}{{ .Values.image.repository }}:{{ .Values.image.tag }}{{- end }}\n';
    const apiOwn = versions({ ...argo, "helm/charts/api/templates/_helpers.tpl": own }, "dev");
    expect(apiOwn).toContain("acme/api= [helm/values.yaml api.image.tag]");
    expect(apiOwn).toContain("acme/visits=dev-22 [helm/values-dev.yaml global.imageTag]");
  });

  it("stay empty when the last values file to set the global tag empties it", () => {
    const files = { ...argo, "helm/values-dev.yaml": "global:\n  imageTag: dev-22\n", "helm/values.yaml": `${argo["helm/values.yaml"]}global:\n  imageTag: "1.0"\n` };
    expect(versions(files, "dev")).toContain("acme/api=dev-22 [helm/values-dev.yaml global.imageTag]");
    const emptied = { ...files, "helm/values-dev.yaml": 'global:\n  imageTag: ""\n' };
    expect(versions(emptied, "dev")).toContain("acme/api= [helm/values.yaml api.image.tag]");
  });

  it("are promoted by editing the target environment's global tag", () => {
    const tree = new Map(Object.entries(argo)) as FileTree;
    const model = readRepository(tree, { rootAppName: "clinic" });
    const cell = (env: string) => model.deployments.find((d) => d.env === env)!;
    const plan = planPromotion({ ...BASE, tree, source: cell("dev"), target: cell("production"), mode: "version" });
    expect(plan.status).toBe("changes");
    if (plan.status !== "changes") return;
    expect(plan.changeSet.edits.map((e) => e.path)).toEqual(["helm/values-production.yaml"]);
    expect(changedLines(plan.changeSet.diff)).toEqual(["-  imageTag: v1.0.0", "+  imageTag: dev-22", "-    tag: v0.9.8", "+    tag: dev-22"]);
  });
});
