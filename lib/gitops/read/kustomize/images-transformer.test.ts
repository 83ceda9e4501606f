import { describe, expect, it } from "vitest";
import type { FileTree } from "../../model";
import { planPromotion } from "../../promote/plan";
import { applyEdits } from "../../promote/test-helpers";
import { readRepository } from "..";
import { imageMatches } from "./images-transformer";

const deployment = (name: string, image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: ${name}\n          image: ${image}\n`;

describe("which images an images: entry rewrites", () => {
  it("matches the name alone, or the name followed by a tag and/or digest", () => {
    expect(imageMatches("nginx", "nginx")).toBe(true);
    expect(imageMatches("nginx:1.25", "nginx")).toBe(true);
    expect(imageMatches("nginx@sha256:abc123", "nginx")).toBe(true);
    expect(imageMatches("registry:5000/team/app:1.0", "registry:5000/team/app")).toBe(true);
    expect(imageMatches("nginx-extra:1.25", "nginx")).toBe(false);
    expect(imageMatches("ghcr.io/org/nginx:1.25", "nginx")).toBe(false);
  });

  it("a name that carries a tag selects only images with that tag", () => {
    expect(imageMatches("task-manager:frontend", "task-manager:frontend")).toBe(true);
    expect(imageMatches("task-manager:api", "task-manager:frontend")).toBe(false);
    expect(imageMatches("app:latest", "app:latest")).toBe(true);
    expect(imageMatches("app:latest", "")).toBe(false);
  });
});

// One image repository, one tag per component; each overlay's images: entry names the image with its tag.
const tree: FileTree = new Map([
  ["k8s/base/kustomization.yaml", "resources:\n  - web.yaml\n  - api.yaml\n"],
  ["k8s/base/web.yaml", deployment("web", "shop:web")],
  ["k8s/base/api.yaml", deployment("api", "shop:api")],
  ...(["staging", "production"] as const).map((env): [string, string] => [
    `k8s/overlays/${env}/kustomization.yaml`,
    `resources:\n  - ../../base\nimages:\n  - name: shop:web\n    newName: registry.example.com/shop\n    newTag: web-${env === "staging" ? "2.0.0" : "1.0.0"}\n  - name: shop:api\n    newName: registry.example.com/shop\n    newTag: api-${env === "staging" ? "2.1.0" : "1.1.0"}\n`,
  ]),
]);
const cellOf = (t: FileTree, env: string) => readRepository(t).deployments.find((d) => d.env === env)!;

describe("an images: entry whose name carries the tag", () => {
  it("rewrites the image as kustomize does, and the version lives in the overlay's entry", () => {
    const versions = cellOf(tree, "staging").versions.map((v) => [v.name, v.value, v.file, v.field]);
    expect(versions).toEqual(
      expect.arrayContaining([
        ["registry.example.com/shop", "web-2.0.0", "k8s/overlays/staging/kustomization.yaml", "images[name=shop:web].newTag"],
        ["registry.example.com/shop", "api-2.1.0", "k8s/overlays/staging/kustomization.yaml", "images[name=shop:api].newTag"],
      ]),
    );
    expect(cellOf(tree, "production").versions.map((v) => v.value).sort()).toEqual(["api-1.1.0", "web-1.0.0"]);
  });

  it("is promoted in the target overlay's entries, never in the shared base", () => {
    const plan = planPromotion({ tree, source: cellOf(tree, "staging"), target: cellOf(tree, "production"), mode: "version", baseSha: "abc", repository: "r" });
    if (plan.status !== "changes") throw new Error(JSON.stringify(plan));
    expect(plan.changeSet.edits.map((e) => e.path)).toEqual(["k8s/overlays/production/kustomization.yaml"]);
    const after = applyEdits(tree, plan.changeSet.edits).get("k8s/overlays/production/kustomization.yaml");
    expect(after).toContain("name: shop:web\n    newName: registry.example.com/shop\n    newTag: web-2.0.0\n");
    expect(after).toContain("name: shop:api\n    newName: registry.example.com/shop\n    newTag: api-2.1.0\n");
  });
});

describe("the containers an images: entry rewrites", () => {
  it("leaves ephemeralContainers as written, as kubectl kustomize does", () => {
    const pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  containers:\n    - name: app\n      image: busybox:1.0\n  ephemeralContainers:\n    - name: dbg\n      image: busybox:1.0\n";
    const t: FileTree = new Map([
      ["apps/debug/base/kustomization.yaml", "resources:\n  - pod.yaml\n"],
      ["apps/debug/base/pod.yaml", pod],
      ["apps/debug/production/kustomization.yaml", "resources:\n  - ../base\nimages:\n  - name: busybox\n    newTag: \"9.9\"\n"],
    ]);
    const cell = readRepository(t).deployments.find((d) => d.env === "production")!;
    expect(cell.versions.map((v) => `${v.name}=${v.value} (${v.file})`).sort()).toEqual(["busybox=1.0 (apps/debug/base/pod.yaml)", "busybox=9.9 (apps/debug/production/kustomization.yaml)"]);
  });
});
