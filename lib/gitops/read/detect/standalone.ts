import type { Candidate } from "../candidate";
import type { ReadContext } from "../context";
import { chartAppName, chartDirVersions, readDirVersions, type DirReaders } from "../dir-versions";
import { apiGroup, type DocsByKind } from "../documents";
import { KUSTOMIZATION_FILES, isRemoteResource, readKustomization } from "../kustomize/kustomization";
import { asString, getAtPath } from "../../yaml";
import { basename, dirname, isUnder, isYamlPath, joinInRepo, normalizeRepoPath, segments } from "../paths";
import { dedupeVersions } from "../versions";
import { BASE_DIR_NAMES } from "./layout-names";
import { holdsWorkload } from "./workload-files";

/** Env of the deployments of a repository without environments (one folder per app, one cluster). */
export const SINGLE_ENV_NAME = "default";

/** Kinds that wire deployments (Argo CD, Flux) rather than being deployed versions themselves. */
const WIRING_KINDS = new Set(["Application", "ApplicationSet", "AppProject", "Kustomization", "GitRepository", "HelmRepository", "OCIRepository", "FluxInstance", "ResourceSet"]);

/** Whether the read found an environment structure: more than one environment among the deployments. */
export function hasEnvironmentStructure(candidates: readonly Candidate[]): boolean {
  return new Set(candidates.map((c) => c.env)).size > 1;
}

/**
 * A repository without environments (at most one found by the layout detectors and the wiring), with
 * one folder per app: every folder that can be deployed on its own and that nothing else claimed is
 * one app, in a single environment. Deployable on its own means a kustomization (not a Component, not
 * a folder named like a base), a Helm chart (not a subchart), or plain manifests with a workload, and
 * it must hold at least one version (or a problem reading one): config-only folders stay out of the
 * matrix. A folder inside or around a folder already claimed is left alone, and so is a folder a Flux
 * Kustomization reconciles (the Flux wiring places it in its cluster). A repository whose root is a
 * kustomization or a chart is one app (repo per app).
 * The environment is `default`, as for Argo CD Applications whose name, namespace and project name none.
 */
export function detectStandaloneApps(r: DirReaders, kinds: DocsByKind, existing: readonly Candidate[], placed: ReadonlySet<Candidate> = new Set()): Candidate[] {
  const env = SINGLE_ENV_NAME;
  const { ctx } = r;
  // Helm charts whose templates are Argo CD Applications (app of apps): wiring, not an app.
  // (Chart templates are not parsed as manifests: their text says what they render.)
  if (ctx.index.paths.some((p) => ctx.inChartTemplates(p) && /^kind:\s*["']?Application(Set)?["']?\s*$/m.test(ctx.index.read(p) ?? ""))) ctx.conventions.add("argocd-app-of-apps");
  // Environments a reconciler places every app in (a Fleet GitRepo's targets) say nothing about the folders.
  if (hasEnvironmentStructure(existing.filter((c) => !placed.has(c)))) return [];
  const claimed = existing.flatMap((c) => [c.path, c.appDir].filter((p) => !isYamlPath(p) || ctx.index.hasDir(p)));
  const fileConsumed = new Set<string>();
  const kustomizationDirs = new Set(ctx.index.paths.filter((p) => (KUSTOMIZATION_FILES as readonly string[]).includes(basename(p))).map(dirname));
  const componentDirs = new Set<string>();
  for (const dir of kustomizationDirs) {
    const k = readKustomization(ctx, dir);
    if (!k) continue;
    if (k.kind === "Component") componentDirs.add(dir);
    for (const c of k.components) {
      const t = joinInRepo(dir, c.entry);
      if (t !== null) componentDirs.add(t);
    }
    for (const res of k.resources) {
      if (isRemoteResource(res.entry)) continue;
      const t = joinInRepo(dir, res.entry);
      if (t !== null && ctx.index.hasFile(t) && dirname(t) !== dir) fileConsumed.add(dirname(t));
    }
  }
  const wiringFiles = new Set<string>();
  for (const kind of WIRING_KINDS) for (const d of kinds.get(kind) ?? []) wiringFiles.add(d.file);
  // Folders a Flux Kustomization reconciles: the Flux wiring says in which cluster (env) they run.
  const fluxPaths: string[] = [];
  for (const d of kinds.get("Kustomization") ?? []) {
    if (apiGroup(d.value) !== "kustomize.toolkit.fluxcd.io") continue;
    const path = normalizeRepoPath(asString(getAtPath(d.value, ["spec", "path"])) ?? "");
    if (path !== null && !path.includes("${")) fluxPaths.push(path);
  }

  const chosen: string[] = [];
  const out: Candidate[] = [];
  // The root first: a repository whose root is deployable (repo per app) is that one app.
  const dirs = ctx.index.allDirs().sort((a, b) => segments(a).length - segments(b).length || a.localeCompare(b));
  for (const dir of dirs) {
    const segs = segments(dir);
    if (fluxPaths.some((p) => isUnder(dir, p))) continue;
    if (segs.some((s) => s.startsWith(".") || BASE_DIR_NAMES.has(s)) || segs.includes("clusters")) continue;
    if (chosen.some((c) => c === "" || isUnder(dir, c))) continue;
    if (claimed.some((p) => isUnder(dir, p) || isUnder(p, dir))) continue;
    if (componentDirs.has(dir) || fileConsumed.has(dir) || inChart(ctx, dir)) continue;
    const isKustomize = kustomizationDirs.has(dir);
    const isChart = ctx.isChartDir(dir);
    if (!isKustomize && !isChart && (dir === "" || !holdsWorkload(ctx, ctx.index.filesIn(dir).filter((f) => !wiringFiles.has(f))))) continue;
    const read = readDirVersions(r, dir, false);
    const versions = [...read.versions];
    // A kustomization next to a Chart.yaml (a kustomized umbrella chart): its dependencies are versions too.
    if (isKustomize && isChart) versions.push(...chartDirVersions(ctx, dir, [], dir).versions.filter((v) => v.kind === "chart"));
    if (versions.length + read.errors.length === 0) continue;
    chosen.push(dir);
    out.push({
      app: isChart ? chartAppName(ctx, dir) : basename(dir) || ctx.rootAppName,
      env,
      path: dir,
      appDir: dir,
      versions: dedupeVersions(versions),
      errors: read.errors,
      files: [...ctx.index.filesUnder(dir)],
      destination: read.namespace ? { namespace: read.namespace } : undefined,
      source: isKustomize ? "kustomize" : isChart ? "helm-values" : "plain",
    });
  }
  if (out.length > 0) ctx.conventions.add("folder-per-app");
  return out;
}

/** Inside a Helm chart (its templates, or a subchart under `charts/`), not the chart folder itself. */
function inChart(ctx: ReadContext, dir: string): boolean {
  const segs = segments(dir);
  return segs.slice(0, -1).some((_, i) => ctx.isChartDir(segs.slice(0, i + 1).join("/")));
}

