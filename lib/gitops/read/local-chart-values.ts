import type { Version } from "../model";
import { asString, getAtPath, isRecord } from "../yaml";
import type { ReadContext } from "./context";
import type { DocsByKind, KindDoc } from "./documents";
import { nameOf, namespaceOf } from "./flux/objects";
import { withAppVersionDefault } from "./helm/app-version";
import { withGlobalTagDefault } from "./helm/global-tag";
import { chartDefaultsLayer } from "./helm/chart-defaults";
import type { BuiltResource } from "./kustomize/built-resource";
import { localChartDir, localChartVersion, sourceScope } from "./local-chart-versions";
import { normalizeRepoPath } from "./paths";
import type { ValuesLayer } from "./values-images";

/** The values a HelmRelease's chart kept in this repository starts from, before the release's own. */
export interface LocalChartValues {
  dir: string;
  /** Lowest first: the chart's values.yaml, or the files the chart spec names instead. */
  layers: ValuesLayer[];
  /** The chart's Chart.yaml version, for a release that names the chart through `chartRef`. */
  version: Version | undefined;
  /** Empty image tags the chart's templates fill with its appVersion, read there instead. */
  appVersion: (images: Version[]) => Version[];
}

export type LocalChartLookup = (release: BuiltResource) => LocalChartValues | undefined;

/**
 * Flux packages a chart from a GitRepository with the chart's own values.yaml as its defaults, or, when
 * the chart spec lists `valuesFiles` (after the older `valuesFile`), with those files merged in order
 * instead: paths in the source, so `charts/shop/values-prod.yaml`, and values.yaml only if listed. A
 * release's `valuesFrom` and `values` go over them. Files beside the chart (`values-<env>.yaml`) that no
 * spec names are never read: Flux does not read them either. The chart spec is the release's
 * `spec.chart.spec`, or the HelmChart its `spec.chartRef` names.
 */
export function localChartLookup(ctx: ReadContext, kinds: DocsByKind): LocalChartLookup {
  const scope = sourceScope(ctx, kinds);
  const helmCharts = kinds.get("HelmChart") ?? [];
  const reported = new Set<string>();
  return (release) => {
    const found = chartSpecOf(release.obj, helmCharts);
    const dir = found && localChartDir(ctx, found.spec, scope);
    if (!found || dir === undefined) return undefined;
    const named = [found.spec.valuesFile, ...(Array.isArray(found.spec.valuesFiles) ? found.spec.valuesFiles : [])].filter((f): f is string => typeof f === "string" && f !== "");
    const layers: ValuesLayer[] = [];
    for (const entry of named) {
      // A name Flux substitutes (`values-${cluster}.yaml`) is known only in the cluster's wiring.
      if (entry.includes("${")) continue;
      const file = normalizeRepoPath(entry);
      const doc = file !== null && ctx.index.hasFile(file) ? ctx.load(file).docs.find((d) => isRecord(d.value)) : undefined;
      if (file !== null && doc) layers.push({ file, doc: doc.index, values: doc.value });
      else if (found.spec.ignoreMissingValuesFiles !== true) report(ctx, reported, found.file ?? release.file, `values file ${entry} that the chart spec lists in valuesFiles is not in the repository: Flux cannot build the chart ${dir}`);
    }
    // Nothing listed (or every listed file missing and ignored): the chart's own defaults.
    if (layers.length === 0) {
      const defaults = chartDefaultsLayer(ctx, dir);
      if (defaults) layers.push(defaults);
    }
    return { dir, layers, version: found.viaRef ? localChartVersion(ctx, dir) : undefined, appVersion: (images) => withAppVersionDefault(ctx, dir, withGlobalTagDefault(ctx, dir, layers, images)) };
  };
}

/** The release's inline chart spec, or the spec of the Flux HelmChart its chartRef names (and that file). */
function chartSpecOf(release: Record<string, unknown>, helmCharts: readonly KindDoc[]): { spec: Record<string, unknown>; file?: string; viaRef: boolean } | undefined {
  const inline = getAtPath(release, ["spec", "chart", "spec"]);
  if (isRecord(inline)) return { spec: inline, viaRef: false };
  const ref = getAtPath(release, ["spec", "chartRef"]);
  if (!isRecord(ref) || ref.kind !== "HelmChart") return undefined;
  const name = asString(ref.name);
  const namespace = asString(ref.namespace) ?? namespaceOf(release);
  const matches = helmCharts.filter((d) => nameOf(d.value) === name && String(d.value.apiVersion ?? "").startsWith("source.toolkit.fluxcd.io/"));
  const chart = matches.find((d) => namespace === undefined || namespaceOf(d.value) === undefined || namespaceOf(d.value) === namespace) ?? matches[0];
  const spec = chart ? chart.value.spec : undefined;
  return chart && isRecord(spec) ? { spec, file: chart.file, viaRef: true } : undefined;
}

function report(ctx: ReadContext, reported: Set<string>, file: string, message: string): void {
  const key = `${file}\n${message}`;
  if (reported.has(key)) return;
  reported.add(key);
  ctx.errors.push({ file, message });
}
