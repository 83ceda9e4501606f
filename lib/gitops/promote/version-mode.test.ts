import { describe, expect, it } from "vitest";
import type { Deployment, FileTree } from "../model";
import { planPromotion } from "./plan";
import { applyEdits, BASE, changedLines, deployment, fixtureTree, hasKubectl, render, version } from "./test-helpers";
import type { PromotionPlan } from "./types";

function changes(plan: PromotionPlan) {
  if (plan.status !== "changes") throw new Error(`expected changes, got ${plan.status}: ${JSON.stringify(plan)}`);
  return plan;
}

const IMAGE_LINE = /^\s*-?\s*image:/;
const releaseLines = (out: string, re: RegExp) => out.split("\n").filter((l) => re.test(l));
const withoutReleaseLines = (out: string, re: RegExp) => out.split("\n").filter((l) => !re.test(l));

/**
 * kubectl oracle: the promoted target renders exactly the source's release lines, and nothing else in its
 * render moved.
 */
function expectOracle(tree: FileTree, plan: PromotionPlan, source: Deployment, target: Deployment, re: RegExp = IMAGE_LINE): void {
  if (!hasKubectl) {
    console.warn("kubectl oracle skipped: /usr/bin/kubectl is missing");
    return;
  }
  const after = applyEdits(tree, changes(plan).changeSet.edits);
  const sourceRender = render(tree, source.path);
  const before = render(tree, target.path);
  const promoted = render(after, target.path);
  expect(releaseLines(promoted, re)).toEqual(releaseLines(sourceRender, re));
  expect(releaseLines(promoted, re)).not.toEqual(releaseLines(before, re));
  expect(withoutReleaseLines(promoted, re)).toEqual(withoutReleaseLines(before, re));
}

describe("version promotion: kustomize overlay images: newTag", () => {
  const tree = fixtureTree("kustomize-images");
  const image = "ghcr.io/acme/checkout";
  const source = deployment("checkout", "staging", "apps/checkout/overlays/staging", [
    version({ name: image, value: "1.3.0", file: "apps/checkout/overlays/staging/kustomization.yaml", path: ["images", 0, "newTag"], field: `images[name=${image}].newTag` }),
  ]);
  const target = deployment("checkout", "production", "apps/checkout/overlays/production", [
    version({ name: image, value: "1.2.3", file: "apps/checkout/overlays/production/kustomization.yaml", path: ["images", 0, "newTag"], field: `images[name=${image}].newTag` }),
  ]);
  const plan = planPromotion({ ...BASE, tree, source, target, mode: "version", sourceSha: "fedcba9876543210fedcba9876543210fedcba98", portalUrl: "https://ferry.acme.io/apps/checkout" });

  it("changes only the newTag line, keeping quotes and the image-policy setter", () => {
    const p = changes(plan);
    expect(changedLines(p.changeSet.diff)).toEqual([
      '-    newTag: "1.2.3" # {"$imagepolicy": "flux-system:checkout:tag"}',
      '+    newTag: "1.3.0" # {"$imagepolicy": "flux-system:checkout:tag"}',
    ]);
    expect(p.changeSet.diff).toContain("--- a/apps/checkout/overlays/production/kustomization.yaml\n+++ b/apps/checkout/overlays/production/kustomization.yaml");
    expect(p.fields).toEqual([
      { kind: "image", name: image, file: "apps/checkout/overlays/production/kustomization.yaml", field: `images[name=${image}].newTag`, from: "1.2.3", to: "1.3.0" },
    ]);
    expect(p.downgrade).toBe(false);
  });

  it("writes a change request a reviewer can follow", () => {
    const { changeSet } = changes(plan);
    expect(changeSet.title).toBe("Promote checkout to production: 1.2.3 → 1.3.0");
    expect(changeSet.branch).toBe("ferry/promote/checkout/production");
    expect(changeSet.body).toContain("from staging to production");
    expect(changeSet.body).toContain("`fedcba987654`");
    expect(changeSet.body).toContain("| `1.2.3` | `1.3.0` |");
    expect(changeSet.body).toContain("`apps/checkout/overlays/production/kustomization.yaml` (updated)");
    expect(changeSet.body).toContain("(https://ferry.acme.io/apps/checkout)");
    expect(changeSet.body).not.toContain("Downgrade");
    expect(changeSet.commitMessage.split("\n")[0]).toBe(changeSet.title);
    expect(changeSet.commitMessage).toContain("images[name=ghcr.io/acme/checkout].newTag 1.2.3 -> 1.3.0");
  });

  it("passes the kubectl oracle", () => expectOracle(tree, plan, source, target));
});

describe("version promotion: kustomize images: digest", () => {
  const tree = fixtureTree("kustomize-digest");
  const image = "ghcr.io/acme/checkout";
  const a = `sha256:${"a".repeat(64)}`;
  const b = `sha256:${"b".repeat(64)}`;
  const source = deployment("checkout", "staging", "apps/checkout/overlays/staging", [
    version({ name: image, value: null, digest: b, file: "apps/checkout/overlays/staging/kustomization.yaml", path: ["images", 0, "digest"] }),
  ]);
  const target = deployment("checkout", "production", "apps/checkout/overlays/production", [
    version({ name: image, value: null, digest: a, file: "apps/checkout/overlays/production/kustomization.yaml", path: ["images", 0, "digest"] }),
  ]);
  const plan = planPromotion({ ...BASE, tree, source, target, mode: "version" });

  it("changes only the digest line, keeping single quotes", () => {
    expect(changedLines(changes(plan).changeSet.diff)).toEqual([`-  digest: '${a}'`, `+  digest: '${b}'`]);
  });

  it("passes the kubectl oracle", () => expectOracle(tree, plan, source, target));
});

describe("version promotion: plain manifest with two containers", () => {
  const tree = fixtureTree("plain-containers");
  const c = (i: number) => ["spec", "template", "spec", "containers", i, "image"] as (string | number)[];
  const field = (n: string) => `spec.template.spec.containers[name=${n}].image`;
  const source = deployment("web", "staging", "apps/web/staging", [
    version({ name: "registry.acme.io/web/frontend", value: "2.1.0", file: "apps/web/staging/deployment.yaml", path: c(0), field: field("web") }),
    version({ name: "registry.acme.io/tools/metrics-agent", value: "0.9.1", file: "apps/web/staging/deployment.yaml", path: c(1), field: field("metrics") }),
  ]);
  const target = deployment("web", "production", "apps/web/production", [
    version({ name: "registry.acme.io/tools/metrics-agent", value: "0.9.1", file: "apps/web/production/deployment.yaml", path: c(0), field: field("metrics") }),
    version({ name: "registry.acme.io/web/frontend", value: "2.0.4", file: "apps/web/production/deployment.yaml", path: c(1), field: field("web") }),
  ]);

  it("changes only the matching container (by name, not index), keeping quotes and the setter", () => {
    const p = changes(planPromotion({ ...BASE, tree, source, target, mode: "version" }));
    expect(changedLines(p.changeSet.diff)).toEqual([
      `-          image: 'registry.acme.io/web/frontend:2.0.4' # {"$imagepolicy": "flux-system:web"}`,
      `+          image: 'registry.acme.io/web/frontend:2.1.0' # {"$imagepolicy": "flux-system:web"}`,
    ]);
    expect(p.fields.map((f) => f.field)).toEqual([field("web")]);
  });

  it("keeps the target's registry when only the release moves", () => {
    const mirrored = new Map(tree);
    mirrored.set("apps/web/staging/deployment.yaml", (tree.get("apps/web/staging/deployment.yaml") ?? "").replace("registry.acme.io/web/frontend:2.1.0", "registry.acme.io/web/frontend:2.1.0@sha256:" + "c".repeat(64)));
    const withDigest = { ...source, versions: source.versions.map((v) => (v.name.endsWith("frontend") ? { ...v, digest: `sha256:${"c".repeat(64)}` } : v)) };
    const p = changes(planPromotion({ ...BASE, tree: mirrored, source: withDigest, target, mode: "version" }));
    expect(changedLines(p.changeSet.diff)[1]).toBe(`+          image: 'registry.acme.io/web/frontend:2.1.0@sha256:${"c".repeat(64)}' # {"$imagepolicy": "flux-system:web"}`);
  });
});

describe("version promotion: image-only patch file (version.yml)", () => {
  const tree = fixtureTree("image-patch");
  const img = "docker.io/kostiscodefresh/simple-env-app";
  const p = ["spec", "template", "spec", "containers", 0, "image"];
  const field = "spec.template.spec.containers[name=webserver-simple].image";
  const source = deployment("billing", "staging", "apps/billing/envs/staging", [version({ name: img, value: "3.0", file: "apps/billing/envs/staging/version.yml", path: p, field })]);
  const target = deployment("billing", "prod-eu", "apps/billing/envs/prod-eu", [version({ name: img, value: "2.0", file: "apps/billing/envs/prod-eu/version.yml", path: p, field })]);
  const plan = planPromotion({ ...BASE, tree, source, target, mode: "version" });

  it("changes only the image line of the patch", () => {
    expect(changedLines(changes(plan).changeSet.diff)).toEqual([`-        image: ${img}:2.0`, `+        image: ${img}:3.0`]);
    expect(changes(plan).changeSet.title).toBe("Promote billing to prod-eu: 2.0 → 3.0");
  });

  it("passes the kubectl oracle", () => expectOracle(tree, plan, source, target));
});

describe("version promotion: HelmRelease chart version in an overlay patch (CRLF)", () => {
  const tree = fixtureTree("helmrelease");
  const p = ["spec", "chart", "spec", "version"];
  const mk = (env: string, value: string) =>
    deployment("podinfo", env, `apps/podinfo/${env}`, [version({ kind: "chart", name: "podinfo", value, file: `apps/podinfo/${env}/release-patch.yaml`, path: p, field: "spec.chart.spec.version" })]);
  const source = mk("staging", "6.5.4");
  const target = mk("production", "6.4.0");
  const plan = planPromotion({ ...BASE, tree, source, target, mode: "version" });

  it("changes only the version line, keeping CRLF, quotes and the comment", () => {
    expect(changedLines(changes(plan).changeSet.diff)).toEqual(['-      version: "6.4.0" # pinned after incident 42\r', '+      version: "6.5.4" # pinned after incident 42\r']);
  });

  it("passes the kubectl oracle (chart version lines)", () => expectOracle(tree, plan, source, target, /^\s*version:/));

  it("does not edit a chart version that lives in the shared base: nothing promotable", () => {
    const baseTarget = deployment("podinfo", "production", "apps/podinfo/production", [
      version({ kind: "chart", name: "podinfo", value: "6.0.0", file: "apps/podinfo/base/release.yaml", path: p, field: "spec.chart.spec.version" }),
    ]);
    const res = planPromotion({ ...BASE, tree, source, target: baseTarget, mode: "version" });
    expect(res.status).toBe("refused");
    if (res.status === "refused") expect(res.reason).toMatch(/apps\/podinfo\/base\/release\.yaml.*both environments/);
  });
});

describe("version promotion: Argo CD Application targetRevision", () => {
  const tree = fixtureTree("argocd");
  it("changes the chart source's targetRevision only, not the git source's", () => {
    const source = deployment("podinfo", "staging", "argocd/podinfo-staging.yaml", [
      version({ kind: "chart", name: "podinfo", value: "6.5.4", file: "argocd/podinfo-staging.yaml", path: ["spec", "source", "targetRevision"] }),
    ]);
    const target = deployment("podinfo", "production", "argocd/podinfo-production.yaml", [
      version({ kind: "git", name: "https://github.com/acme/podinfo-config", value: "main", floating: true, file: "argocd/podinfo-production.yaml", path: ["spec", "sources", 0, "targetRevision"] }),
      version({ kind: "chart", name: "podinfo", value: "6.3.0", file: "argocd/podinfo-production.yaml", path: ["spec", "sources", 1, "targetRevision"] }),
    ]);
    const p = changes(planPromotion({ ...BASE, tree, source, target, mode: "version" }));
    expect(changedLines(p.changeSet.diff)).toEqual(["-      targetRevision: 6.3.0", "+      targetRevision: 6.5.4"]);
  });
});

describe("version promotion: Helm values image.tag", () => {
  const tree = fixtureTree("helm-values");
  it("changes the tag, keeping the BOM, the comment and its spacing", () => {
    const mk = (env: string, value: string) =>
      deployment("shop", env, `apps/shop/${env}`, [version({ name: "ghcr.io/acme/shop", value, file: `apps/shop/${env}/values.yaml`, path: ["image", "tag"], field: "image.tag" })]);
    const p = changes(planPromotion({ ...BASE, tree, source: mk("staging", "3.2.0"), target: mk("production", "3.1.9"), mode: "version" }));
    expect(changedLines(p.changeSet.diff)).toEqual(["-  tag: 3.1.9  # bumped by CI", "+  tag: 3.2.0  # bumped by CI"]);
    expect(p.changeSet.edits[0]?.content?.startsWith("\uFEFF# shop values for production")).toBe(true);
  });
});

describe("version promotion: field in a shared base", () => {
  const tree = fixtureTree("shared-base");
  const image = "ghcr.io/acme/checkout";
  const source = deployment("checkout", "staging", "apps/checkout/overlays/staging", [
    version({ name: image, value: "1.3.0", file: "apps/checkout/overlays/staging/kustomization.yaml", path: ["images", 0, "newTag"], field: `images[name=${image}].newTag` }),
  ]);
  const target = deployment("checkout", "production", "apps/checkout/overlays/production", [
    version({ name: image, value: "1.0.0", file: "apps/checkout/base/deployment.yaml", path: ["spec", "template", "spec", "containers", 0, "image"], field: "spec.template.spec.containers[name=checkout].image" }),
  ]);
  const plan = planPromotion({ ...BASE, tree, source, target, mode: "version" });

  it("never edits the base; adds an images: override to the target overlay instead", () => {
    const p = changes(plan);
    expect(p.changeSet.edits.map((e) => e.path)).toEqual(["apps/checkout/overlays/production/kustomization.yaml"]);
    expect(changedLines(p.changeSet.diff)).toEqual(["+images:", `+  - name: ${image}`, "+    newTag: 1.3.0"]);
    expect(p.fields[0]).toMatchObject({ file: "apps/checkout/overlays/production/kustomization.yaml", field: `images[name=${image}].newTag`, from: "1.0.0", to: "1.3.0" });
  });

  it("passes the kubectl oracle", () => expectOracle(tree, plan, source, target));
});

describe("version promotion: a source image the target lacks", () => {
  it("does not add an images: entry for an image nothing in the target's build runs: it would change nothing", () => {
    const tree = fixtureTree("kustomize-images");
    const image = "ghcr.io/acme/checkout";
    const source = deployment("checkout", "staging", "apps/checkout/overlays/staging", [
      version({ name: image, value: "1.2.3", file: "apps/checkout/overlays/staging/kustomization.yaml", path: ["images", 0, "newTag"] }),
      version({ name: "ghcr.io/acme/envoy", value: "1.30.1", file: "apps/checkout/overlays/staging/sidecar.yaml", path: ["spec", "template", "spec", "containers", 0, "image"] }),
    ]);
    const target = deployment("checkout", "production", "apps/checkout/overlays/production", [
      version({ name: image, value: "1.2.3", file: "apps/checkout/overlays/production/kustomization.yaml", path: ["images", 0, "newTag"] }),
    ]);
    const p = planPromotion({ ...BASE, tree, source, target, mode: "version" });
    expect(p).toMatchObject({ status: "refused", reason: expect.stringContaining("ghcr.io/acme/envoy:1.30.1 (spec.template.spec.containers.0.image) has no counterpart in production: nothing apps/checkout/overlays/production builds runs ghcr.io/acme/envoy") });
    if (!hasKubectl) return;
    // The entry the planner used to add: production renders exactly as without it.
    const kustomization = "apps/checkout/overlays/production/kustomization.yaml";
    const withEntry = new Map(tree).set(kustomization, `${tree.get(kustomization) ?? ""}  - name: ghcr.io/acme/envoy\n    newTag: "1.30.1"\n`);
    expect(render(withEntry, target.path)).toEqual(render(tree, target.path));
  });

  it("reports it as not promoted when the target has no natural place", () => {
    const tree = fixtureTree("argocd");
    const source = deployment("podinfo", "staging", "argocd/podinfo-staging.yaml", [
      version({ kind: "chart", name: "podinfo", value: "6.5.4", file: "argocd/podinfo-staging.yaml", path: ["spec", "source", "targetRevision"] }),
      version({ name: "ghcr.io/acme/extra", value: "1.0.0", file: "argocd/podinfo-staging.yaml", path: ["spec", "source", "helm", "valuesObject", "image", "tag"] }),
    ]);
    const target = deployment("podinfo", "production", "argocd/podinfo-production.yaml", [
      version({ kind: "chart", name: "podinfo", value: "6.3.0", file: "argocd/podinfo-production.yaml", path: ["spec", "sources", 1, "targetRevision"] }),
    ]);
    const p = changes(planPromotion({ ...BASE, tree, source, target, mode: "version" }));
    expect(p.skipped).toHaveLength(1);
    expect(p.skipped[0]?.reason).toMatch(/ghcr\.io\/acme\/extra:1\.0\.0 .*no counterpart in production/);
    expect(p.changeSet.body).toContain("ghcr.io/acme/extra");
  });
});

describe("version promotion: a value rendered from ApplicationSet generator parameters", () => {
  const tree = fixtureTree("argocd");
  it("is never written into the shared template; the plan says where the value really lives", () => {
    const rendered = (env: string, value: string) =>
      deployment("podinfo", env, `argocd/podinfo-${env}.yaml`, [
        version({
          kind: "chart",
          name: "podinfo",
          value,
          file: "argocd/podinfo-production.yaml",
          path: ["spec", "sources", 1, "targetRevision"],
          field: "template.spec.source.targetRevision (rendered from ApplicationSet generator parameters)",
        }),
      ]);
    const plan = planPromotion({ ...BASE, tree, source: rendered("staging", "6.5.4"), target: rendered("production", "6.3.0"), mode: "version" });
    expect(plan.status).toBe("refused");
    if (plan.status === "refused") expect(plan.reason).toMatch(/production's value comes from the ApplicationSet's generator parameters/);
  });
});
