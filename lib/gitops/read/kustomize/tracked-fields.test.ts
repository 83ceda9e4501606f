import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { FileTree } from "../../model";
import { planPromotion } from "../../promote/plan";
import { applyEdits } from "../../promote/test-helpers";
import { readRepository } from "..";
import { customResourceImageSlot, deployedContainerSlots, isImagePattern } from "./tracked-fields";

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

const prometheus = `apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata:
  name: main
spec:
  image: quay.io/prometheus/prometheus:v2.50.0
  version: v2.50.0
  containers:
  - name: prometheus
    args: ["--web.enable-lifecycle"]
`;

describe("an operator custom resource's spec.image", () => {
  const crImage = (doc: string) => customResourceImageSlot(parse(doc) as Record<string, unknown>)?.value;

  it("is the image of a custom resource, as written", () => {
    expect(crImage(prometheus)).toBe("quay.io/prometheus/prometheus:v2.50.0");
    expect(crImage("apiVersion: elasticsearch.k8s.elastic.co/v1\nkind: Elasticsearch\nspec:\n  version: 8.12.0\n  image: docker.elastic.co/elasticsearch/elasticsearch:8.12.0\n")).toBe("docker.elastic.co/elasticsearch/elasticsearch:8.12.0");
    expect(crImage("apiVersion: monitoring.grafana.com/v1alpha1\nkind: GrafanaAgent\nspec:\n  image: grafana/agent@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n")).toContain("@sha256:");
  });

  it("is nothing for Kubernetes' own kinds, image scanners, policies, bare words and spec.version alone", () => {
    expect(crImage("apiVersion: v1\nkind: Pod\nspec:\n  image: nginx:1.25\n")).toBeUndefined();
    expect(crImage("apiVersion: node.k8s.io/v1\nkind: Thing\nspec:\n  image: nginx:1.25\n")).toBeUndefined();
    expect(crImage("apiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImageRepository\nspec:\n  image: ghcr.io/org/app\n")).toBeUndefined();
    expect(crImage("apiVersion: kyverno.io/v1\nkind: Policy\nspec:\n  image: ghcr.io/org/app:1.0\n")).toBeUndefined();
    expect(crImage("apiVersion: vm.example.com/v1\nkind: Machine\nspec:\n  image: ubuntu-2204\n")).toBeUndefined();
    expect(crImage("apiVersion: vm.example.com/v1\nkind: Machine\nspec:\n  image: Not An Image:1\n")).toBeUndefined();
    expect(crImage(prometheus.replace(/^ {2}image: .*\n/m, ""))).toBeUndefined();
    expect(crImage("apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nspec:\n  image:\n    repository: quay.io/prometheus/prometheus\n")).toBeUndefined();
  });

  const tree: FileTree = new Map([
      ["monitoring/base/kustomization.yaml", "resources:\n- prometheus.yaml\n"],
      ["monitoring/base/prometheus.yaml", prometheus],
      ["monitoring/overlays/staging/kustomization.yaml", "resources:\n- ../../base\n"],
      ["monitoring/overlays/production/kustomization.yaml", "resources:\n- ../../base\npatches:\n- path: image.yaml\n"],
      ["monitoring/overlays/production/image.yaml", "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata:\n  name: main\nspec:\n  image: quay.io/prometheus/prometheus:v2.49.1\n"],
  ]);
  const cellOf = (t: FileTree, env: string) => readRepository(t).deployments.find((d) => d.app === "monitoring" && d.env === env)!;

  it("is followed through a kustomize build: inherited from the base, overridden by an overlay's patch", () => {
    const cell = (env: string) => cellOf(tree, env).versions;
    expect(cell("staging")).toEqual([expect.objectContaining({ name: "quay.io/prometheus/prometheus", value: "v2.50.0", file: "monitoring/base/prometheus.yaml", path: ["spec", "image"] })]);
    expect(cell("production")).toEqual([expect.objectContaining({ value: "v2.49.1", file: "monitoring/overlays/production/image.yaml", path: ["spec", "image"] })]);
  });

  it("is promoted in the overlay's own patch, and not through an images: override kustomize would not apply to it", () => {
    const plan = (from: string, to: string) => planPromotion({ tree, source: cellOf(tree, from), target: cellOf(tree, to), mode: "version", baseSha: "abc", repository: "r" });
    const up = plan("staging", "production");
    if (up.status !== "changes") throw new Error(JSON.stringify(up));
    expect(up.changeSet.edits.map((e) => e.path)).toEqual(["monitoring/overlays/production/image.yaml"]);
    expect(applyEdits(tree, up.changeSet.edits).get("monitoring/overlays/production/image.yaml")).toContain("image: quay.io/prometheus/prometheus:v2.50.0\n");
    const down = plan("production", "staging");
    expect(JSON.stringify(down)).toContain("does not rewrite a custom resource's spec.image");
    expect(JSON.stringify(down)).not.toContain("newTag");
  });
});
