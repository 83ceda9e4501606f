import { asString, getAtPath } from "../../yaml";
import type { ReadContext } from "../context";
import type { DocsByKind } from "../documents";
import { BASE_DIR_NAMES } from "../detect/layout-names";
import { basename, dirname, isUnder, normalizeRepoPath, segments } from "../paths";
import { isFluxKustomization } from "./objects";

/** A cluster Flux reconciles from this repository: the folder its bootstrap Kustomization applies. */
export interface ClusterRoot {
  name: string;
  dir: string;
  /** Why this folder is a cluster, for notes. */
  evidence: string;
}

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
  for (const dir of ctx.index.allDirs()) {
    if (basename(dir) !== "flux-system" || dir === "flux-system") continue;
    const parent = dirname(dir);
    if (ctx.index.filesUnder(dir).some((f) => f.endsWith(".yaml") || f.endsWith(".yml"))) add(parent, `${dir}/`);
  }
  for (const d of kinds.get("FluxInstance") ?? []) {
    const raw = asString(getAtPath(d.value, ["spec", "sync", "path"]));
    const path = raw === undefined || raw.includes("${") ? null : normalizeRepoPath(raw);
    if (path !== null && path !== "" && ctx.index.hasDir(path)) add(path, `FluxInstance in ${d.file}`);
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
  return nameClusters([...roots.values()].sort((a, b) => a.dir.localeCompare(b.dir)));
}

/** A cluster is named after its folder; two folders of the same name take their parent's as a prefix. */
function nameClusters(roots: ClusterRoot[]): ClusterRoot[] {
  const count = new Map<string, number>();
  for (const r of roots) count.set(basename(r.dir), (count.get(basename(r.dir)) ?? 0) + 1);
  return roots.map((r) => {
    const base = basename(r.dir);
    const parent = basename(dirname(r.dir));
    return { ...r, name: (count.get(base) ?? 0) > 1 && parent ? `${parent}-${base}` : base };
  });
}
