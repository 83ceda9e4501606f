import { describe, expect, it } from "vitest";
import { readRepository } from "../read";
import type { Deployment } from "../model";
import { planPromotion } from "./plan";
import { applyEdits, BASE, changedLines, deployment, fixtureTree, hasKubectl, render, version } from "./test-helpers";
import type { PromotionPlan } from "./types";

// Issue #14 defect 4: a production image pinned by digest was replaced by a tag, and the
// "pinned by digest" comment stayed, now false.
const A = `sha256:${"a".repeat(64)}`;
const B = `sha256:${"b".repeat(64)}`;
const C = `sha256:${"c".repeat(64)}`;

function changes(plan: PromotionPlan) {
  if (plan.status !== "changes") throw new Error(`expected changes, got ${plan.status}: ${JSON.stringify(plan)}`);
  return plan;
}

function cells(tree: Map<string, string>, app: string, from: string, to: string): { source: Deployment; target: Deployment } {
  const model = readRepository(tree);
  const find = (env: string) => {
    const d = model.deployments.find((x) => x.app === app && x.env === env);
    if (!d) throw new Error(`reader found no ${app}/${env}`);
    return d;
  };
  return { source: find(from), target: find(to) };
}

const imageLines = (out: string) => out.split("\n").filter((l) => /^\s*-?\s*image:/.test(l));

describe("digest-pinned kustomize images: entry (tag and digest)", () => {
  const tree = fixtureTree("digest-pins");
  const S = "apps/checkout/overlays/staging/kustomization.yaml";
  const P = "apps/checkout/overlays/production/kustomization.yaml";

  it("the reader sees production pinned by digest", () => {
    const { target } = cells(tree, "checkout", "staging", "production");
    expect(target.versions[0]).toMatchObject({ value: "1.2", digest: A });
  });

  it("promotes the source's tag and digest together, keeping the (still true) comments", () => {
    const { source, target } = cells(tree, "checkout", "staging", "production");
    const plan = changes(planPromotion({ ...BASE, tree, source, target, mode: "version" }));
    expect(changedLines(plan.changeSet.diff)).toEqual([
      '-    newTag: "1.2" # {"$imagepolicy": "flux-system:checkout:tag"}',
      `-    digest: sha256:${"a".repeat(64)} # pinned by digest`,
      '+    newTag: "1.3" # {"$imagepolicy": "flux-system:checkout:tag"}',
      `+    digest: sha256:${"b".repeat(64)} # pinned by digest`,
    ]);
    if (hasKubectl) expect(imageLines(render(applyEdits(tree, plan.changeSet.edits), "apps/checkout/overlays/production"))).toEqual([`      - image: ghcr.io/acme/checkout:1.3@${B}`]);
  });

  const unpinned = new Map(tree);
  unpinned.set(S, (tree.get(S) ?? "").replace(/\n\s+digest: .*\n/, "\n"));

  it("refuses when the source has no digest, saying why and how to go on", () => {
    const { source, target } = cells(unpinned, "checkout", "staging", "production");
    expect(source.versions[0]?.digest).toBeUndefined();
    const plan = planPromotion({ ...BASE, tree: unpinned, source, target, mode: "version" });
    expect(plan).toEqual({
      status: "refused",
      reason: "production pins ghcr.io/acme/checkout by digest; staging runs 1.3 without one — pin staging by digest first, or choose to replace the pin",
      override: "allowReplaceDigestPin",
    });
  });

  it("replaces the pin only when chosen, and removes the comments that became false", () => {
    const { source, target } = cells(unpinned, "checkout", "staging", "production");
    const plan = changes(planPromotion({ ...BASE, tree: unpinned, source, target, mode: "version", allowReplaceDigestPin: true }));
    expect(changedLines(plan.changeSet.diff)).toEqual([
      "-  # production is pinned by digest (change freeze)",
      '-    newTag: "1.2" # {"$imagepolicy": "flux-system:checkout:tag"}',
      `-    digest: sha256:${"a".repeat(64)} # pinned by digest`,
      '+    newTag: "1.3" # {"$imagepolicy": "flux-system:checkout:tag"}',
    ]);
    expect(plan.notes).toContain(`${P}: removed the comment "# production is pinned by digest (change freeze)", no longer true once the digest pin is replaced`);
    expect(plan.notes.some((n) => n.includes(`was pinned by digest (${A}); it now runs 1.3 by tag`))).toBe(true);
    expect(plan.changeSet.body).toContain("allowReplaceDigestPin");
    if (hasKubectl) expect(imageLines(render(applyEdits(unpinned, plan.changeSet.edits), "apps/checkout/overlays/production"))).toEqual(["      - image: ghcr.io/acme/checkout:1.3"]);
  });

  it("folder mode: refuses too, and when chosen leaves no old digest under the new tag", () => {
    const { source, target } = cells(unpinned, "checkout", "staging", "production");
    const input = { ...BASE, tree: unpinned, source, target, mode: "folder" as const };
    expect(planPromotion(input)).toMatchObject({ status: "refused", override: "allowReplaceDigestPin", reason: expect.stringContaining("production pins ghcr.io/acme/checkout by digest") });
    const plan = changes(planPromotion({ ...input, allowReplaceDigestPin: true }));
    const after = plan.changeSet.edits.find((e) => e.path === P)?.content ?? "";
    expect(after).not.toContain("sha256:");
    expect(after).not.toContain("pinned by digest");
    expect(after).toContain('{"$imagepolicy": "flux-system:checkout:tag"}');
    if (hasKubectl) expect(imageLines(render(applyEdits(unpinned, plan.changeSet.edits), "apps/checkout/overlays/production"))).toEqual(["      - image: ghcr.io/acme/checkout:1.3"]);
  });

  it("folder mode: a source with a digest keeps the target pinned", () => {
    const { source, target } = cells(tree, "checkout", "staging", "production");
    const plan = changes(planPromotion({ ...BASE, tree, source, target, mode: "folder" }));
    if (hasKubectl) expect(imageLines(render(applyEdits(tree, plan.changeSet.edits), "apps/checkout/overlays/production"))).toEqual([`      - image: ghcr.io/acme/checkout:1.3@${B}`]);
  });
});

describe("digest-pinned container image:", () => {
  const tree = new Map(fixtureTree("plain-containers"));
  const P = "apps/web/production/deployment.yaml";
  const S = "apps/web/staging/deployment.yaml";
  tree.set(
    P,
    (tree.get(P) ?? "").replace(
      `          image: 'registry.acme.io/web/frontend:2.0.4' # {"$imagepolicy": "flux-system:web"}`,
      `          # pinned by digest ${"a".repeat(12)}\n          image: 'registry.acme.io/web/frontend:2.0.4@${A}'`,
    ),
  );
  const c = (i: number) => ["spec", "template", "spec", "containers", i, "image"] as (string | number)[];
  const target = deployment("web", "production", "apps/web/production", [
    version({ name: "registry.acme.io/web/frontend", value: "2.0.4", digest: A, file: P, path: c(1), field: "spec.template.spec.containers[name=web].image" }),
  ]);
  const source = (digest: string | undefined) =>
    deployment("web", "staging", "apps/web/staging", [
      version({ name: "registry.acme.io/web/frontend", value: "2.1.0", ...(digest ? { digest } : {}), file: S, path: c(0), field: "spec.template.spec.containers[name=web].image" }),
    ]);

  it("promotes tag and digest together, and a digest quoted in the comment follows it", () => {
    const plan = changes(planPromotion({ ...BASE, tree, source: source(C), target, mode: "version" }));
    expect(changedLines(plan.changeSet.diff)).toEqual([
      `-          # pinned by digest ${"a".repeat(12)}`,
      `-          image: 'registry.acme.io/web/frontend:2.0.4@${A}'`,
      `+          # pinned by digest ${"c".repeat(12)}`,
      `+          image: 'registry.acme.io/web/frontend:2.1.0@${C}'`,
    ]);
  });

  it("refuses a tag-only source; replaces the pin and drops the comment when chosen", () => {
    expect(planPromotion({ ...BASE, tree, source: source(undefined), target, mode: "version" })).toMatchObject({
      status: "refused",
      reason: "production pins registry.acme.io/web/frontend by digest; staging runs 2.1.0 without one — pin staging by digest first, or choose to replace the pin",
    });
    const plan = changes(planPromotion({ ...BASE, tree, source: source(undefined), target, mode: "version", allowReplaceDigestPin: true }));
    expect(changedLines(plan.changeSet.diff)).toEqual([
      `-          # pinned by digest ${"a".repeat(12)}`,
      `-          image: 'registry.acme.io/web/frontend:2.0.4@${A}'`,
      `+          image: 'registry.acme.io/web/frontend:2.1.0'`,
    ]);
  });
});

describe("digest-pinned Helm values tag", () => {
  const base = fixtureTree("helm-values");
  const P = "apps/shop/production/values.yaml";
  const S = "apps/shop/staging/values.yaml";
  const tree = new Map(base);
  tree.set(P, (base.get(P) ?? "").replace("  tag: 3.1.9  # bumped by CI", `  tag: 3.1.9@${A}  # pinned by digest`));
  const mk = (env: string, file: string, value: string, digest?: string) =>
    deployment("shop", env, `apps/shop/${env}`, [version({ name: "ghcr.io/acme/shop", value, ...(digest ? { digest } : {}), file, path: ["image", "tag"], field: "image.tag" })]);
  const target = mk("production", P, "3.1.9", A);

  it("writes tag@digest when the source has both, keeping the comment", () => {
    const src = new Map(tree);
    src.set(S, (tree.get(S) ?? "").replace('tag: "3.2.0"', `tag: "3.2.0@${B}"`));
    const plan = changes(planPromotion({ ...BASE, tree: src, source: mk("staging", S, "3.2.0", B), target, mode: "version" }));
    expect(changedLines(plan.changeSet.diff)).toEqual([`-  tag: 3.1.9@${A}  # pinned by digest`, `+  tag: 3.2.0@${B}  # pinned by digest`]);
  });

  it("refuses a tag-only source; when chosen writes the tag and removes the false comment", () => {
    const input = { ...BASE, tree, source: mk("staging", S, "3.2.0"), target, mode: "version" as const };
    expect(planPromotion(input)).toMatchObject({ status: "refused", reason: expect.stringContaining("production pins ghcr.io/acme/shop by digest; staging runs 3.2.0 without one") });
    const plan = changes(planPromotion({ ...input, allowReplaceDigestPin: true }));
    expect(changedLines(plan.changeSet.diff)).toEqual([`-  tag: 3.1.9@${A}  # pinned by digest`, "+  tag: 3.2.0"]);
  });

  it("moves a separate digest: key with the tag", () => {
    const sep = new Map(base);
    sep.set(P, (base.get(P) ?? "").replace("  tag: 3.1.9  # bumped by CI", `  tag: 3.1.9  # bumped by CI\n  digest: ${A} # pinned by digest`));
    const plan = changes(planPromotion({ ...BASE, tree: sep, source: mk("staging", S, "3.2.0", B), target: mk("production", P, "3.1.9", A), mode: "version" }));
    expect(changedLines(plan.changeSet.diff)).toEqual(["-  tag: 3.1.9  # bumped by CI", `-  digest: ${A} # pinned by digest`, "+  tag: 3.2.0  # bumped by CI", `+  digest: ${B} # pinned by digest`]);
  });
});
