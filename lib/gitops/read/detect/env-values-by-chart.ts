import type { Candidate } from "../candidate";
import type { ReadContext } from "../context";
import { chartAppName, chartDirVersions, type DirReaders } from "../dir-versions";
import { isEnvLikeName } from "../env-order";
import { chartDefaultsLayer } from "../helm/chart-defaults";
import { localSubcharts } from "../helm/subchart-defaults";
import { basename, dirname, isYamlPath, segments } from "../paths";
import type { ValuesLayer } from "../values-images";
import { asString, formatPath, isRecord } from "../../yaml";

/** Fewer chart keys than this is a values file that happens to name a chart, not one file for several. */
const MIN_CHARTS = 2;
const VALUES_FILE = /^values[-.]([\w-]+)\.ya?ml$/;

/**
 * One values file per environment for several charts kept in the repository (`environments/prod/values.yaml`
 * with one block per chart: `api: {image: {tag: …}}`, `worker: {…}`), which a deploy script hands to each
 * chart (`yq '.api' … | helm upgrade api charts/api -f -`): the shape of an umbrella chart's values keyed by
 * subchart, without the umbrella. A file counts when it sits in a folder named for an environment (or is
 * named for one: `values-prod.yaml`, `prod.yaml`), outside every chart, and its top-level keys name at least
 * two charts (by Chart.yaml `name` or folder name). Each chart it configures is deployed in that environment
 * with its own values.yaml under its block, unless the block says `enabled: false`.
 */
export function detectEnvValuesByChart(r: DirReaders): Candidate[] {
  const { ctx } = r;
  const charts = topLevelChartsByName(ctx);
  if (charts.size < MIN_CHARTS) return [];
  const out: Candidate[] = [];
  for (const file of ctx.index.paths) {
    if (!isYamlPath(file) || inAnyChart(ctx, file)) continue;
    const env = envOfValuesFile(file, ctx.configuredEnvNames);
    if (env === undefined) continue;
    const doc = ctx.load(file).docs[0];
    if (!doc || !isRecord(doc.value)) continue;
    const blocks = Object.entries(doc.value).filter((e): e is [string, Record<string, unknown>] => charts.has(e[0]) && isRecord(e[1]));
    if (new Set(blocks.map(([key]) => charts.get(key))).size < MIN_CHARTS) continue;
    ctx.conventions.add("env-values-by-chart");
    for (const [key, block] of blocks) {
      const dir = charts.get(key);
      if (dir === undefined || block.enabled === false) continue;
      const own: ValuesLayer = { file, doc: doc.index, values: block, at: [key], field: (path) => formatPath([key, ...path]) };
      const defaults = chartDefaultsLayer(ctx, dir);
      const read = chartDirVersions(ctx, dir, defaults ? [defaults, own] : [own], file);
      out.push({ app: chartAppName(ctx, dir), env, path: file, appDir: dir, versions: read.versions, errors: read.errors, files: [file], source: "helm-values" });
    }
  }
  return out;
}

/** The environment a values file is for: its own name (`values-prod.yaml`, `prod.yaml`), else its folder's. */
function envOfValuesFile(file: string, configured: readonly string[]): string | undefined {
  const name = basename(file);
  const own = VALUES_FILE.exec(name)?.[1] ?? name.replace(/\.ya?ml$/, "");
  if (isEnvLikeName(own, configured)) return own;
  const folder = basename(dirname(file));
  return folder !== "" && isEnvLikeName(folder, configured) ? folder : undefined;
}

/**
 * Charts installed on their own, by every name a values file may key them by (the folder and Chart.yaml's
 * `name`): not a chart inside another (a subchart, vendored or named by a `file://` dependency), which its
 * parent's values configure. A name two charts share says nothing and is left out.
 */
function topLevelChartsByName(ctx: ReadContext): Map<string, string> {
  const dirs = ctx.charts().filter((dir) => !inAnyChart(ctx, dir));
  const subcharts = new Set(dirs.flatMap((dir) => localSubcharts(ctx, dir, chartDocument(ctx, dir)?.dependencies).map((s) => s.dir)));
  const byName = new Map<string, Set<string>>();
  for (const dir of dirs.filter((d) => !subcharts.has(d))) {
    for (const name of [basename(dir), asString(chartDocument(ctx, dir)?.name)]) {
      if (!name) continue;
      const set = byName.get(name) ?? new Set<string>();
      set.add(dir);
      byName.set(name, set);
    }
  }
  return new Map([...byName].filter(([, set]) => set.size === 1).map(([name, set]) => [name, [...set][0] ?? ""]));
}

function chartDocument(ctx: ReadContext, dir: string): Record<string, unknown> | undefined {
  const value = ctx.load(dir === "" ? "Chart.yaml" : `${dir}/Chart.yaml`).docs[0]?.value;
  return isRecord(value) ? value : undefined;
}

/** Inside a chart folder (at any depth), not the folder itself. */
function inAnyChart(ctx: ReadContext, path: string): boolean {
  const segs = segments(path);
  return segs.some((_, i) => ctx.isChartDir(segs.slice(0, i).join("/")));
}
