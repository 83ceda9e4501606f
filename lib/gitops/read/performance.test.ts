import { describe, expect, it } from "vitest";
import { syntheticRepo } from "../testing/synthetic-repo";
import { createParseCache, readRepository } from "./index";

/**
 * CPU milliseconds (user + system) spent in `fn`: the budget is about work, and wall time on a shared
 * 2-core box also counts every other process. Runs once untimed first so the JIT is warm, as in a sync worker.
 */
function time(fn: () => void): number {
  fn();
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

describe("performance", () => {
  const tree = syntheticRepo(125); // 1,500 files
  it("builds the synthetic repo the size a sync sees", () => {
    expect(tree.size).toBe(1_500);
  });

  it("indexes a 1,500-file repo well within the per-repo budget (30,000 files / 10 s on 2 cores)", () => {
    let deployments = 0;
    const ms = time(() => {
      deployments = readRepository(tree).deployments.length;
    });
    expect(deployments).toBe(375);
    // 20 such repos on 2 cores in < 10 s leaves 1 s of one core per repo.
    expect(ms).toBeLessThan(1_000);
  });

  it("re-indexes after a one-file commit in < 300 ms with a parse cache", () => {
    const cache = createParseCache();
    readRepository(tree, { parseCache: cache });
    readRepository(tree, { parseCache: cache });
    const changed = new Map(tree);
    changed.set("apps/app-0007/overlays/prod/kustomization.yaml", (tree.get("apps/app-0007/overlays/prod/kustomization.yaml") ?? "").replace("newTag: 1.1.0", "newTag: 1.9.9"));
    const start = process.cpuUsage();
    const model = readRepository(changed, { parseCache: cache });
    const used = process.cpuUsage(start);
    const ms = (used.user + used.system) / 1000;
    expect(ms).toBeLessThan(300);
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
