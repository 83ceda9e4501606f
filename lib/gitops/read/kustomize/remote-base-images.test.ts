import { describe, expect, it } from "vitest";
import type { FileTree } from "../../model";
import { planPromotion } from "../../promote/plan";
import { BASE, changedLines } from "../../promote/test-helpers";
import { readRepository } from "../index";

// An overlay on a remote base (`github.com/acme/app//deploy?ref=v2`) that pins the base's image with
// `images:`: kustomize rewrites the image inside the remote base, which Ferry does not fetch.

const overlay = (resources: string[], images: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}`).join("\n")}\nimages:\n${images}`;
const deployment = (image: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ${image}\n`;

const cells = (files: Record<string, string>) =>
  readRepository(new Map(Object.entries(files)) as FileTree, { rootAppName: "shop" })
    .deployments.map((d) => `${d.app}@${d.env}: ${d.versions.map((v) => `${v.kind} ${v.name}=${v.value}${v.floating ? " (floating)" : ""} [${v.file} ${v.field}]`).join(", ")}`)
    .sort();

describe("images: entries for a remote base's images", () => {
  it("are the overlay's image versions, located at the entry, next to the remote's ref", () => {
    const remote = "github.com/acme/app//deploy?ref=v2.0.0";
    expect(
      cells({
        "overlays/staging/kustomization.yaml": overlay([remote], "  - name: ghcr.io/acme/app\n    newTag: 1.2.0\n"),
        "overlays/production/kustomization.yaml": overlay([remote], "  - name: ghcr.io/acme/app:latest\n    newName: registry.acme.example/app\n    digest: sha256:" + "a".repeat(64) + "\n"),
      }),
    ).toEqual([
      `shop@production: git github.com/acme/app//deploy=v2.0.0 [overlays/production/kustomization.yaml resources[0] (?ref=)], image registry.acme.example/app=sha256:${"a".repeat(64)} [overlays/production/kustomization.yaml images[name=ghcr.io/acme/app:latest].digest]`,
      "shop@staging: git github.com/acme/app//deploy=v2.0.0 [overlays/staging/kustomization.yaml resources[0] (?ref=)], image ghcr.io/acme/app=1.2.0 [overlays/staging/kustomization.yaml images[name=ghcr.io/acme/app].newTag]",
    ]);
  });

  it("through a local base on a remote one, the overlay's entry rewrites the base's: one version, the overlay's", () => {
    expect(
      cells({
        "base/kustomization.yaml": overlay(["https://github.com/acme/app//deploy?ref=v2.0.0"], "  - name: ghcr.io/acme/app\n    newTag: 1.0.0\n"),
        "overlays/prod/kustomization.yaml": "resources:\n  - ../../base\nimages:\n  - name: ghcr.io/acme/app\n    newTag: 1.3.0\n",
      }),
    ).toEqual(["shop@prod: git https://github.com/acme/app//deploy=v2.0.0 [base/kustomization.yaml resources[0] (?ref=) (inherited from base)], image ghcr.io/acme/app=1.3.0 [overlays/prod/kustomization.yaml images[name=ghcr.io/acme/app].newTag]"]);
  });

  it("are not versions when every resource is built and the entry names none of their images (kustomize changes nothing)", () => {
    expect(
      cells({
        "base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
        "base/deployment.yaml": deployment("ghcr.io/acme/web:1.0.0"),
        "overlays/prod/kustomization.yaml": "resources:\n  - ../../base\nimages:\n  - name: ghcr.io/acme/gone\n    newTag: 9.9.9\n",
      }),
    ).toEqual(["shop@prod: image ghcr.io/acme/web=1.0.0 [base/deployment.yaml spec.template.spec.containers[name=web].image (inherited from base)]"]);
  });

  it("are promoted by editing the target overlay's entry", () => {
    const remote = "github.com/acme/app//deploy?ref=v2.0.0";
    const tree = new Map(
      Object.entries({
        "overlays/staging/kustomization.yaml": overlay([remote], "  - name: ghcr.io/acme/app\n    newTag: 1.2.0\n"),
        "overlays/production/kustomization.yaml": overlay([remote], "  - name: ghcr.io/acme/app\n    newTag: 1.1.5 # pinned by release\n"),
      }),
    ) as FileTree;
    const model = readRepository(tree, { rootAppName: "shop" });
    const cell = (env: string) => model.deployments.find((d) => d.env === env)!;
    const plan = planPromotion({ ...BASE, tree, source: cell("staging"), target: cell("production"), mode: "version" });
    expect(plan.status === "changes" && changedLines(plan.changeSet.diff)).toEqual(["-    newTag: 1.1.5 # pinned by release", "+    newTag: 1.2.0 # pinned by release"]);
  });
});
