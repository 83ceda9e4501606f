import { describe, expect, it } from "vitest";
import type { FileTree } from "../model";
import { readRepository } from "./index";

// An app's own repository that carries its Argo CD Application: `manifests/<env>` (or `k8s/`, `deploy/`)
// at the top of the repository names no app, the Application does.

const deployment = (image: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ${image}\n`;
const application = (name: string, path: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://example.com/acme/asset-registry-config.git\n    targetRevision: HEAD\n    path: ${path}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: assets\n`;

const rows = (files: Record<string, string>) =>
  readRepository(new Map(Object.entries(files)) as FileTree, { rootAppName: "asset-registry-config" })
    .deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => v.value).join(",")}`)
    .sort();

describe("an Application deploying a packaging folder at the top of the repository", () => {
  for (const folder of ["manifests", "k8s", "deploy"]) {
    it(`is named by the Application, not by \`${folder}/\``, () => {
      const files = {
        [`${folder}/base/kustomization.yaml`]: "resources:\n  - deployment.yaml\n",
        [`${folder}/base/deployment.yaml`]: deployment("ghcr.io/acme/asset-app:0.1.0"),
        [`${folder}/production/kustomization.yaml`]: "resources:\n  - ../base\nimages:\n  - name: ghcr.io/acme/asset-app\n    newTag: 1.1.5\n",
        "argocd/argocd-app.yaml": application("asset-app", `${folder}/production`),
      };
      expect(rows(files)).toEqual(["asset-app@production=1.1.5"]);
    });
  }

  it("renames the layout's other environments of that app with it", () => {
    const files = {
      "manifests/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "manifests/base/deployment.yaml": deployment("ghcr.io/acme/asset-app:0.1.0"),
      "manifests/staging/kustomization.yaml": "resources:\n  - ../base\nimages:\n  - name: ghcr.io/acme/asset-app\n    newTag: 1.2.0\n",
      "manifests/production/kustomization.yaml": "resources:\n  - ../base\nimages:\n  - name: ghcr.io/acme/asset-app\n    newTag: 1.1.5\n",
      "argocd/argocd-app.yaml": application("asset-app", "manifests/production"),
    };
    expect(rows(files)).toEqual(["asset-app@production=1.1.5", "asset-app@staging=1.2.0"]);
  });

  it("is named by the Application when the folder's files cannot be built either", () => {
    const files = {
      "manifests/production/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "argocd/argocd-app.yaml": application("asset-app", "manifests/production"),
    };
    expect(readRepository(new Map(Object.entries(files)) as FileTree, { rootAppName: "asset-registry-config" }).deployments.map((d) => `${d.app}@${d.env}`)).toEqual(["asset-app@production"]);
  });

  it("keeps the repository's name when the Application is named for a layer", () => {
    const files = {
      "k8s/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "k8s/base/deployment.yaml": deployment("ghcr.io/acme/asset-app:0.1.0"),
      "k8s/production/kustomization.yaml": "resources:\n  - ../base\n",
      "argocd/apps.yaml": application("apps", "k8s/production"),
    };
    expect(rows(files)).toEqual(["asset-registry-config@production=0.1.0"]);
  });
});
