import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { changeImpact } from "../impact";
import { readRepository } from "../read";
import type { Deployment } from "../model";
import { bulkChangeSet, bulkPromotionBranch, composeEdits, treeAfter, type BulkStep } from "./bulk";
import { planPromotion } from "./plan";
import { loadFixture } from "../testing/load-fixture";
import { BASE } from "./test-helpers";

// fleet-infra keeps frontend's and backend's production images in one overlay (apps/overlays/production/
// kustomization.yaml): promoting both is two cells editing one file.
const tree = loadFixture("fleet-infra");
const model = readRepository(tree);
const cell = (app: string, env: string): Deployment => {
  const d = model.deployments.find((x) => x.app === app && x.env === env);
  if (!d) throw new Error(`no ${app}/${env}`);
  return d;
};
const OVERLAY = "apps/overlays/production/kustomization.yaml";

function planOn(base: ReadonlyMap<string, string>, app: string): BulkStep {
  const plan = planPromotion({ ...BASE, tree: base, source: cell(app, "staging"), target: cell(app, "production"), mode: "version" });
  if (plan.status !== "changes") throw new Error(`${app}: ${plan.status}`);
  return { cell: { app, from: "staging", to: "production" }, edits: plan.changeSet.edits, fields: plan.fields, skipped: plan.skipped, notes: plan.notes, downgrade: plan.downgrade };
}

function images(text: string | null | undefined): Record<string, string> {
  const doc = parseDocument(text ?? "").toJS() as { images?: { name: string; newTag?: string }[] };
  return Object.fromEntries((doc.images ?? []).map((i) => [i.name, String(i.newTag)]));
}

describe("bulk promotion: two cells editing the same file", () => {
  it("composes into one edit of the file holding both promoted versions", () => {
    const frontend = planOn(tree, "frontend");
    const backend = planOn(treeAfter(tree, frontend.edits), "backend");
    expect(frontend.edits.map((e) => e.path)).toContain(OVERLAY);
    expect(backend.edits.map((e) => e.path)).toContain(OVERLAY);

    const edits = composeEdits(tree, [frontend.edits, backend.edits]);
    expect(edits.filter((e) => e.path === OVERLAY)).toHaveLength(1);
    const overlay = edits.find((e) => e.path === OVERLAY);
    expect(overlay?.previous).toBe(tree.get(OVERLAY));
    expect(images(overlay?.content)).toMatchObject({ "ghcr.io/acme/frontend": "1.2.0", "ghcr.io/acme/backend": "1.1.0" });

    // The reader agrees: after the combined change both cells run staging's versions, and only they move.
    const impact = changeImpact(tree, model, { edits });
    expect(impact.map((i) => `${i.app}/${i.env}`).sort()).toEqual(["backend/production", "frontend/production"]);
  });

  it("planning each cell on the base and keeping the last write would lose the first cell (why cells are planned in sequence)", () => {
    const frontend = planOn(tree, "frontend");
    const backendOnBase = planOn(tree, "backend");
    const naive = composeEdits(tree, [frontend.edits, backendOnBase.edits]);
    expect(images(naive.find((e) => e.path === OVERLAY)?.content)["ghcr.io/acme/frontend"]).not.toBe("1.2.0");
  });

  it("describes every cell and the combined diff, on the selection's branch", () => {
    const frontend = planOn(tree, "frontend");
    const backend = planOn(treeAfter(tree, frontend.edits), "backend");
    const branch = bulkPromotionBranch([frontend.cell, backend.cell]);
    const changeSet = bulkChangeSet(tree, [frontend, backend], { branch, repository: "fleet", baseSha: BASE.baseSha, requestedBy: "Alice", left: [{ cell: { app: "database", from: "staging", to: "production" }, reason: "production already runs 16.2" }] });
    expect(changeSet.branch).toBe(branch);
    expect(changeSet.title).toBe("Promote 2 cells to production: frontend, backend");
    expect(changeSet.body).toContain("| frontend | staging | production |");
    expect(changeSet.body).toContain("| backend | staging | production |");
    expect(changeSet.body).toContain("database → production: production already runs 16.2");
    expect(changeSet.diff.match(new RegExp(`^\\+\\+\\+ b/${OVERLAY}$`, "gm"))).toHaveLength(1);
  });

  it("names one branch per selection, whatever the order, and another for another selection", () => {
    const a = { app: "frontend", from: "staging", to: "production" };
    const b = { app: "backend", from: "staging", to: "production" };
    expect(bulkPromotionBranch([a, b])).toBe(bulkPromotionBranch([b, a]));
    expect(bulkPromotionBranch([a, b])).not.toBe(bulkPromotionBranch([a]));
    expect(bulkPromotionBranch([a, b])).toMatch(/^ferry\/promote-bulk\/production-[0-9a-f]{8}$/);
  });

  it("drops a file written back to its base content", () => {
    const path = "apps/base/frontend/workload.yaml";
    const original = tree.get(path) ?? "";
    const edits = composeEdits(tree, [[{ path, action: "update", content: `${original}# x\n`, previous: original }], [{ path, action: "update", content: original, previous: `${original}# x\n` }]]);
    expect(edits).toEqual([]);
  });
});
