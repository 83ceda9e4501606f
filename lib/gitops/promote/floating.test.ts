import { describe, expect, it } from "vitest";
import { readRepository } from "../read";
import { planPromotion } from "./plan";
import { applyEdits, BASE, changedLines, deployment, fixtureTree, hasKubectl, render, version } from "./test-helpers";

// Issue #14 defect 4: a floating `latest` was promoted into staging silently.
const image = "ghcr.io/acme/checkout";
const stagingFile = "apps/checkout/overlays/staging/kustomization.yaml";
const productionFile = "apps/checkout/overlays/production/kustomization.yaml";
const base = fixtureTree("kustomize-images");

function withStagingTag(tag: string): Map<string, string> {
  const tree = new Map(base);
  tree.set(stagingFile, (base.get(stagingFile) ?? "").replace("newTag: 1.3.0", `newTag: ${tag}`));
  return tree;
}
const staging = (tag: string, floating: boolean) =>
  deployment("checkout", "staging", "apps/checkout/overlays/staging", [
    version({ name: image, value: tag, floating, file: stagingFile, path: ["images", 0, "newTag"], field: `images[name=${image}].newTag` }),
  ]);
const production = deployment("checkout", "production", "apps/checkout/overlays/production", [
  version({ name: image, value: "1.2.3", file: productionFile, path: ["images", 0, "newTag"], field: `images[name=${image}].newTag` }),
]);

describe("promoting a floating version", () => {
  const tree = withStagingTag("latest");
  const input = { ...BASE, tree, source: staging("latest", true), target: production, mode: "version" as const };

  it("into a protected environment is refused with the reason, even when confirmed", () => {
    for (const allowFloating of [false, true]) {
      const plan = planPromotion({ ...input, targetProtected: true, allowFloating });
      expect(plan.status).toBe("refused");
      if (plan.status === "refused") {
        expect(plan.reason).toContain("production is protected");
        expect(plan.reason).toContain(`floating version (${image} latest)`);
        expect(plan.reason).toContain("Pin a version (or digest) in staging first");
      }
    }
  });

  it("into an unprotected environment needs an explicit confirmation, then says so in the plan", () => {
    const ask = planPromotion(input);
    expect(ask.status).toBe("needs-confirmation");
    if (ask.status !== "needs-confirmation") return;
    expect(ask.confirm).toEqual(["allowFloating"]);
    expect(ask.reason).toContain("staging runs a floating version");
    expect(ask.fields.map((f) => f.to)).toEqual(["latest"]);

    const go = planPromotion({ ...input, allowFloating: true });
    expect(go.status).toBe("changes");
    if (go.status !== "changes") return;
    expect(changedLines(go.changeSet.diff)).toEqual([
      '-    newTag: "1.2.3" # {"$imagepolicy": "flux-system:checkout:tag"}',
      '+    newTag: "latest" # {"$imagepolicy": "flux-system:checkout:tag"}',
    ]);
    expect(go.notes.some((n) => n.startsWith("Promotes a floating version into production") && n.includes("confirmed explicitly"))).toBe(true);
    expect(go.changeSet.body).toContain("Promotes a floating version into production");
    // kubectl oracle: the confirmed overlay still builds and renders the promoted (floating) image
    if (hasKubectl) expect(render(applyEdits(tree, go.changeSet.edits), "apps/checkout/overlays/production")).toContain(`image: ${image}:latest`);
  });

  it("asks for both confirmations when the floating value is also older", () => {
    const plan = planPromotion({ ...input, tree: withStagingTag("1.x"), source: staging("1.x", true) });
    // 1.x compares as older than 1.2.3 or not depending on drift rules; the floating ask must be there either way
    expect(plan.status).toBe("needs-confirmation");
    if (plan.status === "needs-confirmation") expect(plan.confirm).toContain("allowFloating");
  });

  it("a pinned version still needs no confirmation, protected or not", () => {
    const plan = planPromotion({ ...input, tree: base, source: staging("1.3.0", false), targetProtected: true });
    expect(plan.status).toBe("changes");
  });

  it("on the reader's model: a range read from the source overlay is floating", () => {
    const tree = withStagingTag('">=1.0.0"');
    const model = readRepository(tree);
    const cell = (env: string) => model.deployments.find((d) => d.app === "checkout" && d.env === env);
    const [source, target] = [cell("staging"), cell("production")];
    expect(source?.versions[0]).toMatchObject({ value: ">=1.0.0", floating: true });
    if (!source || !target) return;
    expect(planPromotion({ ...BASE, tree, source, target, mode: "version" })).toMatchObject({ status: "needs-confirmation", confirm: ["allowFloating"] });
    expect(planPromotion({ ...BASE, tree, source, target, mode: "version", targetProtected: true }).status).toBe("refused");
  });
});

describe("folder promotion of a floating version", () => {
  const tree = fixtureTree("folder");
  const S = "apps/shop/envs/staging";
  const P = "apps/shop/envs/production";
  const files = (dir: string) => [...tree.keys()].filter((k) => k.startsWith(`${dir}/`)).sort();
  const floatingTree = new Map(tree);
  floatingTree.set(`${S}/kustomization.yaml`, (tree.get(`${S}/kustomization.yaml`) ?? "").replace("newTag: 2.0.0", "newTag: latest"));
  const source = deployment(
    "shop",
    "staging",
    S,
    [version({ name: "ghcr.io/acme/shop", value: "latest", floating: true, file: `${S}/kustomization.yaml`, path: ["images", 0, "newTag"] })],
    files(S),
  );
  const target = deployment("shop", "production", P, [version({ name: "ghcr.io/acme/shop", value: "1.9.0", file: `${P}/kustomization.yaml`, path: ["images", 0, "newTag"] })], files(P));

  it("is refused into a protected environment and needs confirmation elsewhere", () => {
    const input = { ...BASE, tree: floatingTree, source, target, mode: "folder" as const };
    expect(planPromotion({ ...input, targetProtected: true }).status).toBe("refused");
    expect(planPromotion(input)).toMatchObject({ status: "needs-confirmation", confirm: ["allowFloating"] });
    expect(planPromotion({ ...input, allowFloating: true }).status).toBe("changes");
  });
});
