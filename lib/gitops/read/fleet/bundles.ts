import type { Version } from "../../model";
import { asString, formatPath, isRecord, type YamlPath } from "../../yaml";
import type { Candidate } from "../candidate";
import type { ReadContext } from "../context";
import { emptyCandidate, plainResources, readDirVersions, type DirReaders } from "../dir-versions";
import { SINGLE_ENV_NAME } from "../detect/standalone";
import { isFloatingChartVersion } from "../floating";
import { withAppVersionDefault } from "../helm/app-version";
import { chartDefaultsLayer } from "../helm/chart-defaults";
import type { BuiltResource } from "../kustomize/built-resource";
import { findKustomizationFile } from "../kustomize/kustomization";
import { strategicMerge } from "../kustomize/strategic-merge";
import { trackedFields } from "../kustomize/tracked-fields";
import { basename, dirname, isUnder, joinInRepo, segments } from "../paths";
import { layeredValuesImages, type ValuesLayer } from "../values-images";
import { dedupeVersions, versionsOfResource } from "../versions";
import { customizationFor, fleetTarget, gitReposDeploying, type FleetGitRepo } from "./gitrepos";

const FLEET_FILE = /^fleet\.ya?ml$/;

export interface FleetScan {
  candidates: Candidate[];
  /** Bundle folders read as Fleet deploys them (kustomize and raw manifests): layout guesses inside give way. */
  bundleDirs: Set<string>;
  /** Bundle folders outside every GitRepo of this repository: Fleet does not deploy them. */
  undeployedDirs: string[];
  /** Cells whose environment is a GitRepo target: it says nothing about the repository's folder layout. */
  placed: Set<Candidate>;
}

/** Where one bundle goes: an environment, and the `targetCustomizations` entry (by index) Fleet applies there. */
interface Placement {
  env: string;
  index?: number;
  custom: Record<string, unknown>;
}

/**
 * Rancher Fleet bundles: each folder with a `fleet.yaml` is an app (its `helm.releaseName`, else the folder).
 * Where the repository holds GitRepos (fleet/gitrepos.ts), a bundle under a GitRepo's paths is deployed to
 * each of its targets, refined by the bundle's first matching `targetCustomizations` entry; a bundle outside
 * every GitRepo is not deployed. Without GitRepos each customization is an environment (the clusters it
 * selects), and a bundle without any deploys the same everywhere: one `default` environment.
 * - Helm bundles: Fleet lays a customization's `helm` options over the bundle's: values merged, values files
 *   after the bundle's, its own chart version if it sets one.
 * - Kustomize bundles: the customization's `kustomize.dir`, else the bundle's, else the bundle folder is built.
 * - Raw manifests: the bundle's files (not those of nested bundles or of `overlays/`) with the customization's
 *   `yaml.overlays` laid over them. Without GitRepos, a raw bundle without customizations (the same in every
 *   cluster) is left to the folder layout, which reads it the same way.
 */
export function detectFleetBundles(r: DirReaders, gitRepos: readonly FleetGitRepo[]): FleetScan {
  const { ctx } = r;
  const scan: FleetScan = { candidates: [], bundleDirs: new Set(), undeployedDirs: [], placed: new Set() };
  const bundleFiles = ctx.index.paths.filter((p) => FLEET_FILE.test(basename(p)));
  const bundleDirList = bundleFiles.map(dirname);
  for (const file of bundleFiles) {
    const doc = ctx.load(file).docs[0];
    const bundle = doc?.value;
    if (!doc || !isRecord(bundle)) continue;
    const dir = dirname(file);
    const customizations = Array.isArray(bundle.targetCustomizations) ? bundle.targetCustomizations : [];
    const byGitRepo = gitRepos.length > 0;
    const placements = byGitRepo ? gitRepoPlacements(gitRepos, dir, customizations) : customizationPlacements(customizations);
    if (placements === undefined) {
      scan.undeployedDirs.push(dir);
      continue;
    }
    const helm = isRecord(bundle.helm) ? bundle.helm : undefined;
    const chart = helm ? asString(helm.chart) : undefined;
    let found: Candidate[];
    if (helm && chart) found = helmBundle(r, file, doc.index, dir, helm, chart, placements);
    else if (isKustomizeBundle(r, dir, bundle, customizations)) {
      found = kustomizeBundle(r, file, dir, bundle, placements);
      scan.bundleDirs.add(dir);
    } else if (byGitRepo || customizations.length > 0) {
      found = rawBundle(r, file, dir, bundleDirList, placements);
      scan.bundleDirs.add(dir);
    } else continue;
    ctx.conventions.add("rancher-fleet");
    scan.candidates.push(...found);
    if (byGitRepo) for (const c of found) scan.placed.add(c);
  }
  if (scan.undeployedDirs.length > 0) {
    const dirs = scan.undeployedDirs.map((d) => d || ".");
    ctx.note(`${dirs.length} Fleet bundle(s) lie outside every GitRepo's paths and are not deployed: ${dirs.length <= 3 ? dirs.join(", ") : `${dirs.slice(0, 3).join(", ")} and ${dirs.length - 3} more`}`);
  }
  return scan;
}

/** Each GitRepo target deploying the folder, with the customization it gets; undefined when no GitRepo deploys it. */
function gitRepoPlacements(gitRepos: readonly FleetGitRepo[], dir: string, customizations: readonly unknown[]): Placement[] | undefined {
  const deploying = gitReposDeploying(gitRepos, dir);
  if (deploying.length === 0) return undefined;
  const out: Placement[] = [];
  for (const target of deploying.flatMap((g) => g.targets)) {
    if (out.some((p) => p.env === target.env)) continue;
    const index = customizationFor(customizations, target);
    const custom = index === undefined ? {} : (customizations[index] as Record<string, unknown>);
    if (custom.doNotDeploy === true) continue;
    out.push({ env: target.env, index, custom });
  }
  return out;
}

function customizationPlacements(customizations: readonly unknown[]): Placement[] {
  const out: Placement[] = [];
  customizations.forEach((t, index) => {
    if (!isRecord(t) || t.doNotDeploy === true) return;
    const env = fleetTarget(t).env;
    if (!out.some((p) => p.env === env)) out.push({ env, index, custom: t });
  });
  return out.length > 0 ? out : [{ env: SINGLE_ENV_NAME, custom: {} }];
}

function helmBundle(r: DirReaders, file: string, docIndex: number, dir: string, helm: Record<string, unknown>, chart: string, placements: readonly Placement[]): Candidate[] {
  const { ctx } = r;
  const app = asString(helm.releaseName) ?? (basename(dir) || ctx.rootAppName);
  const out: Candidate[] = [];
  for (const target of placements) {
    const errors: string[] = [];
    const files = new Set([file]);
    const own = isRecord(target.custom.helm) ? target.custom.helm : {};
    const at = (path: YamlPath): YamlPath => (target.index === undefined ? path : ["targetCustomizations", target.index, "helm", ...path]);
    const label = `targetCustomizations[${target.index === undefined ? "" : customizationLabel(target)}]`;
    const versions: Version[] = [];
    const chartDir = localChart(r, dir, chart, asString(helm.repo));
    if (chartDir === undefined) {
      const ownVersion = own.version !== undefined;
      const raw = ownVersion ? own.version : helm.version;
      const value = raw === undefined || raw === null || raw === "" ? null : String(raw);
      const repo = asString(helm.repo);
      versions.push({
        kind: "chart",
        name: repo && !chart.includes("://") ? `${repo.replace(/\/+$/, "")}/${chart}` : chart,
        value,
        floating: isFloatingChartVersion(value),
        file,
        doc: docIndex,
        path: ownVersion ? at(["version"]) : ["helm", "version"],
        field: ownVersion ? `${label}.helm.version` : `helm.version${value === null ? " (not set: the newest chart version is deployed)" : ""}`,
      });
    }
    const layers: ValuesLayer[] = [];
    if (chartDir !== undefined) {
      const defaults = chartDefaultsLayer(ctx, chartDir);
      if (defaults) layers.push(defaults);
    }
    const valuesFiles = (entries: unknown) => {
      for (const entry of Array.isArray(entries) ? entries : []) {
        const path = typeof entry === "string" ? joinInRepo(dir, entry) : null;
        if (path === null) continue;
        const loaded = ctx.load(path);
        if (loaded.status === "missing") errors.push(`${file}: values file ${entry as string} is not in the repository`);
        else if (loaded.problem) errors.push(loaded.problem);
        const v = loaded.docs[0];
        if (v) {
          layers.push({ file: path, doc: v.index, values: v.value });
          files.add(path);
        }
      }
    };
    valuesFiles(helm.valuesFiles);
    if (isRecord(helm.values)) layers.push({ file, doc: docIndex, values: helm.values, at: ["helm", "values"], field: (p) => `helm.values.${formatPath(p)}` });
    if (target.index !== undefined) {
      valuesFiles(own.valuesFiles);
      if (isRecord(own.values)) layers.push({ file, doc: docIndex, values: own.values, at: at(["values"]), field: (p) => `${label}.helm.values.${formatPath(p)}` });
    }
    const images = layeredValuesImages(layers, app);
    versions.push(...(chartDir !== undefined ? withAppVersionDefault(ctx, chartDir, images) : images));
    out.push({ app, env: target.env, path: file, appDir: dir, versions: dedupeVersions(versions), errors, files: [...files].sort(), source: "fleet" });
  }
  return out;
}

function customizationLabel(target: Placement): string {
  const name = asString(target.custom.name);
  return name ? `name=${name}` : String(target.index);
}

/** A bundle Fleet builds with kustomize: one naming a `kustomize.dir`, or with a kustomization in its folder. */
function isKustomizeBundle(r: DirReaders, dir: string, bundle: Record<string, unknown>, customizations: readonly unknown[]): boolean {
  const named = [bundle, ...customizations].some((c) => isRecord(c) && isRecord(c.kustomize) && asString(c.kustomize.dir) !== undefined);
  return named || findKustomizationFile(r.ctx, dir) !== undefined;
}

function kustomizeBundle(r: DirReaders, file: string, dir: string, bundle: Record<string, unknown>, placements: readonly Placement[]): Candidate[] {
  const kustomizeDir = (o: Record<string, unknown>) => (isRecord(o.kustomize) ? asString(o.kustomize.dir) : undefined);
  const out: Candidate[] = [];
  for (const target of placements) {
    const entry = kustomizeDir(target.custom) ?? kustomizeDir(bundle) ?? ".";
    const buildDir = joinInRepo(dir, entry);
    if (buildDir === null || !r.ctx.index.hasDir(buildDir)) {
      out.push({ ...emptyCandidate({ app: basename(dir) || r.ctx.rootAppName, env: target.env, path: file, appDir: dir, source: "fleet" }), errors: [`${file}: kustomize.dir ${entry} is not a folder of the repository`], files: [file] });
      continue;
    }
    const read = readDirVersions(r, buildDir, true);
    if (read.versions.length + read.errors.length === 0) continue;
    out.push({
      app: basename(dir) || r.ctx.rootAppName,
      env: target.env,
      path: buildDir,
      appDir: dir,
      versions: read.versions,
      errors: read.errors,
      files: [file, ...r.ctx.index.filesUnder(buildDir)],
      destination: read.namespace ? { namespace: read.namespace } : undefined,
      source: "fleet",
    });
  }
  return out;
}

/**
 * A raw-manifest bundle: one app per folder, like a folder-per-app repository (the bundle folder's own files
 * are the bundle's app, a subfolder without its own `fleet.yaml` is an app of its own, named after it), each
 * deployed wherever the bundle is, with the customization's overlays.
 */
function rawBundle(r: DirReaders, file: string, dir: string, bundleDirs: readonly string[], placements: readonly Placement[]): Candidate[] {
  const { ctx } = r;
  const overlaysDir = joinInRepo(dir, "overlays") ?? "overlays";
  const nested = bundleDirs.filter((d) => d !== dir && isUnder(d, dir));
  const own = ctx.index.filesUnder(dir).filter((f) => f !== file && !isUnder(f, overlaysDir) && !nested.some((d) => isUnder(f, d)));
  const folderOf = (f: string): string => {
    const rest = segments(dir === "" ? f : f.slice(dir.length + 1));
    return rest.length > 1 ? joinInRepo(dir, rest[0] ?? "") ?? dir : dir;
  };
  // A file an overlay adds or replaces belongs with the file of that name, else with the bundle folder.
  const partOf = (f: string): string => (isUnder(f, overlaysDir) ? folderOf(own.find((o) => basename(o) === basename(f).replace(PATCH_MARK, ".")) ?? dir) : folderOf(f));
  const out: Candidate[] = [];
  for (const target of placements) {
    const names = isRecord(target.custom.yaml) && Array.isArray(target.custom.yaml.overlays) ? target.custom.yaml.overlays.filter((o): o is string => typeof o === "string") : [];
    const { resources, errors, files } = withYamlOverlays(ctx, own, names.map((n) => joinInRepo(overlaysDir, n)).filter((d): d is string => d !== null));
    const parts = [...new Set([dir, ...files.map(partOf)])];
    for (const part of parts) {
      const partFiles = files.filter((f) => partOf(f) === part);
      const versions = dedupeVersions(resources.filter((res) => partOf(res.file) === part).flatMap((res) => versionsOfResource(res, { deploymentDir: part, ociLookup: r.ociLookup })));
      const partErrors = errors.filter((e) => partFiles.some((f) => e.includes(f)) || (part === dir && !files.some((f) => e.includes(f))));
      if (versions.length + partErrors.length === 0) continue;
      out.push({ app: basename(part) || ctx.rootAppName, env: target.env, path: part, appDir: part, versions, errors: partErrors, files: [file, ...partFiles], source: "fleet" });
    }
  }
  return out;
}

const PATCH_MARK = "_patch.";

/**
 * Fleet's `yaml.overlays`: in each named `overlays/<name>` folder, `<file>_patch.yaml` is merged into the
 * resources of the bundle's `<file>.yaml` (Fleet replaces `_patch.` with `.`), and any other file replaces
 * the bundle's file of that name or adds to the bundle.
 */
function withYamlOverlays(ctx: ReadContext, baseFiles: readonly string[], overlayDirs: readonly string[]): { resources: BuiltResource[]; errors: string[]; files: string[] } {
  const byName = new Map(baseFiles.map((f) => [basename(f), f] as const));
  const patches: string[] = [];
  for (const dir of overlayDirs) {
    for (const f of ctx.index.filesIn(dir)) {
      if (basename(f).includes(PATCH_MARK)) patches.push(f);
      else byName.set(basename(f), f);
    }
  }
  const chosen = [...new Set([...baseFiles.filter((f) => byName.get(basename(f)) === f), ...byName.values()])];
  const { resources, errors } = plainResources(ctx, chosen);
  for (const patch of patches) {
    const targetName = basename(patch).replace(PATCH_MARK, ".");
    const loaded = ctx.load(patch);
    if (loaded.problem) errors.push(loaded.problem);
    const patchDoc = loaded.docs[0];
    const target = byName.get(targetName);
    if (!patchDoc || !target) {
      if (patchDoc) errors.push(`${patch}: Fleet overlay patch for ${targetName}, which the bundle does not have`);
      continue;
    }
    for (const res of resources.filter((x) => x.file === target)) {
      const merged = strategicMerge(res.obj, patchDoc.value);
      if (isRecord(merged)) res.obj = merged;
      for (const f of trackedFields(patchDoc.value)) res.prov.set(f.key, { file: patch, doc: patchDoc.index, path: f.path, field: f.key });
    }
  }
  return { resources, errors, files: [...chosen, ...patches].sort() };
}

/** A chart path inside the bundle (`./chart`, `chart`) rather than a chart of a repository or registry. */
function localChart(r: DirReaders, dir: string, chart: string, repo: string | undefined): string | undefined {
  if (repo || chart.includes("://")) return undefined;
  const target = joinInRepo(dir, chart);
  return target !== null && r.ctx.index.hasFile(target === "" ? "Chart.yaml" : `${target}/Chart.yaml`) ? target : undefined;
}
