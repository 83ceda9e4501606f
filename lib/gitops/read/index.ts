import { minimatch } from "minimatch";
import { CONFIG_FILE, configuredEnvironments, parseRepoConfig, type RepoConfig } from "../config";
import type { App, Deployment, FileTree, RepoModel, Version } from "../model";
import { asString, getAtPath, isRecord, parseDottedPath } from "../yaml";
import { readArgo } from "./argocd";
import { branchEnvironment } from "./branch-env";
import { SINGLE_ENV_NAME } from "./detect/standalone";
import type { Candidate } from "./candidate";
import { ReadContext } from "./context";
import { detectConfiguredPaths } from "./detect/configured-paths";
import { detectEnvValuesByChart } from "./detect/env-values-by-chart";
import { detectHelmValues } from "./detect/helm-values";
import { detectFleetBundles, type FleetScan } from "./fleet/bundles";
import { readFleetGitRepos } from "./fleet/gitrepos";
import { placeByGitRepos, withoutFleetBundleGuesses } from "./fleet/placement";
import { detectHelmfiles } from "./helmfile/detect";
import { detectOverlays } from "./detect/overlays";
import { detectPlainFolders } from "./detect/plain-folders";
import { detectStandaloneApps } from "./detect/standalone";
import type { DirReaders } from "./dir-versions";
import { scanKinds, type DocsByKind } from "./documents";
import { orderEnvironments } from "./env-order";
import { withValidEnvironmentNames } from "./env-names";
import { isFloatingChartVersion, isFloatingGitRevision, isFloatingImageTag } from "./floating";
import { applyFluxWiring } from "./flux/destinations";
import { readFluxWiring, type FluxWiring } from "./flux/wiring";
import { splitByHelmRelease } from "./release-apps";
import type { BuiltResource } from "./kustomize/built-resource";
import type { KustomizeBuildCache } from "./kustomize/build-cache";
import { rejectedKustomizations } from "./kustomize/kustomization-fields";
import { KustomizeResolver } from "./kustomize/resolve-overlay";
import { resourceId } from "./kustomize/targets";
import { trackedFields } from "./kustomize/tracked-fields";
import { applyLocalChartVersions } from "./local-chart-versions";
import { localChartLookup } from "./local-chart-values";
import type { ParseCache } from "./parse-cache";
import { placeholderImageProblems } from "./placeholder-images";
import { configuredTeamOf, teamsFromTree, tenantOfPath } from "./teams";
import { TreeIndex } from "./tree-index";

export { createParseCache } from "./parse-cache";
export { KustomizeBuildCache } from "./kustomize/build-cache";
export type { ParseCache } from "./parse-cache";
export type { RepoConfig } from "../config";

export interface ReadOptions {
  /** Repo config; when absent, `.ferry/config.yaml` from the tree is used if present. */
  config?: RepoConfig;
  /** Parsed-YAML cache shared across reads (e.g. one per sync worker). */
  parseCache?: ParseCache;
  /** Cache key for a file's content, e.g. its git blob SHA; the content itself is used when undefined. */
  contentKey?: (path: string) => string | undefined;
  /** App name for an app whose folder is the repository root (repo per app), e.g. the repo name. */
  rootAppName?: string;
  /**
   * The URL the repository is read from (a forge URL, a checkout's origin), when known: an ApplicationSet
   * generator naming another repoURL is then not expanded over this repository's folders.
   */
  repositoryUrl?: string;
  /**
   * Kustomize builds of the previous read of the same repository (one cache per repository); used
   * only with `contentKey`, which is how a build's inputs are recognised as unchanged.
   */
  buildCache?: KustomizeBuildCache;
  /** The branch the tree was read at: a hydrated branch (`env/prod`) names the environment of a repository whose folders name none. */
  branch?: string;
}

const SOURCE_PRIORITY: Candidate["source"][] = ["configured", "flux", "helmfile", "fleet", "kustomize", "plain", "helm-values", "argocd"];

/**
 * Read a GitOps repository's file tree into the domain model. Pure and total: problems end up in
 * `errors`, `notes` or on the cell, never as an exception.
 */
export function readRepository(tree: FileTree, options: ReadOptions = {}): RepoModel {
  const index = new TreeIndex(tree);
  const configErrors: RepoModel["errors"] = [];
  let config = options.config;
  if (!config && tree.has(CONFIG_FILE)) {
    const parsed = parseRepoConfig(tree.get(CONFIG_FILE) ?? "");
    config = parsed.config;
    configErrors.push(...parsed.errors);
  }
  const ctx = new ReadContext(index, config, { parseCache: options.parseCache, contentKey: options.contentKey, rootAppName: options.rootAppName, repositoryUrl: options.repositoryUrl });
  ctx.errors.push(...configErrors);
  try {
    return readWithContext(ctx, options.buildCache, options.branch);
  } catch (e) {
    // Last line of defence: a bug in one detector must not take down a sync.
    ctx.errors.push({ file: ".", message: `internal reader error: ${e instanceof Error ? e.message : String(e)}` });
    return assemble(ctx, [], []);
  }
}

function readWithContext(ctx: ReadContext, buildCache: KustomizeBuildCache | undefined, branch: string | undefined): RepoModel {
  const kinds = scanKinds(ctx);
  ctx.errors.push(...rejectedKustomizations(ctx));
  const readers: DirReaders = { ctx, resolver: new KustomizeResolver(ctx, buildCache), ociLookup: ociLookup(kinds), localChart: localChartLookup(ctx, kinds) };

  let candidates: Candidate[];
  const templates = ctx.config?.paths;
  const gitRepos = templates && templates.length > 0 ? [] : readFleetGitRepos(ctx, kinds);
  let fleet: FleetScan = { candidates: [], bundleDirs: new Set(), undeployedDirs: [], placed: new Set() };
  if (templates && templates.length > 0) {
    candidates = detectConfiguredPaths(readers, templates);
  } else {
    const overlays = detectOverlays(readers);
    const plain = detectPlainFolders(readers, overlays.consumedDirs, overlays.kustomizationDirs);
    fleet = detectFleetBundles(readers, gitRepos);
    const layout = [...overlays.candidates, ...plain, ...detectHelmValues(readers), ...detectEnvValuesByChart(readers), ...detectHelmfiles(readers)];
    candidates = [...withoutFleetBundleGuesses(ctx, fleet, layout), ...fleet.candidates];
  }
  const argo = readArgo(readers, kinds, candidates);
  if (argo.appCharts.size > 0 || argo.unwired.size > 0) candidates = candidates.filter((c) => !argo.appCharts.has(c.appDir ?? c.path) && !argo.unwired.has(c));
  candidates.push(...argo.candidates);
  candidates = splitByHelmRelease(readers, candidates);
  if (!templates || templates.length === 0) candidates = preferFluxWiring(ctx, readFluxWiring(readers, kinds, candidates), candidates);
  applyFluxWiring(ctx, kinds, candidates);
  // Last: folders nothing above claimed, in a repository without environments, are one app each.
  candidates.push(...detectStandaloneApps(readers, kinds, candidates, fleet.placed).filter((c) => !argo.appCharts.has(c.appDir ?? c.path)));
  candidates = placeByGitRepos(ctx, gitRepos, fleet, candidates);
  applyLocalChartVersions(ctx, kinds, candidates);
  applyVersionFields(ctx, candidates);
  applyBranchEnvironment(ctx, candidates, branch);

  const teams = [...Object.keys(ctx.config?.teams ?? {}), ...teamsFromTree(ctx, kinds), ...argo.teams];
  for (const d of kinds.get("Application") ?? []) {
    const project = asString(getAtPath(d.value, ["spec", "project"]));
    if (project && project !== "default" && candidates.some((c) => c.team === project)) teams.push(project);
  }
  if (yamlContents(ctx).some((content) => content.includes("$imagepolicy"))) ctx.conventions.add("flux-image-automation");
  readers.resolver.finish();
  return assemble(ctx, candidates, teams);
}

/** Every cell in the one unnamed environment, on a branch named after an environment: that is the one. */
function applyBranchEnvironment(ctx: ReadContext, candidates: Candidate[], branch: string | undefined): void {
  const env = branchEnvironment(branch, ctx.configuredEnvNames);
  if (!env || candidates.length === 0 || !candidates.every((c) => c.env === SINGLE_ENV_NAME)) return;
  for (const c of candidates) c.env = env;
  ctx.note(`no folder or reconciler names an environment; the branch ${branch ?? ""} does: every app is in ${env}`);
}

/**
 * Where Flux reconciles a folder, the wiring says which cluster (environment) and which apps it holds;
 * the folder layout's guess for the same folder gives way, and a note says so.
 */
function preferFluxWiring(ctx: ReadContext, flux: FluxWiring, candidates: Candidate[]): Candidate[] {
  if (flux.candidates.length === 0) return candidates;
  const replaced = new Set<string>();
  const kept = candidates.filter((c) => {
    if (c.source === "argocd" || c.source === "configured" || !flux.wiredDirs.has(c.path)) return true;
    replaced.add(c.path);
    return false;
  });
  if (replaced.size > 0) {
    const dirs = [...replaced].sort();
    const shown = dirs.length <= 3 ? dirs.join(", ") : `${dirs.slice(0, 3).join(", ")} and ${dirs.length - 3} more`;
    ctx.note(`${dirs.length} folder(s) read as Flux reconciles them from ${flux.clusters.length} cluster(s) (${flux.clusters.map((c) => c.name).join(", ")}), not by folder layout: ${shown}`);
  }
  return [...flux.candidates, ...kept];
}

function yamlContents(ctx: ReadContext): string[] {
  return ctx.index.paths.filter((p) => p.endsWith(".yaml") || p.endsWith(".yml")).map((p) => ctx.index.read(p) ?? "");
}

function ociLookup(kinds: DocsByKind) {
  const byName = new Map<string, BuiltResource[]>();
  for (const d of kinds.get("OCIRepository") ?? []) {
    const obj = d.value;
    const name = resourceId(obj).name;
    const prov = new Map(trackedFields(obj).map((f) => [f.key, { file: d.file, doc: d.doc, path: f.path, field: f.key }] as const));
    const list = byName.get(name) ?? [];
    list.push({ obj, file: d.file, doc: d.doc, originalName: name, prov });
    byName.set(name, list);
  }
  return (name: string, namespace: string | undefined): BuiltResource | undefined => {
    const list = byName.get(name) ?? [];
    return list.find((r) => namespace === undefined || resourceId(r.obj).namespace === undefined || resourceId(r.obj).namespace === namespace) ?? list[0];
  };
}

/** Configured extra version fields (`versionFields`), read from the files of each deployment. */
function applyVersionFields(ctx: ReadContext, candidates: Candidate[]): void {
  const fields = ctx.config?.versionFields ?? [];
  if (fields.length === 0) return;
  for (const c of candidates) {
    const files = new Set([...c.files, ...c.versions.map((v) => v.file)]);
    for (const vf of fields) {
      const path = parseDottedPath(vf.path);
      for (const file of [...files].sort()) {
        if (!minimatch(file, vf.file)) continue;
        for (const d of ctx.load(file).docs) {
          const raw = getAtPath(d.value, path);
          if (raw === undefined || isRecord(raw) || Array.isArray(raw)) continue;
          const value = raw === null ? null : String(raw);
          const floating = vf.kind === "chart" ? isFloatingChartVersion(value) : vf.kind === "git" ? isFloatingGitRevision(value) : vf.kind === "image" ? isFloatingImageTag(value) : value === null;
          const v: Version = { kind: vf.kind, name: vf.name ?? vf.path, value, floating, file, doc: d.index, path, field: vf.path };
          if (!c.versions.some((x) => x.file === v.file && x.doc === v.doc && x.path.join("/") === path.join("/"))) c.versions.push(v);
        }
      }
    }
  }
}

function assemble(ctx: ReadContext, candidates: Candidate[], teamNames: string[]): RepoModel {
  // Env names from folder names are checked like typed ones: `PROD`, `..`, `*e` are reported, not columns.
  const envNames = withValidEnvironmentNames(candidates);
  ctx.errors.push(...envNames.errors);
  const sorted = [...envNames.valid].sort((a, b) => SOURCE_PRIORITY.indexOf(a.source) - SOURCE_PRIORITY.indexOf(b.source));
  const chosen = new Map<string, Candidate>();
  for (const c of sorted) {
    const key = `${c.app}\u0000${c.env}`;
    const first = chosen.get(key);
    if (!first) chosen.set(key, c);
    else if (first.path !== c.path) ctx.note(`${c.app}/${c.env}: also found at ${c.path} (using ${first.path})`);
  }
  const never = ctx.config?.neverPromote ?? [];
  const environments = orderEnvironments(
    [...chosen.values()].map((c) => c.env),
    configuredEnvironments(ctx.config),
  );
  const envOrder = new Map(environments.map((e) => [e.name, e.order] as const));

  const apps = new Map<string, App>();
  for (const c of chosen.values()) {
    const existing = apps.get(c.app);
    const team = configuredTeamOf(ctx.config, c.app) ?? c.team ?? tenantOfPath(c.appDir, ctx.configuredEnvNames) ?? null;
    if (!existing) apps.set(c.app, { name: c.app, team, path: c.appDir });
    else if (existing.team === null && team !== null) existing.team = team;
  }
  const teamSet = new Set(teamNames);
  for (const a of apps.values()) if (a.team) teamSet.add(a.team);

  const deployments: Deployment[] = [...chosen.values()]
    .map((c) => ({
      app: c.app,
      env: c.env,
      path: c.path,
      ...withoutUnrenderedVersions(c.versions, [...c.errors, ...placeholderImageProblems(c.versions)]),
      files: c.files.filter((f) => !never.some((g) => minimatch(f, g))),
      ...(c.destination && Object.values(c.destination).some((v) => v !== undefined) ? { destination: c.destination } : {}),
    }))
    .sort((a, b) => a.app.localeCompare(b.app) || (envOrder.get(a.env) ?? 0) - (envOrder.get(b.env) ?? 0) || a.env.localeCompare(b.env) || a.path.localeCompare(b.path));

  if (deployments.length === 0) ctx.note("no known GitOps layout found (no overlays, env folders, Argo CD Applications or Helm values per env); showing what could be read");
  const floating = deployments.flatMap((d) => d.versions.filter((v) => v.floating).map((v) => `${d.app}/${d.env}: ${v.name} is floating (${v.value ?? "no version"})`));
  return {
    conventions: [...ctx.conventions].sort(),
    environments,
    teams: [...teamSet].sort().map((name) => ({ name })),
    apps: [...apps.values()].sort((a, b) => a.name.localeCompare(b.name)),
    deployments,
    errors: ctx.errors,
    notes: [...ctx.notes, ...floating],
  };
}

/**
 * A version that still holds `{{ … }}` is a template expression the reader could not evaluate (a
 * function it lacks, a file it cannot see): it is not a version. The cell says so instead of showing
 * the expression as if it were one.
 */
function withoutUnrenderedVersions(versions: Version[], errors: readonly string[]): { versions: Version[]; errors: string[] } {
  const problems = [...errors];
  const kept = versions.map((v) => {
    if (!v.value?.includes("{{")) return v;
    problems.push(`${v.file}: ${v.field} is a template expression Ferry could not evaluate (${v.value.length > 120 ? `${v.value.slice(0, 117)}…` : v.value}); its version is unknown`);
    return { ...v, value: null, floating: false };
  });
  return { versions: kept, errors: [...new Set(problems)] };
}
