import { describe, expect, it } from "vitest";
import { readRepository } from "../read";
import { shopTree } from "../testing/shop-history";
import { planPromotion } from "./plan";
import type { PromotionInput } from "./types";
import { applyEdits, BASE, changedLines, hasKubectl, render } from "./test-helpers";

// A rollback is a promotion whose source is the target environment as it was at an older commit.
const OLD_SHA = "1111111111111111111111111111111111111111";
const then = shopTree("1.3.0", "1.1.0");
const now = shopTree("1.3.0", "1.2.0", 2);
const cell = (tree: Map<string, string>, env: string) => {
  const found = readRepository(tree).deployments.find((d) => d.app === "shop" && d.env === env);
  if (!found) throw new Error(`no shop ${env}`);
  return found;
};
const rollback = (extra: Partial<PromotionInput> = {}): PromotionInput => ({
  ...BASE,
  tree: now,
  source: cell(then, "staging"),
  target: cell(now, "staging"),
  mode: "version",
  rollback: { commitSha: OLD_SHA },
  ...extra,
});
const pin = { version: "shop:1.1.0", by: "Alice Example", reason: "1.2.0 breaks checkout" };

describe("rollback", () => {
  it("asks to confirm the downgrade, then sets the old version in the target's own overlay and keeps the rest", () => {
    const asked = planPromotion(rollback());
    expect(asked).toMatchObject({ status: "needs-confirmation", confirm: ["allowDowngrade"] });

    const plan = planPromotion(rollback({ allowDowngrade: true }));
    if (plan.status !== "changes") throw new Error(JSON.stringify(plan));
    expect(plan.changeSet.title).toBe("Roll back shop in staging: 1.2.0 → 1.1.0");
    expect(plan.changeSet.body).toContain("Roll back `shop` in staging to what it ran at `111111111111`");
    expect(plan.changeSet.body).toContain("> **Downgrade / rollback**: staging currently runs a newer version than what it ran at `111111111111` for at least one field below.");
    expect(plan.changeSet.body).not.toContain("| Why |");
  });

  it("puts the requester's reason in the body, one table cell even when it holds a pipe or a line break", () => {
    const plan = planPromotion(rollback({ allowDowngrade: true, rollback: { commitSha: OLD_SHA, reason: "1.2.0 breaks checkout | see INC-42\nrolling back" } }));
    if (plan.status !== "changes") throw new Error(plan.status);
    expect(plan.changeSet.body).toContain("| Why | 1.2.0 breaks checkout \\| see INC-42 rolling back |");
    expect(plan.changeSet.edits.map((e) => e.path)).toEqual(["apps/shop/overlays/staging/kustomization.yaml"]);
    expect(changedLines(plan.changeSet.diff)).toEqual(['-    newTag: "1.2.0"', '+    newTag: "1.1.0"']);
    expect(plan.downgrade).toBe(true);
  });

  it.skipIf(!hasKubectl)("renders the old version with kubectl kustomize (the replicas of today stay)", () => {
    const plan = planPromotion(rollback({ allowDowngrade: true }));
    if (plan.status !== "changes") throw new Error(plan.status);
    const rendered = render(applyEdits(now, plan.changeSet.edits), "apps/shop/overlays/staging");
    expect(rendered).toContain("image: ghcr.io/acme/shop:1.1.0");
    expect(rendered).toContain("replicas: 2");
    expect(rendered).not.toContain("1.2.0");
  });

  it("is refused without the rollback option (same environment) and in folder mode", () => {
    expect(planPromotion(rollback({ rollback: undefined }))).toMatchObject({ status: "refused", reason: expect.stringContaining("same environment") });
    expect(planPromotion(rollback({ mode: "folder" }))).toMatchObject({ status: "refused", reason: expect.stringContaining("version mode") });
    expect(planPromotion(rollback({ source: cell(then, "dev") }))).toMatchObject({ status: "refused" });
  });

  it("re-pins a pinned cell without asking to unpin it", () => {
    expect(planPromotion(rollback({ targetPin: pin }))).toMatchObject({ status: "needs-confirmation", confirm: ["allowDowngrade"] });
  });
});

describe("a cell pinned by rollback", () => {
  const promote = (extra: Partial<PromotionInput> = {}): PromotionInput => ({ ...BASE, tree: then, source: cell(then, "dev"), target: cell(then, "staging"), mode: "version", ...extra });

  it("asks before a promotion moves it, naming who pinned it and why", () => {
    expect(planPromotion(promote()).status).toBe("changes");
    const asked = planPromotion(promote({ targetPin: pin }));
    expect(asked).toMatchObject({ status: "needs-confirmation", confirm: ["allowUnpin"] });
    expect(asked.status === "needs-confirmation" && asked.reason).toContain("pinned by a rollback to shop:1.1.0 (Alice Example: 1.2.0 breaks checkout)");
  });

  it("moves it once confirmed, and says so in the change", () => {
    const plan = planPromotion(promote({ targetPin: pin, allowUnpin: true }));
    if (plan.status !== "changes") throw new Error(plan.status);
    expect(changedLines(plan.changeSet.diff)).toEqual(['-    newTag: "1.1.0"', '+    newTag: "1.3.0"']);
    expect(plan.notes.join("\n")).toContain("Moves staging off its rollback pin (shop:1.1.0");
  });
});
