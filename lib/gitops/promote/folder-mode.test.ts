import { describe, expect, it } from "vitest";
import { planPromotion } from "./plan";
import { applyEdits, BASE, changedLines, deployment, fixtureTree, hasKubectl, render, version } from "./test-helpers";
import type { PromotionPlan } from "./types";

const tree = fixtureTree("folder");
const S = "apps/shop/envs/staging";
const P = "apps/shop/envs/production";
const filesUnder = (dir: string) => [...tree.keys()].filter((k) => k.startsWith(`${dir}/`)).sort();
const images = (env: string, tag: string) =>
  version({ name: "ghcr.io/acme/shop", value: tag, file: `apps/shop/envs/${env}/kustomization.yaml`, path: ["images", 0, "newTag"], field: "images[name=ghcr.io/acme/shop].newTag" });
const source = deployment("shop", "staging", S, [images("staging", "2.0.0")], filesUnder(S));
const target = deployment("shop", "production", P, [images("production", "1.9.0")], filesUnder(P));
const plan = planPromotion({ ...BASE, tree, source, target, mode: "folder", neverPromote: ["**/local-*.yaml"] });

function changes(p: PromotionPlan) {
  if (p.status !== "changes") throw new Error(`expected changes, got ${JSON.stringify(p)}`);
  return p;
}
const edit = (path: string) => changes(plan).changeSet.edits.find((e) => e.path === path);
const diffOf = (path: string) => {
  const all = changes(plan).changeSet.diff;
  const start = all.indexOf(`diff --git a/${path} `);
  const next = all.indexOf("diff --git ", start + 1);
  return changedLines(all.slice(start, next < 0 ? undefined : next));
};

describe("folder promotion", () => {
  it("skips secrets, SOPS files, env-config and neverPromote globs, each with a reason", () => {
    const skipped = Object.fromEntries(changes(plan).skipped.map((s) => [s.path, s.reason]));
    expect(skipped).toEqual({
      [`${S}/secret.yaml`]: "secret (kind: Secret)",
      [`${S}/db-credentials.yaml`]: "SOPS-encrypted",
      [`${S}/env-config.yaml`]: "env-config: per-environment configuration",
      [`${S}/local-debug.yaml`]: "matches neverPromote glob **/local-*.yaml",
      [`${P}/pdb.yaml`]: "only in production; left as is (folder promotion never deletes)",
    });
    const touched = changes(plan).changeSet.edits.map((e) => e.path);
    expect(touched).toEqual([`${P}/deployment-patch.yaml`, `${P}/hpa.yaml`, `${P}/ingress.yaml`, `${P}/kustomization.yaml`]);
  });

  it("keeps the target kustomization's namespace and components, promotes the tag, adds new resources but not skipped ones", () => {
    expect(diffOf(`${P}/kustomization.yaml`)).toEqual([
      "+  - hpa.yaml",
      '-    newTag: 1.9.0 # {"$imagepolicy": "flux-system:shop:tag"}',
      '+    newTag: 2.0.0 # {"$imagepolicy": "flux-system:shop:tag"}',
    ]);
    expect(changes(plan).fields).toEqual([
      { kind: "image", name: "ghcr.io/acme/shop", file: `${P}/kustomization.yaml`, field: "images[name=ghcr.io/acme/shop].newTag", from: "1.9.0", to: "2.0.0" },
    ]);
  });

  it("keeps replicas, env vars and resources of the target, carries the new annotation", () => {
    expect(diffOf(`${P}/deployment-patch.yaml`)).toEqual(["+    metadata:", "+      annotations:", '+        prometheus.io/scrape: "true"']);
    expect(edit(`${P}/deployment-patch.yaml`)?.content).toContain("replicas: 5");
  });

  it("keeps the ingress host, carries the path", () => {
    expect(diffOf(`${P}/ingress.yaml`)).toEqual(["-          - path: /", "+          - path: /api"]);
  });

  it("creates a file only in the source and asks to check its env-specific values", () => {
    const created = edit(`${P}/hpa.yaml`);
    expect(created).toMatchObject({ action: "create", previous: null, content: tree.get(`${S}/hpa.yaml`) });
    expect(changes(plan).changeSet.diff).toContain(`diff --git a/${P}/hpa.yaml b/${P}/hpa.yaml\nnew file mode 100644\n--- /dev/null\n+++ b/${P}/hpa.yaml`);
    expect(changes(plan).notes).toContain(`${P}/hpa.yaml: created from staging; check its env-specific values: metadata.namespace (namespace)`);
  });

  it("lists what it kept and skipped in the PR body", () => {
    const body = changes(plan).changeSet.body;
    expect(body).toContain(`\`${S}/secret.yaml\`: secret (kind: Secret)`);
    expect(body).toContain("spec.replicas (replicas)");
    expect(body).toContain("spec.rules[0].host (ingress hostnames are per environment)");
    expect(body).toContain("folder (copy promotable files)");
  });

  it("produces a target that still builds with kubectl, with the target's replicas, namespace and host", () => {
    if (!hasKubectl) {
      console.warn("kubectl check skipped: /usr/bin/kubectl is missing");
      return;
    }
    const out = render(applyEdits(tree, changes(plan).changeSet.edits), P);
    expect(out).toContain("replicas: 5");
    expect(out).toContain("namespace: shop-prod");
    expect(out).not.toContain("shop-staging");
    expect(out).toContain("host: shop.acme.io");
    expect(out).toContain("image: ghcr.io/acme/shop:2.0.0");
    expect(out).toContain("kind: HorizontalPodAutoscaler");
    expect(out).toContain("password: prod-password");
  });

  it("refuses folder mode when an environment is a single file", () => {
    const argo = planPromotion({ ...BASE, tree, source: { ...source, path: `${S}/kustomization.yaml` }, target, mode: "folder" });
    expect(argo.status).toBe("refused");
  });
});
