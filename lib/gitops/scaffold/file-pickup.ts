import type { ChangeSet } from "../change-set";
import type { FileTree } from "../model";
import { dirname, isUnder, isYamlPath, joinInRepo, normalizeRepoPath } from "../read/paths";
import { parseYamlDocuments } from "../yaml/parse";
import { asString, isRecord } from "../yaml/path";
import { sameRepoUrl } from "../repo-url";

// Which reconciler of the repository applies each new file of a scaffold (tenant onboarding writes
// namespaces, RBAC, Argo CD Applications or Flux Kustomizations, not app folders the reader turns into
// cells). A file is applied when an Argo CD Application or an ApplicationSet's git generator (of this
// repository), or a Flux Kustomization, takes in its folder: a kustomization.yaml there limits it to what
// its `resources` list. Reconcilers the change itself adds count once something applies their own file.
// Files whose neighbours nothing in the repository applies are applied the way those are today (a
// bootstrap outside the repository): said, not refused.

export interface FilePickup {
  path: string;
  /** "argocd/applications/billing.yaml (Application billing-tenant)", or null. */
  by: string | null;
  /** No reconciler here, but its folder's existing files are not applied by anything in the repository either: it goes the way they go. */
  likeNeighbours?: string;
}

export interface FilePickupCheck {
  /** Whether the repository has any Argo CD or Flux object at all; without one there is nothing to check. */
  reconciled: boolean;
  files: FilePickup[];
  /** New files nothing would apply. */
  missing: FilePickup[];
}

interface Reconciler {
  file: string;
  label: string;
  /** Whether it takes in `path` (after the change). */
  covers: (path: string) => boolean;
}

const sameRepo = (a: string | undefined, b: string) => !a || sameRepoUrl(a, b);

/** Files a folder contributes as a kustomize build (its kustomization's resources), or every YAML file in it (recursively when asked). */
function reach(tree: FileTree, dir: string, recursive: boolean, seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  if (seen.has(dir)) return out;
  seen.add(dir);
  const prefix = dir === "" ? "" : `${dir}/`;
  const kustomization = ["kustomization.yaml", "kustomization.yml", "Kustomization"].map((n) => prefix + n).find((p) => tree.has(p));
  if (kustomization) {
    out.add(kustomization);
    const doc = parseYamlDocuments(tree.get(kustomization) ?? "").documents[0]?.value;
    const entries = isRecord(doc) ? [...(Array.isArray(doc.resources) ? doc.resources : []), ...(Array.isArray(doc.bases) ? doc.bases : []), ...(Array.isArray(doc.components) ? doc.components : [])] : [];
    for (const entry of entries) {
      const target = typeof entry === "string" ? joinInRepo(dir, entry) : null;
      if (target === null) continue;
      if (tree.has(target)) out.add(target);
      else for (const p of reach(tree, target, false, seen)) out.add(p);
    }
    return out;
  }
  for (const p of tree.keys()) {
    if (!isYamlPath(p) || !p.startsWith(prefix)) continue;
    const rest = p.slice(prefix.length);
    if (!rest.includes("/") || recursive) out.add(p);
  }
  return out;
}

function globRegex(glob: string): RegExp {
  const body = glob.replace(/^\.?\/+/, "").replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*\*/g, "\u0000").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]").replace(/\u0000/g, ".*");
  return new RegExp(`^${body}$`);
}

/** Every `git` generator of an ApplicationSet, nested ones (matrix, merge) included. */
function gitGenerators(value: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(value)) for (const v of value) gitGenerators(v, out);
  else if (isRecord(value)) {
    if (isRecord(value.git)) out.push(value.git);
    for (const [k, v] of Object.entries(value)) if (k !== "git" && k !== "template") gitGenerators(v, out);
  }
  return out;
}

/** Flux GitRepository objects in the tree: "namespace/name" → url (sources defined elsewhere, like flux-system's own, are not here). */
function gitRepositories(tree: FileTree): Map<string, string> {
  const out = new Map<string, string>();
  for (const [file, text] of tree) {
    if (!isYamlPath(file) || !/kind:\s*GitRepository\b/.test(text)) continue;
    for (const d of parseYamlDocuments(text).documents) {
      const doc = d.value;
      if (!isRecord(doc) || doc.kind !== "GitRepository" || !isRecord(doc.metadata) || !isRecord(doc.spec)) continue;
      out.set(`${asString(doc.metadata.namespace) ?? "flux-system"}/${asString(doc.metadata.name) ?? ""}`, asString(doc.spec.url) ?? "");
    }
  }
  return out;
}

function reconcilersOf(tree: FileTree, file: string, repoURL: string, sources: ReadonlyMap<string, string>): Reconciler[] {
  const out: Reconciler[] = [];
  for (const d of parseYamlDocuments(tree.get(file) ?? "").documents) {
    const doc = d.value;
    if (!isRecord(doc)) continue;
    const kind = asString(doc.kind);
    const api = asString(doc.apiVersion) ?? "";
    const name = asString(isRecord(doc.metadata) ? doc.metadata.name : undefined) ?? "?";
    const spec = isRecord(doc.spec) ? doc.spec : {};
    const label = `${file} (${kind} ${name})`;
    if (kind === "Kustomization" && api.startsWith("kustomize.toolkit.fluxcd.io/")) {
      // Only a Kustomization of this repository's source: one of a tenant's own GitRepository applies that repository.
      const ref = isRecord(spec.sourceRef) ? spec.sourceRef : {};
      const namespace = asString(ref.namespace) ?? asString(isRecord(doc.metadata) ? doc.metadata.namespace : undefined) ?? "flux-system";
      const source = sources.get(`${namespace}/${asString(ref.name) ?? ""}`);
      if ((asString(ref.kind) ?? "GitRepository") !== "GitRepository" || (source !== undefined && !sameRepo(source, repoURL))) continue;
      const path = normalizeRepoPath(asString(spec.path) ?? "./");
      if (path === null) continue;
      const files = reach(tree, path, true);
      out.push({ file, label, covers: (p) => files.has(p) });
    } else if (kind === "Application" && api.startsWith("argoproj.io/")) {
      const sources = [spec.source, ...(Array.isArray(spec.sources) ? spec.sources : [])].filter(isRecord);
      const files = new Set<string>();
      for (const s of sources) {
        const path = asString(s.path);
        if (path === undefined || !sameRepo(asString(s.repoURL), repoURL)) continue;
        const dir = normalizeRepoPath(path);
        if (dir !== null) for (const p of reach(tree, dir, isRecord(s.directory) && s.directory.recurse === true)) files.add(p);
      }
      out.push({ file, label, covers: (p) => files.has(p) });
    } else if (kind === "ApplicationSet" && api.startsWith("argoproj.io/")) {
      const template = isRecord(spec.template) && isRecord(spec.template.spec) && isRecord(spec.template.spec.source) ? spec.template.spec.source : {};
      const pathIsDir = /^\{\{\s*\.?path(\.path)?\s*\}\}$/.test(asString(template.path) ?? "");
      const fileGlobs: RegExp[] = [];
      const dirGlobs: RegExp[] = [];
      for (const g of gitGenerators(spec.generators)) {
        if (!sameRepo(asString(g.repoURL), repoURL)) continue;
        for (const f of Array.isArray(g.files) ? g.files : []) if (isRecord(f) && typeof f.path === "string") fileGlobs.push(globRegex(f.path));
        for (const f of Array.isArray(g.directories) ? g.directories : []) if (isRecord(f) && typeof f.path === "string" && f.exclude !== true && pathIsDir) dirGlobs.push(globRegex(f.path));
      }
      const recurse = isRecord(template.directory) && template.directory.recurse === true;
      const cache = new Map<string, Set<string>>();
      out.push({
        file,
        label,
        covers: (p) =>
          fileGlobs.some((g) => g.test(p)) ||
          ancestors(p).some((dir) => dirGlobs.some((g) => g.test(dir)) && (cache.get(dir) ?? cache.set(dir, reach(tree, dir, recurse)).get(dir)!).has(p)),
      });
    }
  }
  return out;
}

function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let d = dirname(path); d !== "" && d !== "."; d = dirname(d)) out.push(d);
  return out;
}

/** Reads the tree with `changeSet` applied and says, for each new YAML file, which reconciler applies it. */
export function checkFilePickup(tree: FileTree, changeSet: ChangeSet, repoURL: string): FilePickupCheck {
  const after = new Map(tree);
  for (const e of changeSet.edits) {
    if (typeof e.content === "string") after.set(e.path, e.content);
    else after.delete(e.path);
  }
  const added = changeSet.edits.filter((e) => typeof e.content === "string" && !tree.has(e.path) && isYamlPath(e.path)).map((e) => e.path);
  const candidates = [...after.keys()].filter((p) => isYamlPath(p) && /kind:\s*(Application|ApplicationSet|Kustomization)\b/.test(after.get(p) ?? ""));
  const sources = gitRepositories(after);
  const byFile = new Map(candidates.map((f) => [f, reconcilersOf(after, f, repoURL, sources)] as const));
  const all = [...byFile.values()].flat();
  const reconciled = [...byFile.entries()].some(([f, r]) => tree.has(f) && r.length > 0);
  const appliedBy = (path: string, live: Reconciler[]) => live.find((r) => r.file !== path && r.covers(path)) ?? null;
  // What applies the repository's existing files from outside it (a bootstrap): a folder of such files takes new ones the same way.
  const outside = (path: string): string | undefined => {
    const dir = [dirname(path), ...ancestors(dirname(path))].find((d) => d !== "" && [...tree.keys()].some((p) => isYamlPath(p) && isUnder(p, d)));
    if (!dir) return undefined;
    const existing = [...tree.keys()].filter((p) => isYamlPath(p) && isUnder(p, dir));
    return existing.length > 0 && existing.every((p) => !all.some((r) => tree.has(r.file) && r.file !== p && r.covers(p))) ? dir : undefined;
  };
  // Existing reconcilers are applied today; a new one once its own file is.
  const live = all.filter((r) => tree.has(r.file));
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of all) {
      if (live.includes(r)) continue;
      if (appliedBy(r.file, live) || outside(r.file)) {
        live.push(r);
        grew = true;
      }
    }
  }
  const files = added.map((path): FilePickup => {
    const by = appliedBy(path, live);
    if (by) return { path, by: by.label };
    const like = reconciled ? outside(path) : undefined;
    return like ? { path, by: null, likeNeighbours: like } : { path, by: null };
  });
  return { reconciled, files, missing: reconciled ? files.filter((f) => f.by === null && !f.likeNeighbours) : [] };
}

/** The plan's lines: who applies the new files. */
export function filePickupNotes(check: FilePickupCheck): string[] {
  if (!check.reconciled) return ["No Argo CD or Flux object in this repository applies its files: the new files are applied by whatever applies the repository today."];
  return check.files.map((f) =>
    f.by ? `${f.path} is applied by ${f.by}.` : f.likeNeighbours ? `${f.path} is applied as the other files in ${f.likeNeighbours}/ are today: nothing in this repository applies them.` : `Warning: nothing in this repository applies ${f.path}.`,
  );
}
