import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FileTree } from "@/lib/gitops/model";
import { findRenderer, renderLimitsFromEnv, runKustomize, type RenderLimits, type Renderer } from "./kustomize-runner";
import { ManifestParseError, parseRendered, type RenderedResource } from "./manifests";
import { kustomizationIn, outsideReference } from "./outside-refs";

export type FolderRender =
  | { ok: true; resources: RenderedResource[]; renderer: string }
  /** Why there is no rendering: no binary, not a kustomize folder, a failed build, a timeout. */
  | { ok: false; reason: string; transient: boolean };

export interface RenderOptions {
  renderer?: Renderer;
  limits?: RenderLimits;
}

/**
 * Renders one folder of a repository tree: the tree is written to a temp folder (text files only, as
 * the sync read them: symlinks and submodules never reach it) and kustomize builds `dir` there.
 */
export async function renderFolder(tree: FileTree, dir: string, options: RenderOptions = {}): Promise<FolderRender> {
  const found = options.renderer ? { renderer: options.renderer } : findRenderer();
  if ("unavailable" in found) return { ok: false, reason: found.unavailable, transient: false };
  // A cell read from an Argo CD Application or Flux resource is recorded by that file, not a folder.
  if (tree.has(dir)) return { ok: false, reason: `the cell is defined by the file ${dir}, not a kustomize folder: only kustomize folders are rendered.`, transient: false };
  if (!kustomizationIn(tree, dir)) return { ok: false, reason: `${dir || "the repository root"} has no kustomization.yaml: only kustomize folders are rendered.`, transient: false };
  const outside = outsideReference(tree, dir);
  if (outside) return { ok: false, reason: outside, transient: false };
  const root = mkdtempSync(path.join(tmpdir(), "ferry-render-"));
  try {
    writeTree(root, tree);
    const outcome = await runKustomize(found.renderer, root, dir, options.limits ?? renderLimitsFromEnv());
    // A timeout may be the machine being busy: worth another try later, unlike a build error.
    if (!outcome.ok) return { ok: false, reason: outcome.reason, transient: outcome.kind === "timeout" };
    try {
      return { ok: true, resources: parseRendered(outcome.output), renderer: found.renderer.label };
    } catch (error) {
      if (error instanceof ManifestParseError) return { ok: false, reason: `${found.renderer.label} output: ${error.message}`, transient: false };
      throw error;
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function writeTree(root: string, tree: FileTree): void {
  for (const [file, content] of tree) {
    // Tree paths come from git and are relative already; refuse anything that would land elsewhere.
    const full = path.resolve(root, file);
    if (!full.startsWith(`${root}${path.sep}`)) continue;
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
}
