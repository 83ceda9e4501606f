import { posix } from "node:path";
import { parse } from "yaml";
import type { FileTree } from "@/lib/gitops/model";

// kustomize builds any directory it is pointed at, on disk or on the network: `resources: [/srv/other]`
// or a git URL would make the portal render (and show) what is not in the repository. Before a build,
// every kustomization the folder reaches is checked, and such a reference is refused with its reason.

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

export function kustomizationIn(tree: FileTree, dir: string): string | null {
  for (const f of KUSTOMIZATION_FILES) {
    const p = dir === "" || dir === "." ? f : `${dir}/${f}`;
    if (tree.has(p)) return p;
  }
  return null;
}

/** Why `dir` may not be built from this tree (a remote or outside reference), or null. */
export function outsideReference(tree: FileTree, dir: string): string | null {
  const seen = new Set<string>();
  const visit = (folder: string): string | null => {
    if (seen.has(folder)) return null;
    seen.add(folder);
    const file = kustomizationIn(tree, folder);
    if (!file) return null;
    let doc: unknown;
    try {
      doc = parse(tree.get(file) ?? "", { uniqueKeys: false });
    } catch {
      return null; // kustomize reports the parse error itself.
    }
    for (const ref of referencesOf(doc)) {
      if (isRemote(ref)) return `${file} refers to the remote ${ref}: remote bases are not fetched for rendering.`;
      if (posix.isAbsolute(ref)) return `${file} refers to ${ref}, outside the repository.`;
      const target = posix.normalize(posix.join(folder, ref));
      if (target === ".." || target.startsWith("../")) return `${file} refers to ${ref}, outside the repository.`;
      const nested = visit(target === "." ? "" : target);
      if (nested) return nested;
    }
    return null;
  };
  return visit(dir);
}

function isRemote(ref: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) || /^git@/.test(ref) || /\?ref=|\/\/.*@|^(github|gitlab|bitbucket)\.(com|org)\//i.test(ref);
}

/** Every path-like string a kustomization names: bases, components, patches, generator files. */
function referencesOf(doc: unknown): string[] {
  if (!isRecord(doc)) return [];
  const out: string[] = [];
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  for (const key of ["resources", "bases", "components", "crds", "patchesStrategicMerge", "configurations", "transformers", "generators", "validators"]) {
    // Inline YAML in a list is not a path.
    out.push(...strings(doc[key]).filter((s) => !s.includes("\n")));
  }
  for (const key of ["patches", "patchesJson6902", "replacements"]) {
    for (const p of Array.isArray(doc[key]) ? doc[key] : []) if (isRecord(p) && typeof p.path === "string") out.push(p.path);
  }
  for (const key of ["configMapGenerator", "secretGenerator"]) {
    for (const g of Array.isArray(doc[key]) ? doc[key] : []) {
      if (!isRecord(g)) continue;
      for (const f of [...strings(g.files), ...strings(g.envs), ...(typeof g.env === "string" ? [g.env] : [])]) out.push(f.includes("=") ? f.slice(f.indexOf("=") + 1) : f);
    }
  }
  for (const h of Array.isArray(doc.helmCharts) ? doc.helmCharts : []) if (isRecord(h) && typeof h.valuesFile === "string") out.push(h.valuesFile);
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
