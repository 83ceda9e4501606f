import type { FileTree, RepoModel } from "@/lib/gitops/model";
import { diffRendered, type RenderedDiff } from "./manifests";
import { kustomizationIn } from "./outside-refs";
import type { FolderRender } from "./render-folder";

/** One environment folder rendered before and after a change. */
export interface FolderComparison {
  path: string;
  /** The cells (`app/env`) deployed from this folder that the change alters. */
  cells: string[];
  outcome: { ok: true; renderer: string; diff: RenderedDiff } | { ok: false; reason: string };
}

export interface Cell {
  app: string;
  env: string;
}

/**
 * The folders to render for the cells a change alters: each cell's environment folder as the reader
 * recorded it (the overlay for kustomize), from the model before the change or, for a cell the change
 * creates, after it. Cells deployed from one folder share it.
 */
export function foldersOf(cells: readonly Cell[], before: RepoModel, after: RepoModel | null): { path: string; cells: string[] }[] {
  const byPath = new Map<string, string[]>();
  for (const cell of cells) {
    const d = before.deployments.find((x) => x.app === cell.app && x.env === cell.env) ?? after?.deployments.find((x) => x.app === cell.app && x.env === cell.env);
    if (!d) continue;
    byPath.set(d.path, [...(byPath.get(d.path) ?? []), `${cell.app}/${cell.env}`]);
  }
  return [...byPath].map(([path, c]) => ({ path, cells: c.sort() })).sort((a, b) => a.path.localeCompare(b.path));
}

export type FolderRenderer = (side: "before" | "after", tree: FileTree, path: string) => Promise<FolderRender>;

/** Renders `path` in both trees and compares them; a folder only one side has renders as empty on the other. */
export async function compareFolder(before: FileTree, after: FileTree, path: string, render: FolderRenderer): Promise<FolderComparison["outcome"]> {
  const hasBefore = folderIn(before, path);
  const hasAfter = folderIn(after, path);
  if (!hasBefore && !hasAfter) {
    const r = await render("after", after, path);
    return r.ok ? { ok: true, renderer: r.renderer, diff: diffRendered([], r.resources) } : { ok: false, reason: r.reason };
  }
  const empty: FolderRender = { ok: true, resources: [], renderer: "" };
  const [a, b] = await Promise.all([hasBefore ? render("before", before, path) : Promise.resolve(empty), hasAfter ? render("after", after, path) : Promise.resolve(empty)]);
  if (!a.ok) return { ok: false, reason: `Before the change: ${a.reason}` };
  if (!b.ok) return { ok: false, reason: `After the change: ${b.reason}` };
  return { ok: true, renderer: a.renderer || b.renderer, diff: diffRendered(a.resources, b.resources) };
}

/** `path` is there to render in `tree`: a kustomization, or any file in or under the folder (a plain manifest folder). */
function folderIn(tree: FileTree, path: string): boolean {
  if (kustomizationIn(tree, path) !== null) return true;
  const prefix = path === "" || path === "." ? "" : `${path}/`;
  for (const file of tree.keys()) if (file.startsWith(prefix)) return true;
  return false;
}
