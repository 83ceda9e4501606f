import type { Version } from "../../model";
import { asString, formatPath, isRecord, type YamlPath } from "../../yaml";
import type { Candidate } from "../candidate";
import type { DirReaders } from "../dir-versions";
import { SINGLE_ENV_NAME } from "../detect/standalone";
import { isFloatingChartVersion } from "../floating";
import { withAppVersionDefault } from "../helm/app-version";
import { basename, dirname, joinInRepo } from "../paths";
import { layeredValuesImages, type ValuesLayer } from "../values-images";
import { dedupeVersions } from "../versions";

const FLEET_FILE = /^fleet\.ya?ml$/;

/**
 * Rancher Fleet bundles that deploy a Helm chart: each folder with a `fleet.yaml` is an app (its
 * `helm.releaseName`, else the folder), and each `targetCustomizations` entry an environment (the clusters it
 * selects), with the chart version and the images its values set there. Fleet lays a customization's
 * `helm` options over the bundle's: values merged, values files after the bundle's, its own chart version if
 * it sets one. A bundle without customizations deploys the same everywhere: one `default` environment.
 * Bundles that apply kustomize folders or plain manifests are read by the folder layout.
 */
export function detectFleetBundles(r: DirReaders): Candidate[] {
  const { ctx } = r;
  const out: Candidate[] = [];
  for (const file of ctx.index.paths.filter((p) => FLEET_FILE.test(basename(p)))) {
    const doc = ctx.load(file).docs[0];
    const bundle = doc?.value;
    if (!doc || !isRecord(bundle) || !isRecord(bundle.helm)) continue;
    const helm = bundle.helm;
    const dir = dirname(file);
    const chart = asString(helm.chart);
    if (!chart) continue;
    ctx.conventions.add("rancher-fleet");
    const app = asString(helm.releaseName) ?? (basename(dir) || ctx.rootAppName);
    const customizations = Array.isArray(bundle.targetCustomizations) ? bundle.targetCustomizations : [];
    const targets: { env: string; index?: number; helm: Record<string, unknown> }[] = customizations.flatMap((t, index) => {
      if (!isRecord(t) || t.doNotDeploy === true) return [];
      const env = asString(t.name);
      return env ? [{ env, index, helm: isRecord(t.helm) ? t.helm : {} }] : [];
    });
    if (targets.length === 0) targets.push({ env: SINGLE_ENV_NAME, helm: {} });
    for (const target of targets) {
      const errors: string[] = [];
      const files = new Set([file]);
      const at = (path: YamlPath): YamlPath => (target.index === undefined ? path : ["targetCustomizations", target.index, "helm", ...path]);
      const versions: Version[] = [];
      const chartDir = localChart(r, dir, chart, asString(helm.repo));
      if (chartDir === undefined) {
        const own = target.helm.version !== undefined;
        const raw = own ? target.helm.version : helm.version;
        const value = raw === undefined || raw === null || raw === "" ? null : String(raw);
        const repo = asString(helm.repo);
        versions.push({
          kind: "chart",
          name: repo && !chart.includes("://") ? `${repo.replace(/\/+$/, "")}/${chart}` : chart,
          value,
          floating: isFloatingChartVersion(value),
          file,
          doc: doc.index,
          path: own ? at(["version"]) : ["helm", "version"],
          field: own ? `targetCustomizations[name=${target.env}].helm.version` : `helm.version${value === null ? " (not set: the newest chart version is deployed)" : ""}`,
        });
      }
      const layers: ValuesLayer[] = [];
      if (chartDir !== undefined) {
        const defaults = ctx.index.findFileIn(chartDir, ["values.yaml", "values.yml"]);
        const d = defaults ? ctx.load(defaults).docs[0] : undefined;
        if (defaults && d) layers.push({ file: defaults, doc: d.index, values: d.value });
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
      if (isRecord(helm.values)) layers.push({ file, doc: doc.index, values: helm.values, at: ["helm", "values"], field: (p) => `helm.values.${formatPath(p)}` });
      if (target.index !== undefined) {
        valuesFiles(target.helm.valuesFiles);
        if (isRecord(target.helm.values)) layers.push({ file, doc: doc.index, values: target.helm.values, at: at(["values"]), field: (p) => `targetCustomizations[name=${target.env}].helm.values.${formatPath(p)}` });
      }
      const images = layeredValuesImages(layers, app);
      versions.push(...(chartDir !== undefined ? withAppVersionDefault(ctx, chartDir, images) : images));
      out.push({ app, env: target.env, path: file, appDir: dir, versions: dedupeVersions(versions), errors, files: [...files].sort(), source: "fleet" });
    }
  }
  return out;
}

/** A chart path inside the bundle (`./chart`, `chart`) rather than a chart of a repository or registry. */
function localChart(r: DirReaders, dir: string, chart: string, repo: string | undefined): string | undefined {
  if (repo || chart.includes("://")) return undefined;
  const target = joinInRepo(dir, chart);
  return target !== null && r.ctx.index.hasFile(target === "" ? "Chart.yaml" : `${target}/Chart.yaml`) ? target : undefined;
}
