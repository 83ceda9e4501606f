import type { Candidate } from "./candidate";
import type { ReadContext } from "./context";
import { apiGroup, type DocsByKind } from "./documents";
import { KUSTOMIZATION_FILES, readKustomization } from "./kustomize/kustomization";
import { basename, dirname, isUnder } from "./paths";

/** Objects that can install a chart of this repository without an Argo CD Application naming its folder. */
const OTHER_DEPLOYER_KINDS = ["HelmRelease", "HelmChart", "GitRepo", "Bundle"];
const OTHER_DEPLOYER_SOURCES: readonly Candidate["source"][] = ["flux", "helmfile", "fleet", "configured"];

/**
 * Cells the layout guessed from a chart's `values-<env>.yaml` files where nothing deploys the chart: the
 * repository's Argo CD Applications deploy its folders, every one of them is known (no template left
 * unexpanded), none deploys the chart's folder (or a folder around or inside it) or reads a file of it, and
 * nothing else in the repository could install it (a Flux release, a helmfile, a Fleet bundle, kustomize's
 * chart inflation). Such a chart is a render input (`helm template charts/x -f values-prod.yaml | kustomize
 * build …` committed into the folders the Applications sync), not one deployment per values file.
 * `appDirs` is undefined when some Application's folder is not known.
 */
export function undeployedChartCells(ctx: ReadContext, kinds: DocsByKind, existing: readonly Candidate[], appDirs: ReadonlySet<string> | undefined, argoRows: readonly Candidate[]): Set<Candidate> {
  const out = new Set<Candidate>();
  if (!appDirs || appDirs.size === 0 || otherDeployers(ctx, kinds, existing)) return out;
  const read = new Set(argoRows.flatMap((c) => [...c.files, ...c.versions.map((v) => v.file)]));
  for (const c of existing) {
    const dir = c.appDir;
    if (c.source !== "helm-values" || !ctx.isChartDir(dir) || c.path === dir || !isUnder(c.path, dir)) continue;
    if ([...appDirs].some((d) => isUnder(d, dir) || isUnder(dir, d)) || [...read].some((f) => isUnder(f, dir))) continue;
    out.add(c);
  }
  for (const dir of new Set([...out].map((c) => c.appDir))) {
    const files = [...out].filter((c) => c.appDir === dir).map((c) => basename(c.path));
    ctx.note(`${dir}: no Argo CD Application deploys this chart (they deploy other folders of the repository): ${files.join(", ")} not read as environments`);
  }
  return out;
}

function otherDeployers(ctx: ReadContext, kinds: DocsByKind, existing: readonly Candidate[]): boolean {
  if (OTHER_DEPLOYER_KINDS.some((k) => (kinds.get(k) ?? []).length > 0)) return true;
  if ((kinds.get("Kustomization") ?? []).some((d) => apiGroup(d.value) === "kustomize.toolkit.fluxcd.io")) return true;
  if (existing.some((c) => OTHER_DEPLOYER_SOURCES.includes(c.source))) return true;
  const kustomizationDirs = ctx.index.paths.filter((p) => (KUSTOMIZATION_FILES as readonly string[]).includes(basename(p))).map(dirname);
  return kustomizationDirs.some((dir) => (readKustomization(ctx, dir)?.helmCharts.length ?? 0) > 0);
}
