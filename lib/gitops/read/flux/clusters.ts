import { asString, getAtPath } from "../../yaml";
import type { ReadContext } from "../context";
import type { DocsByKind } from "../documents";
import { BASE_DIR_NAMES } from "../detect/layout-names";
import { basename, dirname, isUnder, normalizeRepoPath, segments } from "../paths";
import { reachableDirs } from "./destinations";
import { isFluxKustomization, isHelmRelease, sourceRefOf } from "./objects";
import { selfSourceNames } from "./sources";

/** A cluster Flux reconciles from this repository: the folder its bootstrap Kustomization applies. */
export interface ClusterRoot {
  name: string;
  dir: string;
  /** Why this folder is a cluster, for notes. */
  evidence: string;
}

/** Folder names that say what a folder is for, not which cluster it is: a cluster is named after the nearest other one. */
const GENERIC_FOLDER_NAMES = new Set(["bootstrap", "cluster", "clusters", "config", "configs", "deploy", "flux", "flux-system", "gitops", "k8s", "kube", "kubernetes", "manifests", "sync"]);

/** More entry points than this found by the fallback means the repository is not wired from cluster folders. */
const MAX_INFERRED_ROOTS = 6;

/** Shared bases of cluster groups (`_base`, `base`) are included by clusters, not clusters themselves. */
function isSharedFolder(dir: string): boolean {
  const name = basename(dir);
  return name.startsWith("_") || BASE_DIR_NAMES.has(name);
}

/**
 * Entry points, the way Flux is bootstrapped: a folder holding `flux-system/` (what `flux bootstrap`
 * writes), a FluxInstance's `spec.sync.path`, or a `clusters/<name>/` folder holding Flux Kustomizations.
 */
export function discoverClusters(ctx: ReadContext, kinds: DocsByKind): ClusterRoot[] {
  const roots = new Map<string, ClusterRoot>();
  const add = (dir: string, evidence: string) => {
    if (!roots.has(dir) && !isSharedFolder(dir)) roots.set(dir, { name: "", dir, evidence });
  };
  const appsOfNamespaceFolder = namespaceFolders(kinds);
  for (const dir of ctx.index.allDirs()) {
    if (basename(dir) !== "flux-system" || dir === "flux-system" || appsOfNamespaceFolder.has(dir)) continue;
    const parent = dirname(dir);
    if (ctx.index.filesUnder(dir).some((f) => f.endsWith(".yaml") || f.endsWith(".yml"))) add(parent, `${dir}/`);
  }
  for (const d of kinds.get("FluxInstance") ?? []) {
    const raw = asString(getAtPath(d.value, ["spec", "sync", "path"]));
    const path = raw === undefined || raw.includes("${") ? null : normalizeRepoPath(raw);
    if (path !== null && path !== "" && ctx.index.hasDir(path)) add(path, `FluxInstance in ${d.file}`);
  }
  // The flux-operator's chart takes the FluxInstance as HelmRelease values.
  for (const d of kinds.get("HelmRelease") ?? []) {
    if (!isHelmRelease(d.value)) continue;
    const raw = asString(getAtPath(d.value, ["spec", "values", "instance", "sync", "path"]));
    const path = raw === undefined || raw.includes("${") ? null : normalizeRepoPath(raw);
    if (path !== null && path !== "" && ctx.index.hasDir(path)) add(path, `FluxInstance values of HelmRelease in ${d.file}`);
  }
  for (const d of kinds.get("Kustomization") ?? []) {
    if (!isFluxKustomization(d.value)) continue;
    const segs = segments(d.file);
    const i = segs.indexOf("clusters");
    if (i < 0 || i + 2 >= segs.length) continue;
    const dir = segs.slice(0, i + 2).join("/");
    // A cluster group's folder (`clusters/group/{a,b}` bootstrapped separately) is not a cluster itself.
    if ([...roots.keys()].some((r) => isUnder(d.file, r) || isUnder(r, dir))) continue;
    add(dir, `Flux Kustomization in ${d.file}`);
  }
  if (roots.size === 0) for (const r of inferredRoots(ctx, kinds)) add(r.dir, r.evidence);
  return nameClusters([...roots.values()].sort((a, b) => a.dir.localeCompare(b.dir)));
}

/**
 * `flux-system` folders that hold apps of the `flux-system` namespace (`apps/flux-system/<app>/ks.yaml`
 * applying `apps/flux-system/<app>/app`), not a bootstrap: a bootstrap's Kustomization applies the
 * cluster folder around it, never a folder inside `flux-system/`.
 */
function namespaceFolders(kinds: DocsByKind): Set<string> {
  const out = new Set<string>();
  for (const d of kinds.get("Kustomization") ?? []) {
    if (!isFluxKustomization(d.value)) continue;
    const segs = segments(d.file);
    const i = segs.lastIndexOf("flux-system", segs.length - 2);
    if (i <= 0) continue;
    const folder = segs.slice(0, i + 1).join("/");
    const path = normalizeRepoPath(asString(getAtPath(d.value, ["spec", "path"])) ?? "./");
    if (path !== null && path !== folder && isUnder(path, folder)) out.add(folder);
  }
  return out;
}

/**
 * Repositories bootstrapped from outside (flux-operator installed by Helm, `flux bootstrap --path` with the
 * sync objects kept out of git) have no `flux-system/` folder to start from. Their entry point is the
 * folder of the Flux Kustomizations no other Flux Kustomization of this repository applies, provided
 * they wire the rest: they apply further Flux Kustomizations, or a path outside their own folder.
 * A team repository whose apps each carry their own Kustomization has many such folders and none wiring
 * the others; it is left to the folder layout.
 */
function inferredRoots(ctx: ReadContext, kinds: DocsByKind): { dir: string; evidence: string }[] {
  const declared = new Set((kinds.get("GitRepository") ?? []).map((d) => asString(getAtPath(d.value, ["metadata", "name"])) ?? ""));
  const self = selfSourceNames(kinds, (dir) => ctx.index.hasDir(dir));
  const ks: { file: string; path: string }[] = [];
  for (const d of kinds.get("Kustomization") ?? []) {
    if (!isFluxKustomization(d.value)) continue;
    const ref = sourceRefOf(d.value);
    // Another declared GitRepository is another repository: its paths are not folders of this one.
    if (ref && (ref.kind !== "GitRepository" || (ref.name !== "flux-system" && declared.has(ref.name) && !self.has(ref.name)))) continue;
    const raw = asString(getAtPath(d.value, ["spec", "path"])) ?? "./";
    const path = raw.includes("${") ? null : normalizeRepoPath(raw);
    if (path !== null && ctx.index.hasDir(path)) ks.push({ file: d.file, path });
  }
  if (ks.length === 0) return [];
  // Which Kustomizations reach each folder: their path, and what kustomizations there include.
  const reachers = new Map<string, Set<number>>();
  ks.forEach((k, i) => {
    for (const dir of reachableDirs(ctx, k.path)) {
      const set = reachers.get(dir) ?? new Set<number>();
      set.add(i);
      reachers.set(dir, set);
    }
  });
  const appliedBy = (i: number): number[] => {
    const out = new Set<number>();
    const own = dirname(ks[i]?.file ?? "");
    for (const [p, set] of reachers) if (isUnder(own, p)) for (const j of set) if (j !== i) out.add(j);
    return [...out];
  };
  const wires = new Set<number>();
  const roots: number[] = [];
  ks.forEach((_, i) => {
    const by = appliedBy(i);
    for (const j of by) wires.add(j);
    if (by.length === 0) roots.push(i);
  });
  const dirs = new Map<string, string>();
  for (const i of roots) {
    const k = ks[i];
    if (!k) continue;
    const dir = dirname(k.file);
    if (wires.has(i) || !isUnder(k.path, dir)) dirs.set(dir, dirs.get(dir) ?? `Flux Kustomization in ${k.file} that nothing else applies`);
  }
  if (dirs.size > MAX_INFERRED_ROOTS) return [];
  return [...dirs].map(([dir, evidence]) => ({ dir, evidence }));
}

/**
 * A cluster is named after its folder, skipping generic folder names (`kubernetes/main/flux` → `main`;
 * nothing but generic names → `default`); two clusters of the same name take their parent's as a prefix.
 */
function nameClusters(roots: ClusterRoot[]): ClusterRoot[] {
  const named = roots.map((r) => ({ root: r, chain: segments(r.dir).filter((s) => !GENERIC_FOLDER_NAMES.has(s)) }));
  const count = new Map<string, number>();
  const base = (chain: string[]) => chain[chain.length - 1] ?? "default";
  for (const n of named) count.set(base(n.chain), (count.get(base(n.chain)) ?? 0) + 1);
  return named.map(({ root, chain }) => {
    const name = base(chain);
    const parent = chain[chain.length - 2];
    return { ...root, name: (count.get(name) ?? 0) > 1 && parent ? `${parent}-${name}` : name };
  });
}
