import { describe, expect, it } from "vitest";
import { changeImpact } from "../../impact";
import type { FileTree } from "../../model";
import { planPromotion } from "../../promote";
import { readRepository } from "../index";

// A `helm create` chart: `tag: ""` in values.yaml, and the template defaults it to the chart's appVersion.

const template = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.fullname" . }}
spec:
  template:
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
`;
const chart: Record<string, string> = {
  "charts/web/Chart.yaml": 'apiVersion: v2\nname: web\nversion: 0.3.0\nappVersion: "1.8.2"\n',
  "charts/web/values.yaml": 'image:\n  repository: ghcr.io/acme/web\n  # Overrides the image tag whose default is the chart appVersion.\n  tag: ""\nredis:\n  image:\n    repository: redis\n    tag: ""\n',
  "charts/web/templates/deployment.yaml": template,
  "charts/web/values-staging.yaml": "image:\n  tag: 1.9.0\n",
  "charts/web/values-prod.yaml": "replicaCount: 3\n",
};
const cell = (tree: FileTree, env: string) => readRepository(tree).deployments.find((d) => d.app === "web" && d.env === env);

describe("an empty image tag in a chart whose template defaults it to appVersion", () => {
  it("shows the chart's appVersion, in Chart.yaml, where no values file sets the tag; a subchart's empty tag is not the chart's", () => {
    const tree: FileTree = new Map(Object.entries(chart));
    const prod = cell(tree, "prod")?.versions.filter((v) => v.kind === "image") ?? [];
    expect(prod.find((v) => v.name === "ghcr.io/acme/web")).toMatchObject({ value: "1.8.2", file: "charts/web/Chart.yaml", path: ["appVersion"], field: "appVersion (image.tag is empty)" });
    expect(prod.find((v) => v.name === "redis")?.value ?? null).toBe("");
    expect(cell(tree, "staging")?.versions.find((v) => v.name === "ghcr.io/acme/web")).toMatchObject({ value: "1.9.0", file: "charts/web/values-staging.yaml" });
  });

  it("leaves the tag empty when the templates do not default it to appVersion", () => {
    const tree: FileTree = new Map(Object.entries({ ...chart, "charts/web/templates/deployment.yaml": template.replace(" | default .Chart.AppVersion", "") }));
    expect(cell(tree, "prod")?.versions.find((v) => v.name === "ghcr.io/acme/web")?.value).toBe("");
  });

  it("promotes staging's tag into prod by Chart.yaml's appVersion, and names every environment that keeps the default", () => {
    const tree: FileTree = new Map(Object.entries({ ...chart, "charts/web/values-dev.yaml": "replicaCount: 1\n" }));
    const model = readRepository(tree);
    const at = (env: string) => model.deployments.find((d) => d.app === "web" && d.env === env)!;
    const plan = planPromotion({ tree, source: at("staging"), target: at("prod"), mode: "version", baseSha: "a", repository: "r" });
    if (plan.status !== "changes") throw new Error(JSON.stringify(plan));
    expect(plan.changeSet.edits.map((e) => [e.path, e.content])).toEqual([["charts/web/Chart.yaml", 'apiVersion: v2\nname: web\nversion: 0.3.0\nappVersion: "1.9.0"\n']]);
    const moved = changeImpact(tree, model, plan.changeSet).map((i) => i.env).sort();
    expect(moved).toEqual(["dev", "prod"]);
  });
});
