import type { FileTree } from "@/lib/gitops/model";
import { limitConcurrency, PromiseCache } from "./promise-cache";
import { renderFolder, type FolderRender } from "./render-folder";

// One cache of folder renders per process, shared by the change page and the promote dialog: a commit's
// folder renders the same forever, so (repository, commit, folder) is the key, and the dialog's "before"
// side (the head) is the change page's base once the change is open. Bounded by the bytes of the
// rendered objects (64 MiB) as well as by count: one large Helm or kustomize output must not grow the
// process without limit. A timeout is not kept (the machine may have been busy).

const MAX_BYTES = 64 * 1024 * 1024;

/** Roughly the memory a kept render holds: its objects as JSON text (UTF-16 in memory, so at least this). */
export function renderBytes(render: FolderRender): number {
  return render.ok ? JSON.stringify(render.resources).length : render.reason.length;
}

const renders = new PromiseCache<FolderRender>(1_000, (r) => r.ok || !r.transient, { maxBytes: MAX_BYTES, sizeOf: renderBytes });
// Two cores are shared with the portal itself: one build at a time per process, whoever asks.
const oneAtATime = limitConcurrency(1);

/**
 * `dir` of `tree` rendered, once per process for (repository, `commit`, `dir`). `commit` names the tree:
 * a commit sha, or for a tree that is no commit yet (the dialog's planned change) its base and a hash of the edit.
 */
export function renderFolderCached(repositoryId: number, commit: string, tree: FileTree, dir: string, render: typeof renderFolder = renderFolder): Promise<FolderRender> {
  return renders.get(`${repositoryId}\u0000${commit}\u0000${dir}`, () => oneAtATime(() => render(tree, dir)));
}

/** What the cache holds now (for tests and the benchmark). */
export function folderCacheStats(): { entries: number; bytes: number } {
  return { entries: renders.size, bytes: renders.bytes };
}
