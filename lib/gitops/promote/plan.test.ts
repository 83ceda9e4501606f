import { describe, expect, it } from "vitest";
import { planPromotion } from "./plan";
import { BASE, changedLines, deployment, fixtureTree, version } from "./test-helpers";

const image = "ghcr.io/acme/checkout";
const tree = fixtureTree("kustomize-images");
const staging = (tag: string) =>
  deployment("checkout", "staging", "apps/checkout/overlays/staging", [
    version({ name: image, value: tag, file: "apps/checkout/overlays/staging/kustomization.yaml", path: ["images", 0, "newTag"], field: `images[name=${image}].newTag` }),
  ]);
const production = (tag: string) =>
  deployment("checkout", "production", "apps/checkout/overlays/production", [
    version({ name: image, value: tag, file: "apps/checkout/overlays/production/kustomization.yaml", path: ["images", 0, "newTag"], field: `images[name=${image}].newTag` }),
  ]);

describe("planPromotion outcomes", () => {
  it("warns the reviewer when the source could not be read completely, naming what failed", () => {
    const source = { ...staging("1.3.0"), errors: ["apps/checkout/overlays/staging/values-extra.yaml is not in the repository", "b", "c", "d"] };
    const plan = planPromotion({ ...BASE, tree, source, target: production("1.2.3"), mode: "version" });
    expect(plan.status).toBe("changes");
    if (plan.status !== "changes") return;
    expect(plan.notes).toContain("Warning: staging could not be read completely (apps/checkout/overlays/staging/values-extra.yaml is not in the repository; b; c; and 1 more): the versions promoted are what Ferry read there, which may not be what staging runs. Check staging before merging.");
    expect(plan.changeSet.body).toContain("staging could not be read completely");
    expect(planPromotion({ ...BASE, tree, source: staging("1.3.0"), target: production("1.2.3"), mode: "version" })).toMatchObject({ status: "changes", notes: [] });
  });

  it("is up-to-date when the target already runs the source's release", () => {
    const same = new Map(tree);
    same.set("apps/checkout/overlays/staging/kustomization.yaml", (tree.get("apps/checkout/overlays/staging/kustomization.yaml") ?? "").replace("1.3.0", "1.2.3"));
    const plan = planPromotion({ ...BASE, tree: same, source: staging("1.2.3"), target: production("1.2.3"), mode: "version" });
    expect(plan).toEqual({ status: "up-to-date", message: "production already runs ghcr.io/acme/checkout:1.2.3 (same as staging)" });
  });

  it("asks for confirmation before a downgrade, and plans the rollback once confirmed", () => {
    const rollbackTree = new Map(tree);
    rollbackTree.set("apps/checkout/overlays/staging/kustomization.yaml", (tree.get("apps/checkout/overlays/staging/kustomization.yaml") ?? "").replace("1.3.0", "1.1.0"));
    const input = { ...BASE, tree: rollbackTree, source: staging("1.1.0"), target: production("1.2.3"), mode: "version" as const };
    const ask = planPromotion(input);
    expect(ask.status).toBe("needs-confirmation");
    if (ask.status !== "needs-confirmation") return;
    expect(ask.reason).toContain("ghcr.io/acme/checkout 1.2.3 → 1.1.0");
    expect(ask.fields).toHaveLength(1);

    const go = planPromotion({ ...input, allowDowngrade: true });
    expect(go.status).toBe("changes");
    if (go.status !== "changes") return;
    expect(go.downgrade).toBe(true);
    expect(changedLines(go.changeSet.diff)).toEqual([
      '-    newTag: "1.2.3" # {"$imagepolicy": "flux-system:checkout:tag"}',
      '+    newTag: "1.1.0" # {"$imagepolicy": "flux-system:checkout:tag"}',
    ]);
    expect(go.changeSet.body).toContain("Downgrade / rollback");
    expect(go.changeSet.commitMessage).toContain("Downgrade confirmed explicitly.");
  });

  it("refuses promoting an environment to itself, or across apps", () => {
    const same = planPromotion({ ...BASE, tree, source: staging("1.3.0"), target: { ...staging("1.3.0") }, mode: "version" });
    expect(same).toEqual({ status: "refused", reason: "source and target are the same environment (staging)" });
    const other = planPromotion({ ...BASE, tree, source: staging("1.3.0"), target: { ...production("1.2.3"), app: "billing" }, mode: "version" });
    expect(other.status).toBe("refused");
    if (other.status === "refused") expect(other.reason).toContain("across apps");
  });

  it("refuses when the target file no longer parses, naming file and line", () => {
    const broken = new Map(tree);
    broken.set("apps/checkout/overlays/production/kustomization.yaml", "images:\n  - name: x\n    newTag: [1.2.3\nnamespace: a\n");
    const plan = planPromotion({ ...BASE, tree: broken, source: staging("1.3.0"), target: production("1.2.3"), mode: "version" });
    expect(plan.status).toBe("refused");
    if (plan.status === "refused") expect(plan.reason).toMatch(/^apps\/checkout\/overlays\/production\/kustomization\.yaml:\d+ does not parse/);
  });

  it("refuses a stale model instead of overwriting a value it did not read", () => {
    const plan = planPromotion({ ...BASE, tree, source: staging("1.3.0"), target: production("1.2.0"), mode: "version" });
    expect(plan.status).toBe("refused");
    if (plan.status === "refused") expect(plan.reason).toContain("is 1.2.3 at the base commit, not 1.2.0");
  });

  it("refuses when the target file is gone", () => {
    const gone = new Map(tree);
    gone.delete("apps/checkout/overlays/production/kustomization.yaml");
    const plan = planPromotion({ ...BASE, tree: gone, source: staging("1.3.0"), target: production("1.2.3"), mode: "version" });
    expect(plan).toMatchObject({ status: "refused", reason: expect.stringContaining("no longer exists") });
  });

  it("compacts the title when several fields move", () => {
    const src = staging("1.3.0");
    const tgt = production("1.2.3");
    const helmTree = new Map(tree);
    helmTree.set("apps/checkout/overlays/staging/chart.yaml", "spec:\n  version: 2.0.0\n");
    helmTree.set("apps/checkout/overlays/production/chart.yaml", "spec:\n  version: 1.0.0\n");
    src.versions.push(version({ kind: "chart", name: "checkout-chart", value: "2.0.0", file: "apps/checkout/overlays/staging/chart.yaml", path: ["spec", "version"] }));
    tgt.versions.push(version({ kind: "chart", name: "checkout-chart", value: "1.0.0", file: "apps/checkout/overlays/production/chart.yaml", path: ["spec", "version"] }));
    const plan = planPromotion({ ...BASE, tree: helmTree, source: src, target: tgt, mode: "version" });
    expect(plan.status === "changes" && plan.changeSet.title).toBe("Promote checkout to production: ghcr.io/acme/checkout 1.2.3 → 1.3.0 (+1 more)");
    expect(plan.status === "changes" && plan.changeSet.edits.map((e) => e.path)).toEqual([
      "apps/checkout/overlays/production/chart.yaml",
      "apps/checkout/overlays/production/kustomization.yaml",
    ]);
  });

  it("is deterministic", () => {
    const input = { ...BASE, tree, source: staging("1.3.0"), target: production("1.2.3"), mode: "version" as const };
    expect(planPromotion(input)).toEqual(planPromotion(input));
  });
});

describe("planPromotion: kustomize newName and encrypted targets", () => {
  it("promotes an explicit newName of the source's images entry along with the tag", () => {
    const renamed = new Map(tree);
    renamed.set(
      "apps/checkout/overlays/staging/kustomization.yaml",
      (tree.get("apps/checkout/overlays/staging/kustomization.yaml") ?? "").replace("    newTag: 1.3.0", "    newName: ghcr.io/acme/checkout-fips\n    newTag: 1.3.0"),
    );
    const plan = planPromotion({ ...BASE, tree: renamed, source: staging("1.3.0"), target: production("1.2.3"), mode: "version" });
    expect(plan.status === "changes" && changedLines(plan.changeSet.diff)).toEqual([
      '-    newTag: "1.2.3" # {"$imagepolicy": "flux-system:checkout:tag"}',
      '+    newTag: "1.3.0" # {"$imagepolicy": "flux-system:checkout:tag"}',
      // a new key takes the quoting of its neighbour
      '+    newName: "ghcr.io/acme/checkout-fips"',
    ]);
    expect(plan.status === "changes" && plan.fields.map((f) => `${f.field}: ${f.from} → ${f.to}`)).toEqual([
      "images[name=ghcr.io/acme/checkout].newTag: 1.2.3 → 1.3.0",
      "images[name=ghcr.io/acme/checkout].newName: null → ghcr.io/acme/checkout-fips",
    ]);
  });

  it("never edits a SOPS-encrypted target file", () => {
    const sops = new Map(tree);
    sops.set("apps/checkout/overlays/production/kustomization.yaml", `${tree.get("apps/checkout/overlays/production/kustomization.yaml") ?? ""}sops:\n  mac: ENC[AES256_GCM,data:x]\n`);
    const plan = planPromotion({ ...BASE, tree: sops, source: staging("1.3.0"), target: production("1.2.3"), mode: "version" });
    expect(plan).toMatchObject({ status: "refused", reason: expect.stringContaining("SOPS-encrypted") });
  });
});
