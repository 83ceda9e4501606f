import { describe, expect, it } from "vitest";
import { planPromotion } from "../promote";
import { readRepository } from ".";

// Argo CD's multi-source layout: the chart lives with the app's code (a path in another repository),
// the values per environment live here and are passed as `$values/…`. What this repository sets is what
// it decides: those images are the cells' versions, and a promotion edits the target's values file.
const appSet = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: dummy-app
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - list:
        elements:
          - env: dev
          - env: prod
  template:
    metadata:
      name: 'dummy-app-{{.env}}'
    spec:
      project: default
      sources:
        - repoURL: https://git.example/acme/dummy-app.git
          path: helm-dummyapp
          targetRevision: HEAD
          helm:
            valueFiles:
              - values.yaml
              - $values/values/common/values.yaml
              - $values/values/envs/{{.env}}/values.yaml
        - repoURL: https://git.example/acme/gitops.git
          targetRevision: HEAD
          ref: values
      destination:
        server: https://kubernetes.default.svc
        namespace: 'dummy-{{.env}}'
`;
const tree = new Map([
  ["argocd/appset.yaml", appSet],
  // A values.yaml at the root of this repository is not the chart's (that one is in the other repository).
  ["values.yaml", "image:\n  repository: ghcr.io/acme/unrelated\n  tag: \"9.9.9\"\n"],
  ["values/common/values.yaml", "image:\n  repository: ghcr.io/acme/dummy\n  tag: \"1.1.5\"\n"],
  ["values/envs/dev/values.yaml", "image:\n  tag: sha-8d72d86\n"],
  ["values/envs/prod/values.yaml", "image:\n  tag: \"1.1.4\"\n"],
]);

describe("a chart from another repository with values from this one", () => {
  it("reads each environment's image from the last values layer here that sets it", () => {
    const model = readRepository(tree);
    const cells = model.deployments.filter((d) => d.app === "dummy-app").map((d) => `${d.env}: ${d.versions.map((v) => `${v.name}=${v.value}@${v.file}:${v.path.join(".")}`).join(", ")}`);
    // The chart's revision (HEAD of the other repository) is written here too: reported, floating.
    const chart = "https://git.example/acme/dummy-app.git//helm-dummyapp=HEAD@argocd/appset.yaml:spec.template.spec.sources.0.targetRevision";
    expect(cells.sort()).toEqual([`dev: ${chart}, ghcr.io/acme/dummy=sha-8d72d86@values/envs/dev/values.yaml:image.tag`, `prod: ${chart}, ghcr.io/acme/dummy=1.1.4@values/envs/prod/values.yaml:image.tag`]);
    expect(model.deployments.flatMap((d) => d.versions.filter((v) => v.kind === "git").map((v) => v.floating))).toEqual([true, true]);
    expect(model.deployments.find((d) => d.env === "prod")?.destination).toMatchObject({ namespace: "dummy-prod", wiredBy: "argocd/appset.yaml" });
  });

  it("promotes by editing the target environment's values file", () => {
    const model = readRepository(tree);
    const cell = (env: string) => model.deployments.find((d) => d.app === "dummy-app" && d.env === env)!;
    const plan = planPromotion({ tree, source: cell("dev"), target: cell("prod"), mode: "version", baseSha: "abc", repository: "r" });
    if (plan.status !== "changes") throw new Error(`expected changes, got ${JSON.stringify(plan)}`);
    expect(plan.changeSet.edits.map((e) => [e.path, e.content])).toEqual([["values/envs/prod/values.yaml", "image:\n  tag: \"sha-8d72d86\"\n"]]);
  });

  it("reports nothing for a chart elsewhere whose values this repository does not set, and says why", () => {
    const bare = new Map([["argocd/appset.yaml", appSet.replace(/\s+- \$values\/values\/envs\/\{\{\.env\}\}\/values\.yaml/, "").replace(/\s+- \$values\/values\/common\/values\.yaml/, "")]]);
    const model = readRepository(bare);
    expect(model.deployments).toEqual([]);
    expect(model.notes?.join("\n") ?? "").toMatch(/deploys helm-dummyapp of https:\/\/git\.example\/acme\/dummy-app\.git, which is not in this repository/);
  });
});
