import { describe, expect, it } from "vitest";
import { applyChangeSet } from "@/lib/gitops/impact";
import type { Deployment, FileTree } from "@/lib/gitops/model";
import { planPromotion } from "@/lib/gitops/promote";
import { readRepository } from "@/lib/gitops/read";
import { compareFolder } from "./compare-trees";
import { MASK } from "./manifests";
import { kustomizationIn } from "./outside-refs";
import { renderFolder } from "./render-folder";
import { demoRepos, fixtureRepos, type Repo } from "./testing/fixture-repos";

// Plain manifest folders (no kustomization.yaml) render as their own documents: in every fixture and
// demo repository, the first such cell whose promotion the real planner opens is compared before and
// after, and each promoted value must be on a + line of a changed object, the old one on a - line.

interface Case {
  repo: string;
  target: Deployment;
  before: FileTree;
  after: FileTree;
  fields: { from: string | null; to: string | null }[];
}

const isFolder = (tree: FileTree, dir: string) => !tree.has(dir) && [...tree.keys()].some((f) => f.startsWith(`${dir}/`) && /\.(ya?ml|json)$/.test(f) && !f.slice(dir.length + 1).includes("/"));

function promotionOf(repo: Repo): Case | null {
  const model = readRepository(repo.tree, { rootAppName: repo.name.replace(/^demo\//, "") });
  for (const target of model.deployments.filter((d) => d.path && kustomizationIn(repo.tree, d.path) === null && isFolder(repo.tree, d.path) && d.errors.length === 0)) {
    if (repo.tree.has(`${target.path}/Chart.yaml`)) continue;
    for (const source of model.deployments.filter((d) => d.app === target.app && d.env !== target.env && d.errors.length === 0)) {
      const plan = planPromotion({ tree: repo.tree, source, target, mode: "version", baseSha: "0".repeat(40), repository: repo.name, allowDowngrade: true, allowFloating: true, allowReplaceDigestPin: true });
      // A promotion whose edit lands in the target folder itself (not in a values file elsewhere).
      if (plan.status !== "changes" || !plan.changeSet.edits.every((e) => e.path.startsWith(`${target.path}/`))) continue;
      return { repo: repo.name, target, before: repo.tree, after: applyChangeSet(repo.tree, plan.changeSet), fields: plan.fields };
    }
  }
  return null;
}

describe("rendered diff of plain manifest folders in the fixtures", async () => {
  const cases = [...fixtureRepos(), ...(await demoRepos())].flatMap((r) => promotionOf(r) ?? []);

  it("finds plain-folder promotions to check, the demo's payments repository among them", () => {
    expect(cases.length).toBeGreaterThanOrEqual(3);
    expect(cases.map((c) => c.repo)).toContain("demo/payments-gitops");
  });

  for (const c of cases) {
    it(`${c.repo}: ${c.target.app} in ${c.target.env} (${c.target.path})`, async () => {
      const outcome = await compareFolder(c.before, c.after, c.target.path, (_side, tree, dir) => renderFolder(tree, dir));
      // A folder that also holds a file no cluster would take (a tool's config) is named, not guessed around.
      const stray = [...c.before.keys()].filter((f) => f.startsWith(`${c.target.path}/`) && !f.slice(c.target.path.length + 1).includes("/") && /\.ya?ml$/.test(f) && !/^kind:/m.test(c.before.get(f) ?? ""));
      if (stray.length > 0) {
        expect(outcome).toEqual({ ok: false, reason: expect.stringMatching(/^Before the change: .* holds a document that is not a Kubernetes object/) });
        return;
      }
      expect(outcome.ok, outcome.ok ? "" : outcome.reason).toBe(true);
      if (!outcome.ok) return;
      expect(outcome.diff.changed.length).toBeGreaterThan(0);
      const lines = outcome.diff.changed.flatMap((r) => r.patch.split("\n"));
      for (const f of c.fields) {
        if (f.to) expect(lines.some((l) => l.startsWith("+") && l.includes(f.to!)), `a + line shows ${f.to}`).toBe(true);
        if (f.from) expect(lines.some((l) => l.startsWith("-") && l.includes(f.from!)), `a - line shows ${f.from}`).toBe(true);
      }
    });
  }
});

describe("plain manifest folders mask Secret data as kustomize output does", () => {
  it("shows that a Secret's key changed, never its values", async () => {
    const secret = (password: string) => `apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: shop}\nstringData:\n  password: ${password}\n  user: app\n`;
    const before: FileTree = new Map([["env/prod/secret.yaml", secret("hunter2")]]);
    const after: FileTree = new Map([["env/prod/secret.yaml", secret("correct-horse")]]);
    const outcome = await compareFolder(before, after, "env/prod", (_side, tree, dir) => renderFolder(tree, dir));
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const text = JSON.stringify(outcome.diff);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("correct-horse");
    expect(outcome.diff.changed.map((r) => r.key)).toEqual(["Secret/shop/db"]);
    expect(text).toContain(MASK.slice(1, -1));
  });
});
