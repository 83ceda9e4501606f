import type { FileTree } from "../model";
import { basename, isUnder, isYamlPath, normalizeRepoPath } from "../read/paths";
import { isRecord, parseYamlDocuments } from "../yaml";

const NAMING_KEYS = new Set(["valuesFiles", "valuesFile"]);

/** `${cluster}` (Flux substitution), `{{ .env }}` (templates): the name is known only once rendered. */
function loosePattern(name: string): RegExp | null {
  if (!/\$\{|\{\{/.test(name)) return null;
  const parts = name.split(/\$\{[^}]*\}|\{\{[^}]*\}\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`(^|/)${parts.join("[^/]*")}$`);
}

interface Mention {
  /** Names `file` by its repository path under a values-file key (a Flux chart spec's `valuesFiles`). */
  exact: boolean;
}

/** Every string in `node` that may name `file`: by its repository path, by a path it ends with, or by a pattern. */
function mentions(node: unknown, file: string, key: string | null, out: Mention[], depth = 0): void {
  if (depth > 60) return;
  if (typeof node === "string") {
    const name = node.trim();
    if (name === "") return;
    const normal = normalizeRepoPath(name);
    const pattern = loosePattern(name);
    if (normal === file) out.push({ exact: key !== null && NAMING_KEYS.has(key) });
    else if ((normal !== null && normal !== "" && file.endsWith(`/${normal}`)) || pattern?.test(file)) out.push({ exact: false });
    return;
  }
  if (Array.isArray(node)) {
    for (const item of node) mentions(item, file, key, out, depth + 1);
    return;
  }
  if (!isRecord(node)) return;
  // A JSON 6902 op that sets the chart spec's list: its `value` names files as `valuesFiles` would.
  const op = typeof node.op === "string" && typeof node.path === "string" && /\/valuesFiles?(\/|$)/.test(node.path);
  for (const [k, v] of Object.entries(node)) mentions(v, file, op && k === "value" ? "valuesFiles" : NAMING_KEYS.has(k) ? k : key, out, depth + 1);
}

/**
 * Whether values file `file` belongs to the environment in `dir` alone: a chart spec under `dir` names it
 * in `valuesFiles` (Flux reads those paths from the source's root), and nothing outside `dir` names it in
 * any way (a relative name, a `${cluster}` pattern). A chart's own `values.yaml`, read by default, is
 * nobody's own.
 */
export function valuesFileOwnedBy(tree: FileTree, file: string, dir: string): boolean {
  const base = basename(file);
  let owned = false;
  for (const [path, text] of tree) {
    if (path === file || !isYamlPath(path) || !(text.includes(base) || text.includes("${") || text.includes("{{"))) continue;
    const found: Mention[] = [];
    for (const doc of parseYamlDocuments(text).documents) mentions(doc.value, file, null, found);
    if (found.length === 0) continue;
    if (!isUnder(path, dir)) return false;
    if (found.some((m) => m.exact)) owned = true;
  }
  return owned;
}
