import type { Version } from "../../model";
import { asString, formatPath, getAtPath, isRecord, parseDottedPath, type YamlPath } from "../../yaml";
import type { Candidate } from "../candidate";
import type { ReadContext } from "../context";
import { chartDirVersions } from "../dir-versions";
import { isFloatingChartVersion } from "../floating";
import { withAppVersionDefault } from "../helm/app-version";
import { chartDefaultsLayer } from "../helm/chart-defaults";
import { ChartRenderer } from "../helm/template-exec";
import { TemplateError } from "../helm/template-parse";
import { envNameForms, isEnvLikeName } from "../env-order";
import { basename, joinInRepo } from "../paths";
import { layeredValuesImages, type ValuesLayer } from "../values-images";
import { dedupeVersions } from "../versions";
import { unresolvedReason } from "./funcs";
import { DEFAULT_ENV, isLenient, type EnvLayer, type HelmfileLoader, type Origin, type Release } from "./state";

/**
 * One release of a helmfile in one environment, as a deployment: the chart version it pins (a remote
 * chart) and the images its values set, each located where a promotion edits it — the environment's
 * values file when the helmfile prints it from there, the helmfile when it is written in it.
 */
export function releaseCandidate(ctx: ReadContext, loader: HelmfileLoader, release: Release, envName: string): Candidate | undefined {
  const errors: string[] = [];
  const files = new Set<string>([release.file, ...release.env.layers.map((l) => l.file).filter(Boolean)]);
  const r = withReleaseTemplates(release, errors);
  const name = asString(r.name);
  if (!name || !isInstalled(r, release.env.values)) return undefined;
  const dir = release.dir;
  const lenient = isLenient(r.missingFileHandler);
  const chart = asString(r.chart) ?? "";
  const chartDir = localChartDir(ctx, dir, chart);
  const versions: Version[] = [];
  const layers: (ValuesLayer & { trace?: EnvLayer["trace"] })[] = [];

  if (chartDir !== undefined) {
    const own = chartDirVersions(ctx, chartDir, [], chartDir);
    versions.push(...own.versions);
    errors.push(...own.errors);
    const defaults = chartDefaultsLayer(ctx, chartDir);
    if (defaults) layers.push(defaults);
  } else if (chart !== "") {
    versions.push(chartVersion(release, r, chart, errors));
  }

  const valueEntries = Array.isArray(r.values) ? r.values : [];
  valueEntries.forEach((entry, j) => {
    if (isRecord(entry)) {
      layers.push(inlineLayer(release, entry, ["values", j]));
    } else if (typeof entry === "string") {
      const layer = loader.valuesFile({ files, problems: errors }, dir, entry, release.env, lenient);
      if (layer) layers.push(fileLayer(layer));
    }
  });
  (Array.isArray(r.set) ? r.set : []).forEach((s, j) => {
    if (!isRecord(s) || typeof s.name !== "string" || s.value === undefined) return;
    const path = parseDottedPath(s.name);
    const values = path.reduceRight<unknown>((inner, key) => (typeof key === "number" ? Object.assign([], { [key]: inner }) : { [key]: inner }), s.value);
    layers.push({ file: release.file, doc: release.doc, values, at: [...releasePath(release, ["set", j, "value"])], whole: true, field: () => `releases[name=${name}].set[name=${s.name as string}].value` });
  });
  const traced = new Map(layers.flatMap((l) => (l.trace ? [[l.file, l.trace] as const] : [])));
  const images = layeredValuesImages(layers, name, (file, path) => (file === release.file ? `releases[name=${name}].values.${formatPath(path)}` : formatPath(path))).map((v) => {
    const trace = traced.get(v.file);
    return trace && v.value !== null ? { ...v, ...locateIn(release, trace(v.path), v.value, errors, v.file, v.field) } : v;
  });
  versions.push(...(chartDir !== undefined ? withAppVersionDefault(ctx, chartDir, images) : images));
  for (const l of layers) if (l.file) files.add(l.file);

  const app = appName(name, r, release, envName);
  return {
    app,
    env: envName,
    path: release.file,
    appDir: chartDir ?? dir,
    versions: dedupeVersions(versions).map((v) => unresolved(v, errors, name, app)),
    errors: [...new Set(errors)],
    files: [...files].sort(),
    source: "helmfile",
  };
}

/**
 * A release named after a stage (`production`, `staging`: one release per stage of one service) is that
 * service's: the app is its namespace, or the folder of its helmfile. A release named for the environment
 * it is read in (`{{ .Environment.Name }}-api`, `api-{{ .Values.suffix }}` with `suffix: stg`) is one app
 * across environments: the environment's name, or its stage's short form, is not part of the app's name.
 * `envName` is the environment the release is read in, or the one its labels or namespace put it in
 * (`formbricks-stage`, labelled `environment: stage`, is formbricks in stage).
 */
function appName(written: string, r: Record<string, unknown>, release: Release, envName: string): string {
  const name = withoutEnvironmentName(written, envName);
  if (name !== written || !isEnvLikeName(name)) return name;
  const namespace = asString(r.namespace);
  if (namespace && !isEnvLikeName(namespace)) return namespace;
  const folder = basename(release.dir);
  return folder && !/^helmfile(\.d)?$/.test(folder) ? folder : name;
}

function withoutEnvironmentName(name: string, env: string): string {
  if (env === DEFAULT_ENV) return name;
  for (const form of envNameForms(env)) {
    if (name.startsWith(`${form}-`) && name.length > form.length + 1) return name.slice(form.length + 1);
    if (name.endsWith(`-${form}`) && name.length > form.length + 1) return name.slice(0, -form.length - 1);
  }
  return name;
}

/** `installed: false`, an `installedTemplate` that renders false, or a `condition:` the environment's values turn off. */
function isInstalled(r: Record<string, unknown>, values: Record<string, unknown>): boolean {
  if (r.installed === false || r.installed === "false") return false;
  if (typeof r.installedTemplate === "string" && r.installedTemplate.trim() === "false") return false;
  const condition = asString(r.condition);
  if (!condition) return true;
  const v = getAtPath(values, parseDottedPath(condition));
  return !(v === false || v === "false");
}

function localChartDir(ctx: ReadContext, dir: string, chart: string): string | undefined {
  if (chart === "" || /^[a-z][\w+.-]*:\/\//i.test(chart)) return undefined;
  if (!chart.startsWith(".") && !chart.startsWith("/") && chart.split("/").length === 2 && !ctx.index.hasDir(joinInRepo(dir, chart) ?? "")) return undefined;
  const target = joinInRepo(dir, chart);
  return target !== null && ctx.index.hasFile(target === "" ? "Chart.yaml" : `${target}/Chart.yaml`) ? target : undefined;
}

function chartVersion(release: Release, r: Record<string, unknown>, chart: string, errors: string[]): Version {
  const raw = r.version;
  const value = raw === undefined || raw === null || raw === "" ? null : String(raw);
  const name = asString(r.name) ?? "";
  const field = `releases[name=${name}].version`;
  const base = { kind: "chart" as const, name: chart, value, floating: isFloatingChartVersion(value) };
  if (value === null) return { ...base, file: release.file, doc: release.doc, path: releasePath(release, ["version"]), field: `${field} (not set: the newest chart version is installed)` };
  if (unresolvedReason(value) !== undefined) return { ...base, file: release.file, doc: release.doc, path: releasePath(release, ["version"]), field };
  const at = locateScalar(release, ["version"], value, errors);
  return { ...base, ...at, field: at.field ?? field };
}

/** Where a scalar of the release is edited: the environment values it is printed from, or the helmfile. */
function locateScalar(release: Release, field: YamlPath, value: string, errors: string[]): Pick<Version, "file" | "doc" | "path" | "span"> & { field?: string } {
  const origin = release.origin(field);
  const own = { file: release.file, doc: release.doc, path: ["releases", "?", ...field] as YamlPath };
  if (origin.from === "literal" && origin.path) return { ...own, path: origin.path };
  if (origin.from === "literal" && origin.span) return { ...own, span: origin.span };
  const at = locateIn(release, origin, value, errors, release.file, undefined);
  if (at) return at;
  errors.push(`${release.file}: the ${formatPath(field)} of release ${asString(release.value.name) ?? "?"} is built by a template; Ferry cannot say which file to edit`);
  return own;
}

/**
 * A scalar a template printed (the helmfile, or a `.gotmpl` values file), followed to the environment values
 * file it was printed from; undefined when it was not printed from one place.
 */
function locateIn(release: Release, origin: Origin, value: string, errors: string[], template: string, shownField: string | undefined): (Pick<Version, "file" | "doc" | "path"> & { field: string }) | undefined {
  if (origin.from === "literal") return undefined;
  const valuesPath = origin.from === "values" ? origin.path : uniqueLeaf(release.env.layers, value);
  const owner = valuesPath ? [...release.env.layers].reverse().find((l) => getAtPath(l.values, valuesPath) !== undefined) : undefined;
  if (valuesPath && owner && owner.file) {
    const dotted = formatPath([...(owner.shown ?? []), ...valuesPath]);
    if (owner.rendered) errors.push(`${owner.file}: ${dotted} is rendered from a template; edit it there by hand`);
    return { file: owner.file, doc: owner.doc, path: [...(owner.at ?? []), ...valuesPath], field: `${dotted} (environment ${release.env.name} values, printed by ${template}${shownField ? ` as ${shownField}` : ""})` };
  }
  return undefined;
}

/** The one leaf of the environment's values equal to `value` (what `get`, `default` and friends printed). */
function uniqueLeaf(layers: readonly EnvLayer[], value: string): YamlPath | undefined {
  const found = new Map<string, YamlPath>();
  const walk = (node: unknown, at: YamlPath) => {
    if (Array.isArray(node)) node.forEach((v, i) => walk(v, [...at, i]));
    else if (isRecord(node)) for (const [k, v] of Object.entries(node)) walk(v, [...at, k]);
    else if ((typeof node === "string" || typeof node === "number") && String(node) === value) found.set(JSON.stringify(at), at);
  };
  for (const l of layers) walk(l.values, []);
  return found.size === 1 ? [...found.values()][0] : undefined;
}

function releasePath(release: Release, field: YamlPath): YamlPath {
  const o = release.origin(["name"]);
  const at = o.from === "literal" && o.path ? o.path.slice(0, 2) : ["releases", "?"];
  return [...at, ...field];
}

function inlineLayer(release: Release, values: Record<string, unknown>, field: YamlPath): ValuesLayer {
  const name = asString(release.value.name) ?? "";
  return { file: release.file, doc: release.doc, values, at: releasePath(release, field), field: (p) => `releases[name=${name}].${formatPath(field)}.${formatPath(p)}` };
}

function fileLayer(l: EnvLayer): ValuesLayer & { trace?: EnvLayer["trace"] } {
  return { file: l.file, doc: l.doc, values: l.values, ...(l.at ? { at: l.at } : {}), ...(l.trace ? { trace: l.trace } : {}) };
}

/**
 * A version helmfile learns only when it runs (`requiredEnv`, `exec`): unknown here, and the cell says why.
 * So is an image repository or chart set that way (`set: deployment.image.repository` from `requiredEnv`):
 * the version keeps its field under the app's name (one name in every environment), and the cell says what names it.
 */
function unresolved(v: Version, errors: string[], release: string, app: string): Version {
  const named = unresolvedReason(v.name);
  if (named !== undefined) errors.push(`${v.file}: the ${v.kind === "image" ? "image repository" : "chart"} of release ${release} is set when helmfile runs (${named}); Ferry names the ${v.kind} after the app, ${app}`);
  const out = named === undefined ? v : { ...v, name: app };
  const reason = unresolvedReason(v.value);
  if (reason === undefined) return out;
  errors.push(`${v.file}: ${v.field} is set when helmfile runs (${reason}); its version is not in the repository`);
  return { ...out, value: null, floating: true };
}

/**
 * Release fields written with helmfile's release templates (`{{`{{ .Release.Name }}`}}` in `templates:`)
 * are rendered a second time with the release itself in scope.
 */
function withReleaseTemplates(release: Release, errors: string[]): Record<string, unknown> {
  const r = release.value;
  if (!JSON.stringify(r).includes("{{")) return r;
  const root = {
    Release: { Name: r.name ?? "", Namespace: r.namespace ?? "", Labels: isRecord(r.labels) ? r.labels : {}, Chart: r.chart ?? "" },
    Environment: { Name: release.env.name, Values: release.env.values },
    Values: release.env.values,
    StateValues: release.env.values,
  };
  const renderer = new ChartRenderer(root, []);
  const render = (v: unknown): unknown => {
    if (typeof v === "string" && v.includes("{{")) {
      try {
        return renderer.render(v).text;
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e;
        errors.push(`${release.file}: release ${String(r.name)}: ${e.message}`);
        return v;
      }
    }
    if (Array.isArray(v)) return v.map(render);
    if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, render(x)]));
    return v;
  };
  return render(r) as Record<string, unknown>;
}
