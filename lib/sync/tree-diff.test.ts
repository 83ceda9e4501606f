import { describe, expect, it } from "vitest";
import { changedPaths, diffTrees, touches } from "./tree-diff";

describe("diffTrees", () => {
  it("finds added, modified and removed paths by blob SHA", () => {
    const before = new Map([
      ["a.yaml", "1"],
      ["b.yaml", "2"],
      ["c.yaml", "3"],
    ]);
    const after = new Map([
      ["a.yaml", "1"],
      ["b.yaml", "22"],
      ["d.yaml", "4"],
    ]);
    const diff = diffTrees(before, after);
    expect(diff).toEqual({ added: ["d.yaml"], modified: ["b.yaml"], removed: ["c.yaml"] });
    expect(changedPaths(diff).sort()).toEqual(["b.yaml", "c.yaml", "d.yaml"]);
  });

  it("is empty for identical trees", () => {
    const tree = new Map([["x", "1"]]);
    expect(changedPaths(diffTrees(tree, new Map(tree)))).toEqual([]);
  });
});

describe("touches", () => {
  it("matches files under the folder but not a sibling with the same prefix", () => {
    expect(touches(["apps/a/staging/deploy.yaml"], "apps/a/staging", [])).toBe(true);
    expect(touches(["apps/a/staging-eu/deploy.yaml"], "apps/a/staging", [])).toBe(false);
  });

  it("matches a listed file outside the folder (a shared base)", () => {
    expect(touches(["apps/a/base/deploy.yaml"], "apps/a/overlays/prod", ["apps/a/base/deploy.yaml"])).toBe(true);
  });
});
