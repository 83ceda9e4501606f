import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { applyChangeSet } from "@/lib/gitops/impact";
import type { Deployment, FileTree } from "@/lib/gitops/model";
import { planPromotion } from "@/lib/gitops/promote";
import { readRepository } from "@/lib/gitops/read";
import { renderedImages } from "@/lib/gitops/testing/compare-images";
import { compareFolder } from "./compare-trees";
import { onPath } from "./kustomize-runner";
import { kustomizationIn } from "./outside-refs";
import { renderFolder } from "./render-folder";
import { demoRepos, fixtureRepos, type Repo } from "./testing/fixture-repos";

// "The rendered diff shows for every kustomize fixture whose folders build": every fixture and demo
// repository with kustomize overlays gets one cell promoted by the real planner, and the rendered diff
// of the target folder must show exactly the image lines `kubectl kustomize` (the oracle, run directly
// on the trees) says changed.

const kubectl = onPath("kubectl", process.env.PATH);

function oracle(tree: FileTree, dir: string): string | null {
  const root = mkdtempSync(path.join(tmpdir(), "ferry-oracle-"));
  try {
    for (const [p, text] of tree) {
      mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
      writeFileSync(path.join(root, p), text);
    }
    return execFileSync(kubectl ?? "kubectl", ["kustomize", path.join(root, dir)], { encoding: "utf8", timeout: 30_000, stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return null;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

interface Case {
  repo: string;
  source: Deployment;
  target: Deployment;
  before: FileTree;
  after: FileTree;
  added: string[];
  removed: string[];
  /** The promoted values the oracle's rendering shows after and not before: each must be on a + line. */
  values: string[];
}

/** The first cell of a kustomize folder whose promotion (planned by the real planner) changes what the folder renders (an image first), and whose folder builds. */
function promotionOf(repo: Repo): Case | string {
  const model = readRepository(repo.tree, { rootAppName: repo.name.replace(/^demo\//, "") });
  const targets = model.deployments.filter((d) => kustomizationIn(repo.tree, d.path) !== null && d.errors.length === 0);
  if (targets.length === 0) return "no cell is deployed from a kustomize folder";
  const seen = { planned: 0, built: 0 };
  for (const target of targets) {
    for (const source of model.deployments.filter((d) => d.app === target.app && d.env !== target.env && d.errors.length === 0)) {
      const plan = planPromotion({ tree: repo.tree, source, target, mode: "version", baseSha: "0".repeat(40), repository: repo.name, allowDowngrade: true, allowFloating: true, allowReplaceDigestPin: true });
      if (plan.status !== "changes") continue;
      seen.planned++;
      const after = applyChangeSet(repo.tree, plan.changeSet);
      const was = oracle(repo.tree, target.path);
      const now = oracle(after, target.path);
      if (was === null || now === null) continue;
      seen.built++;
      const [a, b] = [renderedImages(was), renderedImages(now)];
      const added = b.filter((i) => !a.includes(i));
      const removed = a.filter((i) => !b.includes(i));
      // A promotion of something other than an image (a chart version) counts when the rendering changes.
      if (added.length > 0 || was !== now) return { repo: repo.name, source, target, before: repo.tree, after, added, removed, values: plan.fields.flatMap((f) => (f.to && now.includes(f.to) && !was.includes(f.to) ? [f.to] : [])) };
    }
  }
  if (seen.planned === 0) return `${targets.length} kustomize cells, none with a promotion the planner opens`;
  if (seen.built === 0) return `${seen.planned} promotions planned, the folders do not build with kubectl kustomize`;
  return `${seen.built} promotions build, none changes what the folder renders`;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe.skipIf(!kubectl)("rendered diff of one promotion in every kustomize fixture", async () => {
  const repos = [...fixtureRepos(), ...(await demoRepos())];
  const cases = repos.map((r) => {
    const found = promotionOf(r);
    return typeof found === "string" ? { repo: r.name, found: null, why: found } : { repo: r.name, found, why: "" };
  });

  it("covers the kustomize fixtures and the demo repositories", () => {
    const covered = cases.filter((c) => c.found).map((c) => c.repo);
    // Guards against the walk silently finding nothing (e.g. the planner refusing everything).
    expect(covered.length).toBeGreaterThanOrEqual(10);
    expect(covered).toEqual(expect.arrayContaining(["demo/fleet", "promote/kustomize-images", "promote/shared-base"]));
  });

  for (const c of cases) {
    if (!c.found) {
      it.skip(`${c.repo} (skipped: ${c.why})`, () => {});
      continue;
    }
    const found = c.found;
    it(`${found.repo}: ${found.source.env} → ${found.target.env} of ${found.target.app} (${found.target.path})`, async () => {
      const outcome = await compareFolder(found.before, found.after, found.target.path, (_side, tree, dir) => renderFolder(tree, dir));
      expect(outcome.ok, outcome.ok ? "" : outcome.reason).toBe(true);
      if (!outcome.ok) return;
      const patches = outcome.diff.changed.map((r) => r.patch).join("\n");
      for (const image of found.added) expect(patches).toMatch(new RegExp(`^\\+\\s+(- )?image: "?${escape(image)}"?$`, "m"));
      for (const image of found.removed) expect(patches).toMatch(new RegExp(`^-\\s+(- )?image: "?${escape(image)}"?$`, "m"));
      expect(outcome.diff.changed.length).toBeGreaterThan(0);
      const added = patches.split("\n").filter((l) => l.startsWith("+"));
      for (const value of found.values) expect(added.some((l) => l.includes(value)), `a + line shows ${value}`).toBe(true);
      // Each changed object is named per resource, and only objects that really changed are listed.
      for (const r of outcome.diff.changed) expect(r.patch).toMatch(/^[-+](?![-+]{2} )/m);
    });
  }
});
