import type { Version } from "../../model";
import { asString, isRecord } from "../../yaml";
import type { ReadContext } from "../context";
import { joinInRepo } from "../paths";
import { layerValueAt, type ValuesLayer } from "../values-images";
import { withAppVersionDefault } from "./app-version";
import { chartDefaultsLayer } from "./chart-defaults";

/** An umbrella chart's dependency whose chart is kept in this repository. */
export interface LocalSubchart {
  /** Index in the parent's `dependencies`. */
  index: number;
  dir: string;
  /** Where the parent's values configure it: the dependency's `alias`, else its `name`. */
  key: string;
}

/**
 * Dependencies with no `repository` (Helm takes the chart from `charts/<name>/`) or a `file://` one (a
 * path from the parent chart) that resolve to a folder holding a Chart.yaml. Remote ones (`https://`,
 * `oci://`, `@repo` aliases) are fetched at build time and unknown here.
 */
export function localSubcharts(ctx: ReadContext, chartDir: string, dependencies: unknown): LocalSubchart[] {
  if (!Array.isArray(dependencies)) return [];
  const out: LocalSubchart[] = [];
  dependencies.forEach((dep: unknown, index) => {
    if (!isRecord(dep)) return;
    const name = asString(dep.name);
    const repository = asString(dep.repository) ?? "";
    if (!name) return;
    const rel = repository === "" ? `charts/${name}` : repository.startsWith("file://") ? repository.slice("file://".length) : undefined;
    const dir = rel === undefined ? null : joinInRepo(chartDir, rel);
    if (dir === null || dir === chartDir || !ctx.isChartDir(dir)) return;
    out.push({ index, dir, key: asString(dep.alias) ?? name });
  });
  return out;
}

/**
 * The values a local subchart starts from, below everything the parent sets: Helm renders a subchart
 * with its own values.yaml, then the parent's values under the dependency's key, then each `-f` file.
 * Each layer sits under that key in the merged tree and at the root of the subchart's file.
 */
export function subchartDefaultLayers(ctx: ReadContext, subcharts: readonly LocalSubchart[]): ValuesLayer[] {
  const out: ValuesLayer[] = [];
  for (const sub of subcharts) {
    const layer = chartDefaultsLayer(ctx, sub.dir);
    if (layer && isRecord(layer.values)) out.push({ ...layer, under: [sub.key] });
  }
  return out;
}

/**
 * Empty tags filled by an appVersion: the subchart's for a tag its own values leave empty, the parent
 * chart's for the parent's.
 */
export function withSubchartAppVersions(ctx: ReadContext, chartDir: string, subcharts: readonly LocalSubchart[], versions: Version[]): Version[] {
  const own = withAppVersionDefault(ctx, chartDir, versions.filter((v) => !subchartOf(subcharts, v)));
  return versions.map((v) => {
    const sub = subchartOf(subcharts, v);
    return sub ? (withAppVersionDefault(ctx, sub.dir, [v])[0] ?? v) : (own.shift() ?? v);
  });
}

function subchartOf(subcharts: readonly LocalSubchart[], v: Version): LocalSubchart | undefined {
  return v.kind === "image" ? subcharts.find((s) => v.file.startsWith(`${s.dir}/`)) : undefined;
}

/**
 * A dependency whose `condition:` the values turn off (`redis.enabled: false`) is not deployed; Helm takes the
 * first of its comma-separated paths that the values set.
 */
export function disabledByCondition(dep: Record<string, unknown>, layers: readonly ValuesLayer[]): boolean {
  const condition = asString(dep.condition);
  if (!condition) return false;
  for (const path of condition.split(",").map((p) => p.trim()).filter(Boolean)) {
    const keys = path.split(".");
    const set = [...layers].reverse().map((l) => layerValueAt(l, keys)).find((v) => typeof v === "boolean");
    if (set !== undefined) return set === false;
  }
  return false;
}
