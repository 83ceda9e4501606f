import { describe, expect, it } from "vitest";
import { readRepository } from "../read";
import { planPromotion } from "./plan";
import { instanceReason, maskEnv, namesEnv } from "./instance-metadata";
import { applyEdits, BASE, changedLines, fixtureTree, hasKubectl, render } from "./test-helpers";
import type { PromotionPlan } from "./types";

// Issue #14 defect 4: folder mode copied the dev instance label into staging.
const tree = fixtureTree("folder-identity");
const S = "apps/shop/envs/staging";

function changes(plan: PromotionPlan) {
  if (plan.status !== "changes") throw new Error(`expected changes, got ${plan.status}: ${JSON.stringify(plan)}`);
  return plan;
}

const model = readRepository(tree);
const cell = (env: string) => {
  const d = model.deployments.find((x) => x.app === "shop" && x.env === env);
  if (!d) throw new Error(`reader found no shop/${env}: ${JSON.stringify(model.deployments.map((x) => `${x.app}/${x.env}`))}`);
  return d;
};
const plan = changes(planPromotion({ ...BASE, tree, source: cell("dev"), target: cell("staging"), mode: "folder" }));
const diffOf = (path: string) => {
  const all = plan.changeSet.diff;
  const start = all.indexOf(`diff --git a/${path} `);
  if (start < 0) return [];
  const next = all.indexOf("diff --git ", start + 1);
  return changedLines(all.slice(start, next < 0 ? undefined : next));
};

describe("folder promotion keeps the target's instance-identifying metadata", () => {
  it("kustomization: keeps namespace, suffix and instance/env labels; does not add the source's namePrefix; promotes the tag", () => {
    expect(diffOf(`${S}/kustomization.yaml`)).toEqual([
      '-    newTag: 1.9.0 # {"$imagepolicy": "flux-system:shop:tag"}',
      '+    newTag: 2.0.0 # {"$imagepolicy": "flux-system:shop:tag"}',
    ]);
  });

  it("patch: keeps instance and env labels and the service account named after the env; carries the rest", () => {
    expect(diffOf(`${S}/deployment-patch.yaml`)).toEqual([
      "+    team: payments",
      "-          imagePullPolicy: IfNotPresent",
      "+          imagePullPolicy: Always",
      "+    metadata:",
      "+      annotations:",
      '+        prometheus.io/scrape: "true"',
    ]);
  });

  it("a document named after the env is matched to the target's, whose name and env values stay", () => {
    expect(diffOf(`${S}/flags.yaml`)).toEqual(['-  CHECKOUT_V2: "off"', '+  CHECKOUT_V2: "on"']);
  });

  it("lists what it kept in the plan's notes", () => {
    expect(plan.notes).toEqual(
      expect.arrayContaining([
        `${S}/kustomization.yaml: kept staging's namespace (namespace), namePrefix (namePrefix; not copied), labels[0].pairs.app.kubernetes.io/instance (instance label), labels[0].pairs.environment (env label: names dev)`,
        `${S}/deployment-patch.yaml: kept staging's metadata.labels.app.kubernetes.io/instance (instance label), metadata.labels.env (env label: names dev), spec.template.metadata.labels.app.kubernetes.io/instance (instance label; not copied), spec.template.metadata.annotations.ferry.dev/instance-of (names dev; not copied), spec.template.spec.serviceAccountName (names dev)`,
        `${S}/flags.yaml: kept staging's metadata.name (names dev), metadata.labels.environment (env label: names dev), data.STAGE (names dev)`,
      ]),
    );
    expect(plan.changeSet.body).toContain("labels[0].pairs.app.kubernetes.io/instance (instance label)");
  });

  it("the promoted overlay still builds and renders the promoted image with staging's identity (kubectl oracle)", () => {
    if (!hasKubectl) {
      console.warn("kubectl check skipped: /usr/bin/kubectl is missing");
      return;
    }
    const out = render(applyEdits(tree, plan.changeSet.edits), S);
    expect(out).toContain("image: ghcr.io/acme/shop:2.0.0");
    expect(out).not.toMatch(/\bdev\b/);
    expect(out).toContain("app.kubernetes.io/instance: shop-staging");
    expect(out).toContain("name: shop-stg");
    expect(out).toContain("name: shop-flags-staging-stg");
    expect(out).toContain("namespace: shop-staging");
    expect(out).toContain('CHECKOUT_V2: "on"');
    expect(out).toContain("team: payments");
  });
});

describe("instance metadata rules", () => {
  it("names an env as a whole word only", () => {
    expect(namesEnv("shop-dev", "dev")).toBe(true);
    expect(namesEnv("dev.acme.io", "dev")).toBe(true);
    expect(namesEnv("device", "dev")).toBe(false);
    expect(namesEnv("prod-eu-1", "prod-eu")).toBe(true);
  });

  it("keeps instance labels anywhere, env names in identity places, exact env names everywhere", () => {
    const envs = { source: "dev", target: "staging" };
    expect(instanceReason(["commonLabels", "app.kubernetes.io/instance"], "shop", envs)).toBe("instance label");
    expect(instanceReason(["metadata", "name"], "shop-dev", envs)).toBe("names dev");
    expect(instanceReason(["spec", "scaleTargetRef", "name"], "shop-dev", envs)).toBe("names dev");
    expect(instanceReason(["data", "URL"], "https://dev.acme.io", envs)).toBeNull();
    expect(instanceReason(["data", "STAGE"], "DEV", envs)).toBe("names dev");
    expect(instanceReason(["metadata", "labels", "tier"], "web", envs)).toBeNull();
  });

  it("masks the env in a name so documents match across envs", () => {
    expect(maskEnv("shop-flags-dev", "dev")).toBe(maskEnv("shop-flags-staging", "staging"));
    expect(maskEnv("device", "dev")).toBe("device");
  });
});
