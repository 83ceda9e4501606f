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
  // A cell read from an Argo CD Application or Flux resource is recorded by that file, not a folder.
  if (tree.has(dir)) return { ok: false, reason: `the cell is defined by the file ${dir}, not a folder: only kustomize and plain manifest folders are rendered.`, transient: false };
  if (!kustomizationIn(tree, dir)) return plainFolder(tree, dir);
  const found = options.renderer ? { renderer: options.renderer } : findRenderer();
  if ("unavailable" in found) return { ok: false, reason: found.unavailable, transient: false };
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

const MANIFEST = /\.(ya?ml|json)$/;

/**
 * A folder without kustomization.yaml is applied as its own manifests (Argo CD's directory source, not
 * recursive unless asked): each YAML or JSON file directly in it, its documents the objects. No binary
 * runs. A Helm chart folder is not rendered here, and says so.
 */
function plainFolder(tree: FileTree, dir: string): FolderRender {
  const where = dir || "the repository root";
  const prefix = dir === "" || dir === "." ? "" : `${dir}/`;
  const direct = [...tree.keys()].filter((f) => f.startsWith(prefix) && !f.slice(prefix.length).includes("/")).sort();
  if (direct.some((f) => /^Chart\.ya?ml$/.test(f.slice(prefix.length)))) {
    return { ok: false, reason: `${where} is a Helm chart: rendering Helm charts is not available yet.`, transient: false };
  }
  const files = direct.filter((f) => MANIFEST.test(f));
  if (files.length === 0) return { ok: false, reason: `${where} has no kustomization.yaml and no manifest files: there is nothing to render.`, transient: false };
  const resources: RenderedResource[] = [];
  for (const file of files) {
    try {
      resources.push(...parseRendered(tree.get(file) ?? ""));
    } catch (error) {
      if (error instanceof ManifestParseError) return { ok: false, reason: `${file}: ${error.message.replace("the rendered output", "the file")}`, transient: false };
      throw error;
    }
  }
  const stray = resources.find((r) => typeof r.object.apiVersion !== "string" || r.kind === "(no kind)");
  if (stray) return { ok: false, reason: `${where} holds a document that is not a Kubernetes object (${stray.key}, no apiVersion or kind): it would not apply as it is.`, transient: false };
  return { ok: true, resources, renderer: "plain manifests" };
}
