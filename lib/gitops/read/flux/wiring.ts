import type { Version } from "../../model";
import { asString, getAtPath, isRecord } from "../../yaml";
import type { Candidate } from "../candidate";
import type { ReadContext } from "../context";
import type { DirReaders } from "../dir-versions";
import type { DocsByKind } from "../documents";
import { locationKey, type BuiltResource } from "../kustomize/built-resource";
import { findKustomizationFile, type Kustomization, type PatchRef } from "../kustomize/kustomization";
import type { BuildResult } from "../kustomize/resolve-overlay";
import { resourceId } from "../kustomize/targets";
import { dedupeVersions, refVersion, remoteVersion, versionsOfResource, type OciLookup } from "../versions";
import { dirname, isUnder, isYamlPath, relativeEntry } from "../paths";
import { discoverClusters, type ClusterRoot } from "./clusters";
import { isFluxKustomization, isFluxSource, isHelmRelease, nameOf, namespaceOf, sourceRefOf } from "./objects";
import { isResourceSet, renderResourceSet } from "./resource-sets";
import { resolveSource, selfSourceNames, type SourceScope } from "./sources";
import { substituteVersions, substitutionsOf, type Substitutions } from "./substitute";
import { valuesFromLayers } from "./values-from";
import { appOfLeftover, byDeclaringAppFolder } from "./declaring-app-folder";
import { placeEnvsOfSharedClusters, type PlacedCell } from "./shared-cluster-envs";
import { dropEnvSuffixes } from "./env-suffix";
import { appsOfWorkloads, isPlaceName, workloadsByVersion, type WorkloadsByVersion } from "./workload-apps";

export interface FluxWiring {
  candidates: Candidate[];
  /** Folders whose content a cluster reconciles and whose deployments the wiring produced. */
  wiredDirs: Set<string>;
  clusters: ClusterRoot[];
}

const MAX_UNITS_PER_CLUSTER = 2000;

/** One thing Flux applies: the cluster folder itself, or a Flux Kustomization found in what it applied. */
interface Unit {
  /** App name of versions that belong to no HelmRelease: the Kustomization's name. */
  name: string;
  dir: string;
  /** The Flux Kustomization (file, document, object), absent for the cluster folder. */
  owner?: BuiltResource;
  vars: Substitutions;
  /** The cluster this unit deploys to when it is not the one reconciling it (hub and spoke: `spec.kubeConfig`). */
  remote?: string;
}

/**
 * Follow Flux from each cluster's entry point the way kustomize-controller reconciles it: the cluster
 * folder is applied; every Flux Kustomization in the result applies its `spec.path` (this repository,
 * an ExternalArtifact's copy rules, or an OCI artifact) with its own components, patches and
 * substitutions; HelmReleases in what is applied are the apps of that cluster. The environment of a
 * cell is the cluster (or the environment the repository config maps it to).
 */
export function readFluxWiring(r: DirReaders, kinds: DocsByKind, layout: readonly Candidate[]): FluxWiring {
  const { ctx } = r;
  const clusters = discoverClusters(ctx, kinds);
  const out: FluxWiring = { candidates: [], wiredDirs: new Set(), clusters };
  if (clusters.length === 0) return out;
  ctx.conventions.add("flux-clusters");
  const repoWide = repoSources(kinds);
  const self = selfSourceNames(kinds, (dir) => ctx.index.hasDir(dir));
  const envMap = ctx.config?.clusters ?? {};
  const allPlaced: PlacedCell[] = [];
  for (const cluster of clusters) {
    const env = envMap[cluster.name] ?? cluster.name;
    const seen = new Set<string>();
    const queue: Unit[] = [{ name: "flux-system", dir: cluster.dir, vars: {} }];
    const clusterResources: BuiltResource[] = [];
    const placed: PlacedCell[] = [];
    let units = 0;
    while (queue.length > 0 && units < MAX_UNITS_PER_CLUSTER) {
      const unit = queue.shift();
      if (!unit) break;
      units++;
      const build = withResourceSetsRendered(r, applyUnit(r, unit));
      clusterResources.push(...build.resources);
      const scope: SourceScope = { resources: [...clusterResources, ...repoWide], self };
      const target = unit.remote ? { ...cluster, name: unit.remote } : cluster;
      const produced = deploymentsOf(r, unit, build, scope, unit.remote ? (envMap[unit.remote] ?? unit.remote) : env, target, layout);
      placed.push(...produced);
      if (produced.length > 0) {
        out.candidates.push(...produced.map((p) => p.candidate));
        for (const f of build.files) out.wiredDirs.add(dirname(f));
        out.wiredDirs.add(unit.dir);
      }
      for (const res of build.resources) {
        if (!isFluxKustomization(res.obj)) continue;
        const key = `${namespaceOf(res.obj) ?? ""}/${nameOf(res.obj)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const next = nextUnit(r, res, scope, unit, cluster, env, out);
        if (next && next.dir !== cluster.dir) queue.push(next);
      }
    }
    if (queue.length > 0) ctx.note(`${cluster.dir}: cluster ${cluster.name}: stopped after ${MAX_UNITS_PER_CLUSTER} Flux Kustomizations`);
    placeEnvsOfSharedClusters(placed, ctx.configuredEnvNames);
    allPlaced.push(...placed);
  }
  dropEnvSuffixes(allPlaced, out.candidates);
  return out;
}

function repoSources(kinds: DocsByKind): BuiltResource[] {
  const out: BuiltResource[] = [];
  for (const kind of ["GitRepository", "OCIRepository", "ArtifactGenerator", "ConfigMap"]) {
    for (const d of kinds.get(kind) ?? []) {
      if (kind !== "ConfigMap" && !isFluxSource(d.value)) continue;
      out.push({ obj: d.value, file: d.file, doc: d.doc, originalName: resourceId(d.value).name, prov: new Map() });
    }
  }
  return out;
}

/** The unit a Flux Kustomization applies, or undefined (with a note) when it reads outside this repository. */
function nextUnit(r: DirReaders, k: BuiltResource, scope: SourceScope, parent: Unit, cluster: ClusterRoot, env: string, out: FluxWiring): Unit | undefined {
  const { ctx } = r;
  const name = nameOf(k.obj);
  // The parent's substitutions apply to this object too (it is part of what the parent applied).
  const rawPath = substituteString(asString(getAtPath(k.obj, ["spec", "path"])) ?? "./", parent.vars);
  const vars = { ...parent.vars, ...substitutionsOf(k, scope) };
  const resolved = resolveSource(scope, sourceRefOf(k.obj), rawPath);
  switch (resolved.kind) {
    case "repo":
      if (!ctx.index.hasDir(resolved.dir)) {
        ctx.note(`${k.file}: Flux Kustomization ${name} (cluster ${cluster.name}): path ./${resolved.dir} does not exist`);
        return undefined;
      }
      return { name, dir: resolved.dir, owner: k, vars, remote: remoteCluster(k.obj, vars) ?? parent.remote };
    case "artifact": {
      // The Kustomization deploys a packaged release: its version is the artifact's ref.
      const v = refVersion(resolved.source, { deploymentDir: dirname(k.file) }, "other");
      out.candidates.push({
        app: name,
        env,
        path: dirname(k.file),
        appDir: dirname(k.file),
        versions: v ? [v] : [],
        errors: [],
        files: [k.file, resolved.source.file],
        destination: { cluster: cluster.name, namespace: asString(getAtPath(k.obj, ["spec", "targetNamespace"])), wiredBy: k.file },
        source: "flux",
      });
      out.wiredDirs.add(dirname(k.file));
      return undefined;
    }
    case "elsewhere":
      ctx.note(`${k.file}: Flux Kustomization ${name} (cluster ${cluster.name}) reads ${resolved.what}, outside this repository`);
      return undefined;
    case "unresolved":
      ctx.note(`${k.file}: Flux Kustomization ${name} (cluster ${cluster.name}): ${resolved.why}`);
      return undefined;
  }
}

const LOCAL_NAMESPACES = new Set(["flux-system", "default"]);

/**
 * A Kustomization that applies to another cluster (`spec.kubeConfig`, or patches giving its HelmReleases
 * one: the hub of a hub-and-spoke fleet) deploys to that cluster. Hubs keep each spoke's objects in a
 * namespace named after it; otherwise a `CLUSTER_NAME` substitution or the kubeconfig secret names it.
 */
function remoteCluster(k: Record<string, unknown>, vars: Substitutions): string | undefined {
  const spec = isRecord(k.spec) ? k.spec : {};
  const patched = Array.isArray(spec.patches) && spec.patches.some((p: unknown) => isRecord(p) && typeof p.patch === "string" && /\/spec\/kubeConfig|^\s*kubeConfig:/m.test(p.patch));
  if (!isRecord(spec.kubeConfig) && !patched) return undefined;
  const namespace = namespaceOf(k);
  if (namespace && !LOCAL_NAMESPACES.has(namespace)) return namespace;
  const named = vars.CLUSTER_NAME?.value ?? vars.cluster_name?.value;
  if (named && !named.includes("${")) return named;
  const secret = asString(getAtPath(spec, ["kubeConfig", "secretRef", "name"])) ?? asString(getAtPath(spec, ["kubeConfig", "configMapRef", "name"]));
  const trimmed = secret?.replace(/(^kubeconfig-|-kubeconfig$)/, "");
  return trimmed && trimmed !== "cluster" ? trimmed : nameOf(k) || undefined;
}

/**
 * Apply a unit as kustomize-controller does: the folder's own kustomization, or the one Flux generates
 * (every manifest below, each sub-folder with a kustomization as a whole), then the Flux Kustomization's
 * `components`, `patches` and `images`.
 */
function applyUnit(r: DirReaders, unit: Unit): BuildResult {
  const { ctx } = r;
  const spec = unit.owner && isRecord(unit.owner.obj.spec) ? unit.owner.obj.spec : {};
  const file = unit.owner?.file ?? `${unit.dir}/`;
  const k: Kustomization = {
    dir: unit.dir,
    file,
    kind: "Kustomization",
    resources: generatedResources(r, unit.dir).map((entry, index) => ({ field: "resources", index, entry })),
    components: [],
    patches: [],
    images: [],
    helmCharts: [],
    problems: [],
    ...(unit.owner ? { origin: { doc: unit.owner.doc, path: ["spec"] } } : {}),
  };
  if (Array.isArray(spec.components)) spec.components.forEach((c: unknown, index) => typeof c === "string" && k.components.push({ index, entry: c }));
  if (Array.isArray(spec.patches)) {
    spec.patches.forEach((p: unknown, index) => {
      if (!isRecord(p) || typeof p.patch !== "string") return;
      const ref: PatchRef = { field: "patches", index, inline: p.patch };
      if (isRecord(p.target)) ref.target = Object.fromEntries(Object.entries(p.target).filter(([, v]) => typeof v === "string")) as PatchRef["target"];
      k.patches.push(ref);
    });
  }
  if (Array.isArray(spec.images)) {
    spec.images.forEach((img: unknown, index) => {
      const name = isRecord(img) ? asString(img.name) : undefined;
      if (!isRecord(img) || !name) return;
      k.images.push({ index, name, newName: asString(img.newName), newTag: asString(img.newTag), digest: asString(img.digest) });
    });
  }
  const build = r.resolver.buildSynthetic(k);
  if (ctx.index.filesUnder(unit.dir).length === 0) build.errors.push(`${unit.dir || "."}: folder is empty`);
  return build;
}

/** ResourceSets in what a unit applies are replaced by what they generate, as the Flux Operator would. */
function withResourceSetsRendered(r: DirReaders, build: BuildResult): BuildResult {
  if (!build.resources.some((res) => isResourceSet(res.obj))) return build;
  const resources: BuiltResource[] = [];
  for (const res of build.resources) {
    if (!isResourceSet(res.obj)) {
      resources.push(res);
      continue;
    }
    const rendered = renderResourceSet(res);
    for (const p of rendered.problems) r.ctx.note(p);
    resources.push(...rendered.resources);
  }
  r.ctx.conventions.add("flux-resourcesets");
  return { ...build, resources };
}

/** `resources:` of the kustomization Flux uses for `dir`: its own, or the one it generates. */
function generatedResources(r: DirReaders, dir: string): string[] {
  const { ctx } = r;
  if (findKustomizationFile(ctx, dir)) return ["."];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of ctx.index.filesIn(d)) if (isYamlPath(f)) out.push(relativeEntry(dir, f));
    for (const sub of ctx.index.subdirsOf(d)) {
      if (findKustomizationFile(ctx, sub)) out.push(relativeEntry(dir, sub));
      else walk(sub);
    }
  };
  walk(dir);
  return out;
}

/**
 * What a unit deploys. Where the folder layout already names the apps of a folder this unit applies
 * (global env folders, one folder per app), those apps are kept and only placed in this cluster;
 * HelmReleases the layout did not claim are apps of their own; versions of anything else belong to
 * the unit (the Flux Kustomization's name), or to their workloads where that name is a layer's or an env's.
 */
function deploymentsOf(r: DirReaders, unit: Unit, build: BuildResult, scope: SourceScope, env: string, cluster: ClusterRoot, layout: readonly Candidate[]): PlacedCell[] {
  const ociLookup: OciLookup = (name, namespace) =>
    build.resources.find((res) => res.obj.kind === "OCIRepository" && (res.originalName === name || nameOf(res.obj) === name) && (namespace === undefined || namespaceOf(res.obj) === undefined || namespaceOf(res.obj) === namespace)) ??
    scope.resources.find((res) => res.obj.kind === "OCIRepository" && nameOf(res.obj) === name) ??
    r.ociLookup(name, namespace);
  const files = [...new Set(build.files)];
  const buildDirs = new Set(files.map(dirname));
  const vctx = { deploymentDir: unit.dir, ociLookup, localChart: r.localChart, valuesFrom: (release: Record<string, unknown>) => valuesFromLayers(r.ctx, release, buildDirs, build.resources) };
  const targetNamespace = unit.owner ? asString(getAtPath(unit.owner.obj, ["spec", "targetNamespace"])) : undefined;
  const wiredBy = unit.owner?.file ?? `${cluster.dir}/`;
  const out: PlacedCell[] = [];
  const place = (candidate: Candidate, layoutCell?: Candidate, namedAfterUnit = false) =>
    out.push({ candidate, target: cluster.name, unitDir: unit.dir, namedAfterUnit, ...(layoutCell ? { layout: { env: layoutCell.env, app: candidate.app } } : {}) });
  const placeName = (name: string) => isPlaceName(name, r.ctx.configuredEnvNames);
  let byVersion: WorkloadsByVersion | undefined;
  const workloads = () => (byVersion ??= workloadsByVersion(build.resources, (res) => versionsOfResource(res, vctx)));
  const covered = new Set<string>();
  for (const c of layout) {
    if (c.source === "argocd" || c.source === "configured" || !(buildDirs.has(c.path) || isUnder(c.path, unit.dir))) continue;
    if (!files.some((f) => isUnder(f, c.path))) continue;
    for (const v of c.versions) covered.add(locationKey(v));
    const destination = { ...c.destination, cluster: cluster.name, namespace: targetNamespace ?? c.destination?.namespace, wiredBy };
    for (const part of byDeclaringAppFolder(r.ctx, c)) {
      // A folder the layout could only name after the repository (`k8s/overlays/<env>` at the top) is named by
      // the Kustomization that applies it, which says what it deploys, unless that is a layer name (`apps`).
      const afterRepository = part.namedAfterRepository === true && part.app === c.app && unit.owner !== undefined;
      const byUnit = afterRepository && !placeName(unit.name);
      const byWorkloads = (afterRepository && !byUnit) || placeName(part.app) ? appsOfWorkloads(part.versions, workloads()) : undefined;
      for (const [app, versions] of byWorkloads ?? [[byUnit ? unit.name : part.app, part.versions] as const]) {
        place({ ...part, app, env, versions: substituteVersions(versions, unit.vars), errors: [...part.errors], files: [...part.files], destination, source: "flux" }, c, byUnit && !byWorkloads);
      }
    }
  }
  const rest: Leftover[] = [];
  for (const res of build.resources) {
    if (isHelmRelease(res.obj)) {
      const versions = dedupeVersions(versionsOfResource(res, vctx));
      if (versions.length > 0 && versions.every((v) => covered.has(locationKey(v)))) continue;
      place({
        // Shared components name their releases `${APP}-…`: the name Flux applies is the substituted one.
        app: substituteString(nameOf(res.obj), unit.vars) || unit.name,
        env,
        path: unit.dir,
        appDir: dirname(res.file),
        versions: substituteVersions(versions, unit.vars),
        errors: [...new Set(build.errors)],
        files,
        destination: { cluster: cluster.name, namespace: targetNamespace ?? substituteOptional(namespaceOf(res.obj), unit.vars), wiredBy },
        source: "flux",
      });
    } else if (!isFluxKustomization(res.obj) && !isFluxSource(res.obj)) {
      const versions = versionsOfResource(res, vctx).filter((v) => !covered.has(locationKey(v)));
      if (versions.length > 0) rest.push({ file: res.file, versions, res });
    }
  }
  for (const remote of build.remotes) {
    const v = remoteVersion(remote, vctx);
    if (!covered.has(locationKey(v))) rest.push({ file: remote.location.file, versions: [v] });
  }
  // Files a version comes from outside the build (a values file behind a generated ConfigMap) are inputs too.
  for (const { candidate: c } of out) c.files = [...new Set([...c.files, ...c.versions.map((v) => v.file)])];
  const releases = build.resources.filter((res) => isHelmRelease(res.obj));
  for (const [app, group] of groupByAppFolder(r.ctx, unit, rest, releases)) {
    const afterUnit = group.dir === unit.dir;
    const versions = dedupeVersions(group.versions);
    // A unit named for a layer (`apps`) or env applying workloads directly: its workloads name the apps.
    const byWorkloads = afterUnit && placeName(unit.name) ? appsOfWorkloads(versions, workloads()) : undefined;
    for (const [named, own] of byWorkloads ?? [[afterUnit ? unit.name : app, versions] as const]) {
      const candidate: Candidate = {
        app: named,
        env,
        path: group.dir,
        appDir: group.dir,
        versions: substituteVersions(own, unit.vars),
        errors: [...new Set(build.errors)],
        files,
        destination: { cluster: cluster.name, namespace: targetNamespace, wiredBy },
        source: "flux",
      };
      for (const part of byDeclaringAppFolder(r.ctx, candidate)) place(part, undefined, afterUnit && !byWorkloads && part.app === named);
    }
  }
  return out;
}

/** Versions of a resource that is no HelmRelease (a remote has no resource). */
interface Leftover {
  file: string;
  versions: Version[];
  res?: BuiltResource;
}

/**
 * Versions that belong to no HelmRelease are the unit's (named after its Kustomization), unless the unit
 * applies a folder of app folders (`workloads/{api,web}` with their own manifests): then each sub-folder
 * is an app, named after the folder, as the folder layout would name it. A workload in one of several
 * app folders its kustomization lists is that folder's app even where it is the only one (appOfLeftover).
 */
function groupByAppFolder(ctx: ReadContext, unit: Unit, rest: readonly Leftover[], releases: readonly BuiltResource[]): Map<string, { dir: string; versions: Version[] }> {
  const out = new Map<string, { dir: string; versions: Version[] }>();
  const add = (app: string, dir: string, versions: Version[]) => {
    const group = out.get(app) ?? { dir, versions: [] };
    group.versions.push(...versions);
    out.set(app, group);
  };
  const left: Leftover[] = [];
  for (const entry of rest) {
    const app = entry.res ? appOfLeftover(ctx, unit.dir, entry.res, releases) : undefined;
    if (app) add(app.name, app.dir, entry.versions);
    else left.push(entry);
  }
  if (left.length === 0) return out;
  const bySub = new Map<string, { dir: string; versions: Version[] }>();
  for (const { file, versions } of left) {
    if (!isUnder(file, unit.dir) || dirname(file) === unit.dir) {
      bySub.clear();
      break;
    }
    const sub = file.slice(unit.dir === "" ? 0 : unit.dir.length + 1).split("/")[0] ?? "";
    const group = bySub.get(sub) ?? { dir: unit.dir === "" ? sub : `${unit.dir}/${sub}`, versions: [] };
    group.versions.push(...versions);
    bySub.set(sub, group);
  }
  if (bySub.size >= 2) for (const [app, group] of bySub) add(app, group.dir, group.versions);
  else add(unit.name, unit.dir, left.flatMap((l) => l.versions));
  return out;
}

function substituteString(value: string, vars: Substitutions): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::=([^}]*))?\}/g, (whole, name: string, fallback: string | undefined) => vars[name]?.value ?? fallback ?? whole);
}

function substituteOptional(value: string | undefined, vars: Substitutions): string | undefined {
  return value === undefined ? undefined : substituteString(value, vars);
}
