import { describe, expect, it } from "vitest";
import type { FileTree } from "@/lib/gitops/model";
import { folderCacheStats, renderBytes, renderFolderCached } from "./folder-cache";
import type { FolderRender } from "./render-folder";

// The change page and the promote dialog ask the same cache: the same (repository, commit, folder)
// renders once per process, whoever asks and however often.

const tree: FileTree = new Map([["apps/a/production/kustomization.yaml", "resources: []\n"]]);

function counting() {
  const calls: string[] = [];
  const render = async (_tree: FileTree, dir: string): Promise<FolderRender> => {
    calls.push(dir);
    return { ok: true, resources: [{ key: `ConfigMap/${dir}`, kind: "ConfigMap", namespace: null, name: dir, object: { data: { k: "v" } } }], renderer: "test" };
  };
  return { calls, render };
}

describe("renderFolderCached", () => {
  it("renders a (repository, commit, folder) once, for concurrent and later asks", async () => {
    const { calls, render } = counting();
    const ask = () => renderFolderCached(7, "c".repeat(40), tree, "apps/a/production", render);
    const [first, second] = await Promise.all([ask(), ask()]);
    expect(await ask()).toBe(first);
    expect(second).toBe(first);
    expect(calls).toEqual(["apps/a/production"]);
  });

  it("renders again for another commit, folder or repository", async () => {
    const { calls, render } = counting();
    await renderFolderCached(7, "d".repeat(40), tree, "apps/a/production", render);
    await renderFolderCached(7, "d".repeat(40), tree, "apps/a/staging", render);
    await renderFolderCached(8, "d".repeat(40), tree, "apps/a/production", render);
    expect(calls).toEqual(["apps/a/production", "apps/a/staging", "apps/a/production"]);
  });

  it("counts the kept renders' bytes", async () => {
    const before = folderCacheStats();
    const { render } = counting();
    const kept = await renderFolderCached(9, "e".repeat(40), tree, "apps/b/production", render);
    expect(folderCacheStats()).toEqual({ entries: before.entries + 1, bytes: before.bytes + renderBytes(kept) });
    expect(renderBytes(kept)).toBe(JSON.stringify(kept.ok ? kept.resources : []).length);
  });
});
