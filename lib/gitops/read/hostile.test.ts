import { describe, expect, it } from "vitest";
import { loadFixture } from "../testing/load-fixture";
import { readRepository } from "./index";

function timed<T>(fn: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = fn();
  return { value, ms: performance.now() - start };
}

describe("hostile input", () => {
  const tree = new Map(loadFixture("hostile"));
  // 10 MB of YAML-looking text: kept out of git, built here.
  tree.set("apps/web/overlays/staging/huge.yaml", `items:\n${"  - aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n".repeat(220_000)}`);
  const { value: model, ms } = timed(() => readRepository(tree));
  const cell = (app: string) => model.deployments.find((d) => d.app === app);

  it("finishes fast and never throws", () => {
    expect(ms).toBeLessThan(2_000);
  });

  it("names file and line of invalid YAML on the cell and in errors", () => {
    expect(cell("web")?.errors).toEqual([expect.stringMatching(/^apps\/web\/overlays\/staging\/broken\.yaml:8: /)]);
    expect(model.errors).toContainEqual(expect.objectContaining({ file: "apps/web/overlays/staging/broken.yaml", line: 8 }));
    // What could be read still shows: the base image.
    expect(cell("web")?.versions.map((v) => v.value)).toEqual(["1.0.0"]);
  });

  it("refuses a billion-laughs alias bomb", () => {
    expect(cell("bomb")?.errors[0]).toMatch(/laughs\.yaml:1: .*Excessive alias count/);
  });

  it("refuses a kustomization path escaping the repo root", () => {
    expect(cell("escape")?.errors).toEqual([expect.stringContaining('"../../../../../../etc/passwd" escapes the repository root; refused')]);
  });

  it("detects a resources cycle", () => {
    expect(cell("loop")?.errors[0]).toContain("kustomize resources cycle: apps/loop/overlays/dev → apps/loop/base → apps/loop/overlays/dev");
  });

  it("skips files over 2 MB with a note", () => {
    expect(model.notes).toContain("apps/web/overlays/staging/huge.yaml: skipped: larger than 2 MB, not read");
  });

  it("reports an unknown layout with a note instead of failing", () => {
    const m = readRepository(new Map([["README.md", "# hello"], ["src/main.go", "package main"]]));
    expect(m.deployments).toEqual([]);
    expect(m.notes.some((n) => n.startsWith("no known GitOps layout found"))).toBe(true);
  });

  it("survives garbage in every known file name", () => {
    const junk = new Map([
      ["kustomization.yaml", "- just\n- a list"],
      ["apps/x/overlays/dev/kustomization.yaml", "resources: 7\nimages: {a: 1}\npatches: [1, null, {target: 3}]"],
      ["apps/x/base/kustomization.yaml", ""],
      ["argocd/app.yaml", "apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec: []"],
      ["clusters/a/k.yaml", "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nspec: {path: 42}"],
      [".ferry/config.yaml", "environments: nope"],
    ]);
    const m = readRepository(junk);
    expect(m.errors).toContainEqual(expect.objectContaining({ file: ".ferry/config.yaml", line: 1 }));
  });
});
