import { describe, expect, it } from "vitest";
import { syntheticRepo } from "../testing/synthetic-repo";
import { createParseCache, readRepository } from "./index";

// Timings are measured by `npm run bench:index` (scripts/bench), which prints them next to their targets;
// these tests pin what those timings depend on: the read of a sync-sized repo, and the parse cache.
describe("reading a sync-sized repository", () => {
  const tree = syntheticRepo(125); // 1,500 files
  it("builds the synthetic repo the size a sync sees", () => {
    expect(tree.size).toBe(1_500);
  });

  it("indexes a 1,500-file repo", () => {
    expect(readRepository(tree).deployments.length).toBe(375);
  });

  it("re-indexes after a one-file commit from the parse cache, parsing only the changed file", () => {
    const cache = createParseCache();
    readRepository(tree, { parseCache: cache });
    const cached = cache.size;
    const changed = new Map(tree);
    changed.set("apps/app-0007/overlays/prod/kustomization.yaml", (tree.get("apps/app-0007/overlays/prod/kustomization.yaml") ?? "").replace("newTag: 1.1.0", "newTag: 1.9.9"));
    const model = readRepository(changed, { parseCache: cache });
    expect(cache.size).toBe(cached + 1);
    const cell = model.deployments.find((d) => d.app === "app-0007" && d.env === "prod");
    expect(cell?.versions.find((v) => v.name === "ghcr.io/acme/app-0007")?.value).toBe("1.9.9");
  });

  it("uses contentKey (e.g. blob SHAs) as the cache key when given", () => {
    const cache = createParseCache();
    const small = syntheticRepo(2);
    readRepository(small, { parseCache: cache, contentKey: (p) => `sha-of:${p}` });
    const sizeAfterFirst = cache.size;
    // Same keys, so the (unchanged) cached parse is used even though content differs: proves the key is honoured.
    const edited = new Map(small);
    edited.set("apps/app-0000/overlays/dev/kustomization.yaml", "garbage: [");
    const m = readRepository(edited, { parseCache: cache, contentKey: (p) => `sha-of:${p}` });
    expect(cache.size).toBe(sizeAfterFirst);
    expect(m.errors).toEqual([]);
  });
});
