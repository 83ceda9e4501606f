import { basename, dirname } from "./paths";
import type { DirReaders } from "./dir-versions";
import type { DocsByKind } from "./documents";
import { KUSTOMIZATION_FILES } from "./kustomize/kustomization";

/** Past this many kustomizations, a repository is not searched for the ones that patch its ApplicationSets. */
const MAX_BUILDS = 300;

export interface KustomizedSet {
  file: string;
  doc: number;
  /** The ApplicationSet as the kustomization builds it. */
  value: Record<string, unknown>;
  /** The kustomization that builds it: what Argo CD (or `oc apply -k`) applies. */
  root: string;
  /** The environment (cluster) the root's folder names. */
  env: string;
}

/**
 * ApplicationSets that kustomize overlays change per cluster (a JSON patch points the generator at
 * `cluster-definitions/<cluster>/…`): each overlay that includes the file and patches it is one instance,
 * read as built, in the environment its folder names. The file as written is then a base, not an instance.
 * Only roots count: a kustomization another one includes is part of that one's build.
 */
export function kustomizedApplicationSets(r: DirReaders, kinds: DocsByKind): KustomizedSet[] {
  const sets = kinds.get("ApplicationSet") ?? [];
  if (sets.length === 0) return [];
  const raw = new Map(sets.map((d) => [`${d.file}#${d.doc}`, JSON.stringify(d.value)]));
  const dirs = r.ctx.index.paths.filter((p) => (KUSTOMIZATION_FILES as readonly string[]).includes(basename(p))).map(dirname);
  if (dirs.length > MAX_BUILDS) return [];
  const found: KustomizedSet[] = [];
  const included = new Set<string>();
  for (const dir of dirs) {
    const build = r.resolver.build(dir);
    for (const f of build.files) if (dirname(f) !== dir && (KUSTOMIZATION_FILES as readonly string[]).includes(basename(f))) included.add(dirname(f));
    for (const res of build.resources) {
      const written = raw.get(`${res.file}#${res.doc}`);
      if (written === undefined || res.obj.kind !== "ApplicationSet" || JSON.stringify(res.obj) === written) continue;
      found.push({ file: res.file, doc: res.doc, value: res.obj, root: dir, env: envOfRoot(dir) });
    }
  }
  return found.filter((s) => !included.has(s.root));
}

/** `…/overlays/<cluster>/apps-of-apps`: the folder after `overlays` names it; otherwise the root's own folder. */
function envOfRoot(dir: string): string {
  const parts = dir.split("/");
  const at = parts.lastIndexOf("overlays");
  return (at >= 0 ? parts[at + 1] : undefined) ?? basename(dir);
}
