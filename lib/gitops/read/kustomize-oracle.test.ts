import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Deployment } from "../model";
import { readerImages, renderedImages } from "../testing/compare-images";
import { fixtureDir, listFixtures, loadFixture } from "../testing/load-fixture";
import { readRepository } from "./index";

const KUBECTL = "/usr/bin/kubectl";
const hasKubectl = existsSync(KUBECTL);

function kubectlImages(dir: string): string[] {
  return renderedImages(execFileSync(KUBECTL, ["kustomize", dir], { encoding: "utf8", timeout: 30_000 }));
}

interface OracleCase {
  fixture: string;
  dir: string;
  deployments: Deployment[];
  skip?: string;
}

function cases(): OracleCase[] {
  const out: OracleCase[] = [];
  for (const fixture of listFixtures()) {
    const tree = loadFixture(fixture);
    const model = readRepository(tree, { rootAppName: fixture });
    const byPath = new Map<string, Deployment[]>();
    for (const d of model.deployments) {
      const isOverlay = ["kustomization.yaml", "kustomization.yml", "Kustomization"].some((f) => tree.has(`${d.path}/${f}`));
      if (!isOverlay) continue;
      byPath.set(d.path, [...(byPath.get(d.path) ?? []), d]);
    }
    for (const [dir, deployments] of byPath) {
      const remote = deployments.some((d) => d.versions.some((v) => v.kind === "git" && v.field.includes("?ref=")));
      const broken = deployments.some((d) => d.errors.length > 0);
      // Flux substitutes `${VAR}` after kustomize has built the folder: kubectl shows the placeholder.
      const substituted = deployments.some((d) => d.versions.some((v) => v.field.includes("Flux substitution")));
      out.push({
        fixture,
        dir,
        deployments,
        skip: remote ? "has remote resources (needs network)" : substituted ? "versions set by Flux postBuild substitution after the build" : broken ? "reader reports errors (kustomize would fail too)" : undefined,
      });
    }
  }
  return out;
}

describe("kustomize oracle: reader images equal `kubectl kustomize` output", () => {
  const all = cases();
  it("covers the overlay fixtures", () => {
    expect(all.filter((c) => !c.skip).length).toBeGreaterThanOrEqual(25);
  });
  for (const c of all) {
    const title = `${c.fixture}: ${c.dir}`;
    if (!hasKubectl) {
      it.skip(`${title} (skipped: ${KUBECTL} is missing)`, () => {});
      continue;
    }
    if (c.skip) {
      it.skip(`${title} (skipped: ${c.skip})`, () => {});
      continue;
    }
    it(title, () => {
      expect(readerImages(c.deployments)).toEqual(kubectlImages(path.join(fixtureDir(c.fixture), c.dir)));
    });
  }
});
