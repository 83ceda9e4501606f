import { describe, expect, it } from "vitest";
import type { ChangeSet } from "../change-set";
import { checkFilePickup } from "./file-pickup";

// Which reconciler applies each new file, on small trees: an ApplicationSet's directories generator
// whose template path is the directory, a kustomization.yaml that lists only some files, a reconciler
// pointed at another repository, and a repository without any reconciler.

const REPO = "https://git.acme.example/platform/platform.git";

const appset = (repoURL: string) => `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: tenants
spec:
  goTemplate: true
  generators:
    - git:
        repoURL: ${repoURL}
        revision: main
        directories:
          - path: tenants/*
  template:
    metadata:
      name: "{{.path.basename}}"
    spec:
      project: default
      source:
        repoURL: ${repoURL}
        targetRevision: main
        path: "{{.path.path}}"
      destination:
        server: https://kubernetes.default.svc
`;

function adding(files: Record<string, string>): ChangeSet {
  const edits = Object.entries(files).map(([path, content]) => ({ path, action: "create" as const, content, previous: null }));
  return { title: "t", body: "", branch: "ferry/tenant/billing", commitMessage: "m", edits, diff: "" };
}

describe("checkFilePickup", () => {
  it("a directories generator applies a new tenant folder; its kustomization.yaml decides which files", () => {
    const tree = new Map([
      ["argocd/tenants.yaml", appset(REPO)],
      ["tenants/payments/ns.yaml", "kind: Namespace\n"],
    ]);
    const check = checkFilePickup(tree, adding({
      "tenants/billing/kustomization.yaml": "resources:\n  - ns.yaml\n",
      "tenants/billing/ns.yaml": "kind: Namespace\n",
      "tenants/billing/forgotten.yaml": "kind: ConfigMap\n",
    }), REPO);
    expect(check.reconciled).toBe(true);
    expect(check.files).toEqual([
      { path: "tenants/billing/kustomization.yaml", by: "argocd/tenants.yaml (ApplicationSet tenants)" },
      { path: "tenants/billing/ns.yaml", by: "argocd/tenants.yaml (ApplicationSet tenants)" },
      { path: "tenants/billing/forgotten.yaml", by: null },
    ]);
    expect(check.missing.map((m) => m.path)).toEqual(["tenants/billing/forgotten.yaml"]);
  });

  it("a generator of another repository applies nothing here", () => {
    const tree = new Map([["argocd/tenants.yaml", appset("https://git.acme.example/other/repo.git")]]);
    const check = checkFilePickup(tree, adding({ "tenants/billing/ns.yaml": "kind: Namespace\n" }), REPO);
    expect(check.missing.map((m) => m.path)).toEqual(["tenants/billing/ns.yaml"]);
  });

  it("a repository without Argo CD or Flux objects is not checked", () => {
    const check = checkFilePickup(new Map([["tenants/payments/ns.yaml", "kind: Namespace\n"]]), adding({ "tenants/billing/ns.yaml": "kind: Namespace\n" }), REPO);
    expect(check).toEqual({ reconciled: false, files: [{ path: "tenants/billing/ns.yaml", by: null }], missing: [] });
  });
});
