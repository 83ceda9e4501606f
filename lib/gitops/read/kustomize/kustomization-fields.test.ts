import { describe, expect, it } from "vitest";
import type { FileTree } from "../../model";
import { readRepository } from "..";

// kustomize (v5) decodes a kustomization strictly: these files fail `kubectl kustomize`, and the repository says so.

const deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: ghcr.io/acme/web:1.0.0\n";
const patch = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n";

describe("kustomizations kustomize rejects", () => {
  const tree: FileTree = new Map([
    ["web/base/kustomization.yaml", "resources:\n- web.yaml\n"],
    ["web/base/web.yaml", deployment],
    ["web/overlays/staging/kustomization.yaml", "resources:\n- ../../base\npatches:\n- ./replicas.yaml\n"],
    ["web/overlays/staging/replicas.yaml", patch],
    ["web/overlays/production/kustomization.yaml", "resources:\n- ../../base\npathes:\n- replicas.yaml\nNamePrefix: prod-\n"],
    ["web/overlays/production/replicas.yaml", patch],
    ["web/overlays/qa/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../../base\npatches:\n- path: replicas.yaml\nimages:\n- name: ghcr.io/acme/web\n  newTag: 1.1.0\n"],
    ["web/overlays/qa/replicas.yaml", patch],
    ["clusters/prod/kustomization.yaml", "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: web\nspec:\n  path: ./web/overlays/production\n  interval: 5m\n"],
  ]);

  it("reports a string patches entry and an unknown field as errors naming the file; case-only differences and valid files pass", () => {
    const errors = readRepository(tree).errors;
    expect(errors).toEqual([
      { file: "web/overlays/production/kustomization.yaml", message: expect.stringMatching(/unknown field pathes \(/) },
      { file: "web/overlays/staging/kustomization.yaml", message: expect.stringContaining("patches[0] is a plain string, where kustomize wants an object") },
    ]);
  });

  it("still reads every environment of the repository", () => {
    const cells = readRepository(tree).deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => v.value).join(",")}`);
    expect(cells.sort()).toEqual(["web@production=1.0.0", "web@qa=1.1.0", "web@staging=1.0.0"]);
  });
});
