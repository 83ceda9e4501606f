import { describe, expect, it } from "vitest";
import type { FileTree } from "../../model";
import { readRepository } from "../index";

// An overlay keeps its strategic-merge patches in a folder of their own (`environments/<env>/patches/`). Those
// files are partial Deployments: they are read through the kustomization, never as an app of their own.

const deployment = (extra: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n${extra}`;
const overlay = (tag: string) =>
  `resources:\n  - ../../base\nimages:\n  - name: ghcr.io/acme/api\n    newTag: ${tag}\npatches:\n  - path: patches/replica-patch.yaml\n`;

function tree(extra: [string, string][] = []): FileTree {
  return new Map<string, string>([
    ["base/kustomization.yaml", "resources:\n  - deployment.yaml\n"],
    ["base/deployment.yaml", deployment("  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:latest\n")],
    ["environments/dev/kustomization.yaml", overlay("1.1.0")],
    ["environments/dev/patches/replica-patch.yaml", deployment("  replicas: 1\n")],
    ["environments/prod/kustomization.yaml", overlay("1.0.0")],
    ["environments/prod/patches/replica-patch.yaml", deployment("  replicas: 3\n")],
    ...extra,
  ]);
}

describe("plain env folders", () => {
  it("does not take an overlay's folder of patch files for an app", () => {
    const model = readRepository(tree());
    expect(model.deployments.map((d) => [d.path, d.env, d.versions.map((v) => v.value)]).sort()).toEqual([
      ["environments/dev", "dev", ["1.1.0"]],
      ["environments/prod", "prod", ["1.0.0"]],
    ]);
  });

  it("still reads a plain folder beside them whose manifests no kustomization patches", () => {
    const model = readRepository(
      tree([["apps/worker/dev/deployment.yaml", deployment("  template:\n    spec:\n      containers:\n        - name: worker\n          image: ghcr.io/acme/worker:2.0.0\n")]]),
    );
    expect(model.deployments.find((d) => d.path === "apps/worker/dev")?.versions.map((v) => v.value)).toEqual(["2.0.0"]);
    expect(model.deployments.some((d) => d.path.endsWith("/patches"))).toBe(false);
  });
});
