import type { Version } from "../model";
import { getAtPath, isRecord, parseYamlDocuments, type YamlPath } from "../yaml";
import type { DirReaders } from "./dir-versions";
import { ChartFiles, ChartRenderer, type PrintedValue } from "./helm/template-exec";
import { parseTemplate, TemplateError, TemplateSyntaxError } from "./helm/template-parse";
import { mergeValues, type ValuesPath } from "./helm/template-values";
import { splitManifests } from "./helm/split-manifests";
import { basename, joinInRepo } from "./paths";
import type { ValuesLayer } from "./values-images";

// App of apps written as a Helm chart: the chart's templates are Argo CD Applications, filled from its
// values (`range .Values.applications`), often with one values file per environment. Argo CD renders the
// chart and applies what comes out; Ferry renders it the same way to see which Applications exist and
// traces every version back to the values file that sets it, which is the file a promotion edits.

const ARGO_TEMPLATE = /^\s*kind:\s*["']?Application(Set)?["']?\s*$/m;

/** Charts whose templates render Argo CD Applications or ApplicationSets. */
export function appOfAppsCharts(r: DirReaders): Set<string> {
  const { ctx } = r;
  const out = new Set<string>();
  for (const dir of ctx.charts()) {
    if (templateFiles(r, dir).some((f) => !basename(f).startsWith("_") && ARGO_TEMPLATE.test(ctx.index.read(f) ?? ""))) out.add(dir);
  }
  return out;
}

function templateFiles(r: DirReaders, dir: string): string[] {
  const templates = joinInRepo(dir, "templates");
  if (templates === null || !r.ctx.index.hasDir(templates)) return [];
  return r.ctx.index.filesUnder(templates).filter((f) => /\.(ya?ml|tpl)$/.test(f));
}

/** Values set by the Application that renders the chart, with where each layer lives for edits. */
export interface InlineValues {
  values: unknown;
  file: string;
  doc: number;
  /** Path of the values inside that document (of the string, when `embedded`). */
  path: YamlPath;
  /** The values are a YAML string (`helm.values`): a promotion cannot edit inside it. */
  embedded?: boolean;
}

export interface ChartRelease {
  name: string;
  namespace?: string;
  /** `helm.valueFiles`, in order. */
  files: readonly ValuesLayer[];
  /** `helm.values` / `valuesObject`, then `helm.parameters` (each one a layer of its own). */
  inline: readonly InlineValues[];
}

export interface RenderedApplication {
  template: string;
  doc: number;
  value: Record<string, unknown>;
  /** Moves a version read from the rendered Application to the values file that sets it. */
  relocate(v: Version): Version;
  /**
   * Whether the release gave this version (a values file or inline values of the Application that renders
   * the chart): printed by a template action, and not traced to the chart's own values.yaml.
   */
  setByRelease(v: Version): boolean;
}

type Layer = InlineValues;

/** `values-{{ .Values.cluster }}.yaml` in a template: the chart's root Application names its own environment file from a value. */
const ENV_FILE_FROM_VALUE = /values-\{\{-?\s*\$?\.Values\.([\w.]+)\s*-?\}\}\.ya?ml/;

/**
 * One release per `values-<x>.yaml` next to the chart, for a chart no Application of this repository
 * deploys: its root Applications, one per environment x, were applied from outside with that file on
 * top of values.yaml. When the chart's own Application template names that file from a value
 * (`values-{{ .Values.cluster_name }}.yaml`), the value is x, as the root Application would set it.
 */
export function envValuesReleases(r: DirReaders, dir: string): { env: string; release: ChartRelease }[] {
  const { ctx } = r;
  const key = templateFiles(r, dir)
    .map((f) => ENV_FILE_FROM_VALUE.exec(ctx.index.read(f) ?? "")?.[1])
    .find((k) => k !== undefined);
  const out: { env: string; release: ChartRelease }[] = [];
  for (const file of ctx.index.filesIn(dir)) {
    const env = /^values-([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\.ya?ml$/.exec(basename(file))?.[1];
    const doc = env ? ctx.load(file).docs[0] : undefined;
    if (!env || !doc) continue;
    const files: ValuesLayer[] = [{ file, doc: doc.index, values: doc.value }];
    const path = key?.split(".") ?? [];
    // Below the file itself: a value the file sets wins, as it would over nothing.
    if (key && getAtPath(doc.value, path) === undefined) files.unshift({ file, doc: doc.index, values: path.reduceRight<unknown>((acc, k) => ({ [k]: acc }), env) });
    out.push({ env, release: { name: basename(dir), files, inline: [] } });
  }
  return out;
}

/**
 * Render `dir` as Argo CD would for `release` (the chart's own values only when no Application in this
 * repository renders it: it was applied from outside). Templates Ferry cannot evaluate are named in `problems`.
 */
export function renderAppChart(r: DirReaders, dir: string, release: ChartRelease | undefined): { apps: RenderedApplication[]; problems: string[] } {
  const { ctx } = r;
  const layers: Layer[] = [];
  const valuesFile = ctx.index.findFileIn(dir, ["values.yaml", "values.yml"]);
  const baseDoc = valuesFile ? ctx.load(valuesFile).docs[0] : undefined;
  if (valuesFile && baseDoc) layers.push({ values: baseDoc.value, file: valuesFile, doc: baseDoc.index, path: [] });
  for (const l of release?.files ?? []) layers.push({ values: l.values, file: l.file, doc: l.doc, path: [] });
  for (const l of release?.inline ?? []) layers.push(l);
  const chartFile = ctx.index.findFileIn(dir, ["Chart.yaml"]);
  const chart = chartFile ? ctx.load(chartFile).docs[0]?.value : undefined;
  const chartMeta = isRecord(chart) ? chart : {};
  const root: Record<string, unknown> = {
    Values: mergeValues(layers.map((l) => l.values)),
    Release: { Name: release?.name ?? basename(dir), Namespace: release?.namespace ?? "argocd", Service: "Helm", IsInstall: true, IsUpgrade: false, Revision: 1 },
    Chart: { Name: chartMeta.name ?? basename(dir), Version: chartMeta.version ?? "", AppVersion: chartMeta.appVersion ?? "" },
    Capabilities: { KubeVersion: { Version: "v1.33.0", Major: "1", Minor: "33" }, APIVersions: [] },
    Template: { BasePath: `${basename(dir)}/templates` },
    Files: new ChartFiles((path) => {
      const file = joinInRepo(dir, path);
      return file === null ? undefined : ctx.index.read(file);
    }),
  };
  const releaseLayers = layers.slice(valuesFile && baseDoc ? 1 : 0);
  const files = templateFiles(r, dir).map((path) => ({ path, text: ctx.index.read(path) ?? "" }));
  const apps: RenderedApplication[] = [];
  const problems: string[] = [];
  if (unparsable(r, dir, files)) return { apps, problems };
  const renderer = new ChartRenderer(root, files);
  for (const f of files) {
    if (basename(f.path).startsWith("_") || !ARGO_TEMPLATE.test(f.text)) continue;
    let out: ReturnType<ChartRenderer["render"]>;
    try {
      out = renderer.render(f.text);
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      if (e instanceof TemplateSyntaxError) {
        // `tpl` over text Go cannot parse: Helm's render stops there, for the whole chart.
        syntaxError(r, dir, f.path, e);
        return { apps: [], problems };
      }
      problems.push(`${f.path}: not rendered: ${e.message}`);
      continue;
    }
    let doc = 0;
    for (const { text: chunk, start } of splitManifests(out.text)) {
      const parsed = parseYamlDocuments(chunk);
      const value = parsed.documents[0]?.value;
      if (parsed.errors.length > 0) {
        problems.push(`${f.path}: rendered document ${doc + 1} is not valid YAML (${parsed.errors[0]?.message ?? "parse error"})`);
        doc++;
        continue;
      }
      if (!isRecord(value)) continue;
      // Overlapping, not inside: the document is trimmed, and what an action printed may start or end in the whitespace around it (`indent`).
      const inChunk = (p: { start: number; end: number }) => p.start < start + chunk.length && p.end > start;
      const printed = out.printed.filter(inChunk);
      const actions = (out.actions ?? []).filter(inChunk).map((a) => unquoted(out.text.slice(a.start, a.end).trim()));
      const printedByAction = (v: string) => actions.includes(v);
      const move = (v: Version) => relocate(v, printed, layers, dir, f.path, printedByAction);
      const setByRelease = (v: Version) => {
        const value = v.value;
        if (value === null || !printedByAction(value)) return false;
        const moved = move(v).file;
        if (moved !== f.path) return moved !== valuesFile;
        // Not traced (it went through a list the template built and read back from JSON): a layer of the release holds it.
        return releaseLayers.some((l) => leavesEqual(l.values, value, []).length > 0);
      };
      apps.push({ template: f.path, doc: doc++, value, relocate: move, setByRelease });
    }
  }
  return { apps, problems };
}

/**
 * Helm parses every template of a chart before it renders any: one that Go's parser rejects (a key with a
 * dash, helm/helm#2192) fails the chart, so Argo CD applies none of its Applications. An error on that
 * file, not a partial render.
 */
function unparsable(r: DirReaders, dir: string, files: readonly { path: string; text: string }[]): boolean {
  let broken = false;
  for (const f of files) {
    try {
      parseTemplate(f.text);
    } catch (e) {
      if (!(e instanceof TemplateSyntaxError)) continue;
      syntaxError(r, dir, f.path, e);
      broken = true;
    }
  }
  return broken;
}

function syntaxError(r: DirReaders, dir: string, file: string, e: TemplateSyntaxError): void {
  const message = `Helm cannot parse this template (${e.message}): it renders nothing of the chart ${dir || "at the repository root"}, so Argo CD applies none of its Applications`;
  // A chart rendered once per Application that deploys it fails the same way each time: said once.
  if (r.ctx.errors.some((x) => x.file === file && x.message === message)) return;
  r.ctx.errors.push({ file, message, ...(e.line !== undefined ? { line: e.line } : {}) });
}

/** The one place in the values a rendered version was printed from, or the version unchanged when it is written in the template. */
function relocate(v: Version, printed: readonly PrintedValue[], layers: readonly Layer[], dir: string, template: string, printedByAction: (value: string) => boolean): Version {
  if (v.value === null) return v;
  const paths = new Map<string, ValuesPath>();
  for (const p of printed) {
    if (p.value === v.value) paths.set(JSON.stringify(p.path), p.path);
    if (p.subtree !== undefined) for (const leaf of leavesEqual(p.subtree, v.value, [])) paths.set(JSON.stringify([...p.path, ...leaf]), [...p.path, ...leaf]);
  }
  // A value that went through something untraced (a list built with `set`, read back with `fromJson`).
  const written = printedByAction(v.value) ? ` (rendered by ${template} from values of the app-of-apps chart ${dir})` : ` (written in the Helm template ${template})`;
  if (paths.size !== 1) return { ...v, field: paths.size === 0 ? `${v.field}${written}` : `${v.field} (rendered by ${template} from one of several values)` };
  const path = [...paths.values()][0] ?? [];
  const layer = [...layers].reverse().find((l) => getAtPath(l.values, path) !== undefined);
  if (!layer) return v;
  const dotted = path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
  const where = `values of the app-of-apps chart ${dir}, rendered by ${template}`;
  if (layer.embedded) return { ...v, file: layer.file, doc: layer.doc, path: layer.path, field: `${dotted} (${where}; inside a YAML string)` };
  return { ...v, file: layer.file, doc: layer.doc, path: [...layer.path, ...path], field: `${dotted} (${where})` };
}

function unquoted(text: string): string {
  return /^(["']).*\1$/s.test(text) ? text.slice(1, -1) : text;
}

function leavesEqual(value: unknown, want: string, at: ValuesPath): ValuesPath[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leavesEqual(v, want, [...at, i]));
  if (isRecord(value)) return Object.entries(value).flatMap(([k, v]) => leavesEqual(v, want, [...at, k]));
  return (typeof value === "string" || typeof value === "number") && String(value) === want ? [at] : [];
}
