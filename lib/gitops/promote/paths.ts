import type { FileTree } from "../model";

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

export function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** `path` is `dir` itself or inside it (a Deployment's path may be a folder or the one file that wires it). */
export function isUnder(path: string, dir: string): boolean {
  if (dir === "" || dir === ".") return true;
  return path === dir || path.startsWith(`${dir.replace(/\/+$/, "")}/`);
}

/** `apps/x/staging/a.yaml` re-rooted from `apps/x/staging` to `apps/x/production`. */
export function reroot(path: string, from: string, to: string): string {
  if (from === "" || from === ".") return `${to}/${path}`;
  return `${to}${path.slice(from.replace(/\/+$/, "").length)}`;
}

/** The kustomization file of `dir`, when `dir` is a kustomize directory. */
export function kustomizationOf(tree: FileTree, dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map((f) => (dir === "" ? f : `${dir}/${f}`)).find((f) => tree.has(f));
}
