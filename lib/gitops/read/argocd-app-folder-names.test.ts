import { describe, expect, it } from "vitest";
import type { FileTree } from "../model";
import { readRepository } from "./index";

// Tenant onboarding: one Application per team, each deploying the team's folder of one repository.
const application = (name: string, path: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: ${name}\n  source:\n    repoURL: https://git.example.com/platform.git\n    targetRevision: main\n    path: ${path}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: ${name}\n`;
const project = (name: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  sourceRepos: ["*"]\n  destinations:\n    - server: https://kubernetes.default.svc\n      namespace: ${name}\n`;
const chart = (dir: string, tag: string): [string, string][] => [
  [`${dir}/Chart.yaml`, "apiVersion: v2\nname: todo-app\nversion: 0.1.0\n"],
  [`${dir}/values.yaml`, `image:\n  repository: registry.example.com/todo\n  tag: ${tag}\n`],
  [`${dir}/templates/deployment.yaml`, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: todo\nspec:\n  template:\n    spec:\n      containers:\n        - name: todo\n          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n"],
];

describe("the app an Application names by its folder", () => {
  const tree: FileTree = new Map([
    ["argocd/tenants/team-b.yaml", application("team-b", "teams/team-b/chart")],
    ["argocd/tenants/team-c.yaml", application("team-c", "teams/team-c/helm")],
    ["argocd/projects/team-b.yaml", project("team-b")],
    ["argocd/projects/team-c.yaml", project("team-c")],
    ...chart("teams/team-b/chart", "web-v1"),
    ...chart("teams/team-c/helm", "web-v2"),
  ]);

  it("is the folder above a packaging folder (chart, helm), not the packaging folder every team shares", () => {
    const model = readRepository(tree);
    const rows = model.deployments.map((d) => [d.app, d.path, d.versions.filter((v) => v.kind === "image").map((v) => v.value).join(",")]);
    expect(rows).toEqual(
      expect.arrayContaining([
        ["team-b", "teams/team-b/chart", "web-v1"],
        ["team-c", "teams/team-c/helm", "web-v2"],
      ]),
    );
    expect(model.deployments.map((d) => d.app)).not.toContain("chart");
    expect(model.apps.map((a) => [a.name, a.team])).toEqual(expect.arrayContaining([["team-b", "team-b"], ["team-c", "team-c"]]));
  });
});
