import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { FileTree } from "../../model";
import { readRepository } from "..";
import { deployedContainerSlots, isImagePattern } from "./tracked-fields";

const kyvernoPolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: disallow-latest-tag
spec:
  rules:
  - name: require-image-tag
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      pattern:
        spec:
          containers:
          - image: "*:*"
  - name: validate-image-tag
    validate:
      pattern:
        spec:
          containers:
          - image: "!*:latest"
`;

const rollout = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: shop
spec:
  template:
    spec:
      containers:
      - name: shop
        image: ghcr.io/org/shop:2.3.0
`;

const images = (doc: string) => deployedContainerSlots(parse(doc) as Record<string, unknown>).map((s) => s.container.image);

describe("containers that deploy an image", () => {
  it("a policy engine's resources deploy nothing", () => {
    expect(images(kyvernoPolicy)).toEqual([]);
    const constraint = "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sAllowedRepos\nmetadata: {name: repos}\nspec:\n  parameters:\n    containers:\n    - name: x\n      image: ghcr.io/org/allowed:1.0.0\n";
    expect(images(constraint)).toEqual([]);
  });

  it("containers under a policy's match/validate keys are patterns, whatever the engine", () => {
    const other = "apiVersion: policy.example.com/v1\nkind: Rule\nmetadata: {name: r}\nspec:\n  deny:\n    spec:\n      containers:\n      - image: ghcr.io/org/banned:1.0.0\n  preconditions:\n    containers:\n    - image: ghcr.io/org/other:2.0.0\n";
    expect(images(other)).toEqual([]);
  });

  it("image strings that are globs, negations or alternations are not images", () => {
    for (const p of ["*:*", "!*:latest", "ghcr.io/*", "nginx:1.2?", "a | b", "?(nginx)"]) expect(isImagePattern(p), p).toBe(true);
    for (const p of ["nginx:1.25", "ghcr.io/org/app@sha256:abc", "$(IMAGE)", "{{ .Values.image | default \"x\" }}", "registry:5000/app:v1"]) expect(isImagePattern(p), p).toBe(false);
  });

  it("custom resources with pod templates still deploy their images", () => {
    expect(images(rollout)).toEqual(["ghcr.io/org/shop:2.3.0"]);
    const deployment = rollout.replace("argoproj.io/v1alpha1", "apps/v1").replace("Rollout", "Deployment").replace("2.3.0", "*");
    expect(images(deployment)).toEqual([]);
  });

  it("a policy folder next to an app is no deployment; the app still is", () => {
    const tree: FileTree = new Map([
      ["policies/base/kustomization.yaml", "resources:\n- require-tag.yaml\n"],
      ["policies/base/require-tag.yaml", kyvernoPolicy],
      ["policies/staging/kustomization.yaml", "resources:\n- ../base\n"],
      ["policies/production/kustomization.yaml", "resources:\n- ../base\n"],
      ["shop/base/kustomization.yaml", "resources:\n- rollout.yaml\n"],
      ["shop/base/rollout.yaml", rollout],
      ["shop/staging/kustomization.yaml", "resources:\n- ../base\nimages:\n- name: ghcr.io/org/shop\n  newTag: 2.4.0\n"],
      ["shop/production/kustomization.yaml", "resources:\n- ../base\n"],
    ]);
    const model = readRepository(tree);
    const cells = model.deployments.map((d) => `${d.app}@${d.env}=${d.versions.map((v) => v.value).join(",")}`);
    expect(cells).toEqual(expect.arrayContaining(["shop@staging=2.4.0", "shop@production=2.3.0"]));
    expect(model.deployments.filter((d) => d.versions.some((v) => v.value === "*" || v.value === "latest"))).toEqual([]);
  });
});
