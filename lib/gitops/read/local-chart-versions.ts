import type { Version } from "../model";
import { asString, getAtPath, isRecord } from "../yaml";
import type { ReadContext } from "./context";
import type { Candidate } from "./candidate";
import type { DocsByKind } from "./documents";
import { isThisRepository, selfSourceNames, type SourceScope } from "./flux/sources";
import type { BuiltResource } from "./kustomize/built-resource";
import { joinInRepo, normalizeRepoPath } from "./paths";

const VERSION_TAIL = ["spec", "chart", "spec", "version"];

/**
 * A HelmRelease whose chart comes from this repository's own GitRepository (`chart: ./charts/shop`) runs
 * the chart this revision holds: Flux ignores `spec.chart.spec.version` for Git sources, and the checkout
 * pins the chart. Its version is the `version` of that `Chart.yaml`, which is also where a release of the
 * chart is written. Charts in other repositories stay unpinned (the reader cannot see them).
 *
 * Applied to the reader's candidates after every detector, since HelmReleases are read in several places
 * (Flux wiring, overlays, plain folders) and only the repository's tree can say where the chart lives.
 */
export function applyLocalChartVersions(ctx: ReadContext, kinds: DocsByKind, candidates: Candidate[]): void {
  const scope = sourceScope(ctx, kinds);
  for (const c of candidates) {
    c.versions = c.versions.map((v) => {
      if (v.kind !== "chart" || v.value !== null || !endsWith(v.path, VERSION_TAIL)) return v;
      const chartSpec = getAtPath(ctx.load(v.file).docs[v.doc]?.value, v.path.slice(0, -1));
      const dir = isRecord(chartSpec) ? localChartDir(ctx, chartSpec, scope) : undefined;
      return (dir !== undefined && localChartVersion(ctx, dir)) || v;
    });
  }
}

/** The GitRepositories the repository declares, read once and only when a chart asks. */
export function sourceScope(ctx: ReadContext, kinds: DocsByKind): () => SourceScope {
  let scope: SourceScope | undefined;
  return () => {
    scope ??= {
      resources: (kinds.get("GitRepository") ?? []).map((d): BuiltResource => ({ obj: d.value, file: d.file, doc: d.doc, originalName: asString(getAtPath(d.value, ["metadata", "name"])) ?? "", prov: new Map() })),
      self: selfSourceNames(kinds, (dir) => ctx.index.hasDir(dir)),
    };
    return scope;
  };
}

/** The folder of a chart spec's (`{chart, sourceRef}`) chart when this repository's GitRepository holds it. */
export function localChartDir(ctx: ReadContext, chartSpec: Record<string, unknown>, scope: () => SourceScope): string | undefined {
  const ref = chartSpec.sourceRef;
  if (!isRecord(ref) || ref.kind !== "GitRepository" || typeof ref.name !== "string") return undefined;
  const raw = asString(chartSpec.chart);
  const dir = raw === undefined ? null : normalizeRepoPath(raw);
  if (dir === null || dir === "") return undefined;
  const file = joinInRepo(dir, "Chart.yaml");
  if (file === null || !ctx.index.hasFile(file) || !isThisRepository(scope(), ref.name)) return undefined;
  return dir;
}

/** The `version` of the chart's Chart.yaml, as the version of the chart a release of this repository runs. */
export function localChartVersion(ctx: ReadContext, dir: string): Version | undefined {
  const file = `${dir}/Chart.yaml`;
  const version = getAtPath(ctx.load(file).docs[0]?.value, ["version"]);
  if (typeof version !== "string" && typeof version !== "number") return undefined;
  return { kind: "chart", name: dir, value: String(version), floating: false, file, doc: 0, path: ["version"], field: "version (chart kept in this repository)" };
}

function endsWith(path: readonly (string | number)[], tail: readonly string[]): boolean {
  return path.length >= tail.length && tail.every((t, i) => path[path.length - tail.length + i] === t);
}
