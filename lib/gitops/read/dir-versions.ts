import type { Version } from "../model";
import { asString, formatPath, isRecord } from "./../yaml";
import { withAppVersionDefault } from "./helm/app-version";
import { layeredValuesImages, type ValuesLayer } from "./values-images";
import type { Candidate } from "./candidate";
import type { ReadContext } from "./context";
import { isFloatingChartVersion } from "./floating";
import type { BuiltResource, FieldLocation } from "./kustomize/built-resource";
import { findKustomizationFile } from "./kustomize/kustomization";
import type { BuildResult, KustomizeResolver } from "./kustomize/resolve-overlay";
import { trackedFields } from "./kustomize/tracked-fields";
import { resourceId } from "./kustomize/targets";
import { basename, isUnder, isYamlPath } from "./paths";
import { chartValuesImages, dedupeVersions, helmChartVersion, remoteVersion, versionsOfResource, type OciLookup } from "./versions";

export interface DirVersions {
  versions: Version[];
  errors: string[];
  namespace?: string;
}

export interface DirReaders {
  ctx: ReadContext;
  resolver: KustomizeResolver;
  ociLookup: OciLookup;
}

/** Versions of a kustomize build, optionally only of resources that came from `originDir`. */
export function versionsOfBuild(r: DirReaders, build: BuildResult, deploymentDir: string, originDir?: string): Version[] {
  // A chartRef resolves to the OCIRepository of the same build first: overlays patch it per env.
  const ociLookup: OciLookup = (name, namespace) =>
    build.resources.find((res) => res.obj.kind === "OCIRepository" && (res.originalName === name || resourceId(res.obj).name === name)) ?? r.ociLookup(name, namespace);
  const vctx = { deploymentDir, ociLookup };
  const keep = (file: string) => originDir === undefined || isUnder(file, originDir);
  const versions: Version[] = [];
  for (const res of build.resources) if (keep(res.file)) versions.push(...versionsOfResource(res, vctx));
  for (const remote of build.remotes) if (keep(remote.location.file) || remote.location.file.startsWith(deploymentDir)) versions.push(remoteVersion(remote, vctx));
  for (const chart of build.charts) {
    if (!keep(chart.location.file)) continue;
    versions.push(helmChartVersion(chart, vctx));
    versions.push(...chartValuesImages(chart, vctx));
  }
  return dedupeVersions(versions);
}

/** Plain manifests of one folder as resources with their own file as origin. */
export function plainResources(ctx: ReadContext, files: readonly string[]): { resources: BuiltResource[]; errors: string[] } {
  const resources: BuiltResource[] = [];
  const errors: string[] = [];
  for (const file of files) {
    if (!isYamlPath(file)) continue;
    const loaded = ctx.load(file);
    if (loaded.problem && loaded.status !== "skipped") errors.push(loaded.problem);
    else if (loaded.problem) errors.push(loaded.problem);
    for (const d of loaded.docs) {
      if (!isRecord(d.value) || typeof d.value.kind !== "string") continue;
      const prov = new Map<string, FieldLocation>();
      for (const f of trackedFields(d.value)) prov.set(f.key, { file, doc: d.index, path: f.path, field: f.key });
      resources.push({ obj: d.value, file, doc: d.index, originalName: resourceId(d.value).name, prov });
    }
  }
  return { resources, errors };
}

/** Versions of a Helm chart folder: umbrella dependencies plus `image.tag` of the given values files. */
export function chartDirVersions(ctx: ReadContext, chartDir: string, valuesFiles: readonly string[], deploymentDir: string): DirVersions {
  const versions: Version[] = [];
  const errors: string[] = [];
  const chartFile = chartDir === "" ? "Chart.yaml" : `${chartDir}/Chart.yaml`;
  const chart = ctx.load(chartFile);
  if (chart.problem) errors.push(chart.problem);
  const chartDoc = chart.docs[0]?.value;
  const deps = isRecord(chartDoc) ? chartDoc.dependencies : undefined;
  if (Array.isArray(deps)) {
    ctx.conventions.add("helm-umbrella-chart");
    deps.forEach((dep: unknown, i) => {
      if (!isRecord(dep)) return;
      const name = asString(dep.name) ?? `dependency-${i}`;
      const version = asString(dep.version) ?? null;
      versions.push({
        kind: "chart",
        name: asString(dep.repository) ? `${asString(dep.repository)}/${name}` : name,
        value: version,
        floating: isFloatingChartVersion(version),
        file: chartFile,
        doc: 0,
        path: ["dependencies", i, "version"],
        field: `dependencies[name=${name}].version`,
      });
    });
  }
  const appName = basename(chartDir) || ctx.rootAppName;
  const layers: ValuesLayer[] = [];
  for (const file of valuesFiles) {
    const loaded = ctx.load(file);
    if (loaded.problem) errors.push(loaded.problem);
    const doc = loaded.docs[0];
    if (doc) layers.push({ file, doc: doc.index, values: doc.value });
  }
  versions.push(...withAppVersionDefault(ctx, chartDir, layeredValuesImages(layers, appName, (file, path) => valuesField(file, path, deploymentDir))));
  return { versions: dedupeVersions(versions), errors };
}

/** Images of a Helm values document (`image.tag` at any depth, see values-images.ts). */
export function valuesImageTags(values: unknown, file: string, doc: number, fallbackName: string, deploymentDir: string): Version[] {
  return layeredValuesImages([{ file, doc, values }], fallbackName, (f, path) => valuesField(f, path, deploymentDir));
}

function valuesField(file: string, path: (string | number)[], deploymentDir: string): string {
  const inherited = deploymentDir !== "" && file !== deploymentDir && !isUnder(file, deploymentDir);
  return `${formatPath(path)}${inherited ? ` (inherited from ${file})` : ""}`;
}

/**
 * Versions of whatever an env folder holds: a kustomize build, a Helm chart, or plain manifests.
 * Used when wiring (Argo CD, config paths) points at a folder no layout detector claimed.
 */
export function readDirVersions(r: DirReaders, dir: string, recurse: boolean): DirVersions {
  if (findKustomizationFile(r.ctx, dir)) {
    const build = r.resolver.build(dir);
    return { versions: versionsOfBuild(r, build, dir), errors: build.errors, namespace: build.namespace };
  }
  if (r.ctx.isChartDir(dir)) {
    const values = r.ctx.index.findFileIn(dir, ["values.yaml", "values.yml"]);
    return chartDirVersions(r.ctx, dir, values ? [values] : [], dir);
  }
  const files = recurse ? r.ctx.index.filesUnder(dir) : r.ctx.index.filesIn(dir);
  const { resources, errors } = plainResources(r.ctx, files);
  const vctx = { deploymentDir: dir, ociLookup: r.ociLookup };
  return { versions: dedupeVersions(resources.flatMap((res) => versionsOfResource(res, vctx))), errors };
}

export function emptyCandidate(partial: Pick<Candidate, "app" | "env" | "path" | "appDir" | "source">): Candidate {
  return { ...partial, versions: [], errors: [], files: [] };
}
