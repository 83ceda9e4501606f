import { getAtPath, isRecord, type YamlPath } from "../yaml";
import type { ParamSet } from "./argocd-generators";
import { renderTemplateString, renderTemplateYaml, type TemplateSyntax } from "./argocd-template";
import { joinInRepo } from "./paths";

// A version an ApplicationSet renders from a generator parameter (`targetRevision: '{{ .version }}'`)
// lives where the parameter is written: a list element, a clusters generator's `values`, or the file a
// files generator read. That is the place a promotion edits; the template only says where it goes.

export interface ParamLocation {
  file: string;
  doc: number;
  path: YamlPath;
  field: string;
}

export interface GeneratedFrom {
  params: ParamSet;
  syntax: TemplateSyntax;
  /** The ApplicationSet document, to find list elements and generator values in. */
  set: { file: string; doc: number; value: Record<string, unknown> };
  /** First document of a repository file, for files-generator matches. */
  load(path: string): unknown;
}

const SINGLE_PLACEHOLDER = /^\s*\{\{-?\s*\.?([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)\s*-?\}\}\s*$/;

/** Where the parameter that fills `template` with `value` is written, when exactly one place says so. */
export function locateParam(template: string, value: string, from: GeneratedFrom): ParamLocation | undefined {
  const m = SINGLE_PLACEHOLDER.exec(template);
  if (!m?.[1]) return undefined;
  const segs = m[1].split(".");
  if (paramAt(from, segs) !== value) return undefined;
  return inMatchedFile(segs, value, from) ?? inGeneratorSpec(segs, value, from);
}

/**
 * The same for a value inside YAML the template writes as a string (`helm.values: |`, which a template
 * uses to add whole keys with `{{- if }}`): the string rendered for this element says what wrote the leaf
 * at `inner`. Only a leaf printed whole from one parameter (`digest: "{{ .imageDigest }}"`) is located.
 */
export function locateEmbeddedParam(text: string, inner: YamlPath, value: string, from: GeneratedFrom): ParamLocation | undefined {
  const rendered = renderTemplateYaml(text, from.params, from.syntax);
  const written = rendered.ok ? getAtPath(rendered.templated, inner) : undefined;
  return typeof written === "string" ? locateParam(written, value, from) : undefined;
}

function paramAt(from: GeneratedFrom, segs: readonly string[]): string | undefined {
  let v: unknown;
  if (from.syntax === "go") {
    v = from.params;
    for (const s of segs) v = isRecord(v) ? v[s] : undefined;
  } else v = from.params[segs.join(".")];
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
}

/**
 * A files-generator match: the parameter is a key of the file the match was read from. A matrix of files
 * generators (`pathParamPrefix`) read several: the one that holds the value.
 */
function inMatchedFile(segs: readonly string[], value: string, from: GeneratedFrom): ParamLocation | undefined {
  for (const file of matchedFiles(from)) {
    let v = from.load(file);
    for (const s of segs) v = isRecord(v) ? v[s] : undefined;
    if ((typeof v === "string" || typeof v === "number") && String(v) === value) return { file, doc: 0, path: [...segs], field: `${segs.join(".")} (read by ApplicationSet generator)` };
  }
  return undefined;
}

function matchedFiles(from: GeneratedFrom): string[] {
  const p = from.params;
  const out: (string | null)[] = [];
  if (from.syntax === "go") {
    for (const v of Object.values(p)) {
      const fields = isRecord(v) && isRecord(v.path) ? v.path : v;
      if (isRecord(fields) && typeof fields.filename === "string" && typeof fields.path === "string") out.push(joinInRepo(fields.path === "." ? "" : fields.path, fields.filename));
    }
  } else
    for (const [k, v] of Object.entries(p)) {
      if (!k.endsWith("path.filename") || typeof v !== "string") continue;
      const dir = p[k.slice(0, -".filename".length)];
      if (typeof dir === "string") out.push(joinInRepo(dir === "." ? "" : dir, v));
    }
  // A merge of files generators keeps one match's path parameters: the other files are found again from
  // their patterns (`versions/{{ platform_version }}/version.yaml`), filled with this element's parameters.
  for (const pattern of filePatterns(from.set.value.spec, 0)) {
    const missing: string[] = [];
    const path = renderTemplateString(pattern, p, missing, from.syntax);
    if (missing.length === 0 && !/[*?[]/.test(path)) out.push(joinInRepo("", path));
  }
  return [...new Set(out.filter((f): f is string => f !== null))];
}

/** `git.files[].path` of every files generator, nested ones included. */
function filePatterns(spec: unknown, depth: number): string[] {
  const generators = isRecord(spec) ? spec.generators : undefined;
  if (!Array.isArray(generators) || depth > 3) return [];
  return generators.flatMap((g: unknown) => {
    if (!isRecord(g)) return [];
    const files = isRecord(g.git) && Array.isArray(g.git.files) ? g.git.files : [];
    const own = files.flatMap((f: unknown) => (isRecord(f) && typeof f.path === "string" ? [f.path] : []));
    return [...own, ...["matrix", "merge"].flatMap((c) => filePatterns(g[c], depth + 1))];
  });
}

/** A list element or a clusters generator's `values`: the one container that holds this value and agrees with the other parameters. */
function inGeneratorSpec(segs: readonly string[], value: string, from: GeneratedFrom): ParamLocation | undefined {
  const key = segs[segs.length - 1] ?? "";
  const prefix = segs.slice(0, -1);
  const spec = from.set.value.spec;
  if (!isRecord(spec)) return undefined;
  const found: YamlPath[] = [];
  const visit = (node: unknown, path: YamlPath, depth: number) => {
    if (depth > 12) return;
    if (Array.isArray(node)) node.forEach((v, i) => visit(v, [...path, i], depth + 1));
    else if (isRecord(node)) {
      const own = node[key];
      if ((typeof own === "string" || typeof own === "number") && String(own) === value && agrees(node, key, prefix, from) && selectorAgrees(spec, path, from)) found.push([...path, key]);
      for (const [k, v] of Object.entries(node)) if (k !== "template" && k !== "templatePatch") visit(v, [...path, k], depth + 1);
    }
  };
  visit(spec.generators, ["spec", "generators"], 0);
  const at = found.length === 1 ? found[0] : lastMergeChild(found);
  if (!at) return undefined;
  return { file: from.set.file, doc: from.set.doc, path: at, field: `${at.slice(1).map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("").slice(1)} (ApplicationSet generator parameter)` };
}

/**
 * Children of one merge generator that all set the parameter: Argo CD merges them in order, so the last
 * child's value is the one that renders (a per-environment pin over the base's default, even when equal).
 */
function lastMergeChild(found: readonly YamlPath[]): YamlPath | undefined {
  const first = found[0];
  if (!first) return undefined;
  let common = 0;
  while (common < first.length && found.every((p) => p[common] === first[common])) common++;
  if (first[common - 1] !== "generators" || first[common - 2] !== "merge") return undefined;
  const children = found.map((p) => p[common]);
  if (children.some((c) => typeof c !== "number") || new Set(children).size !== children.length) return undefined;
  return found.reduce((a, b) => ((b[common] as number) > (a[common] as number) ? b : a));
}

/** Every other scalar the container sets is what this parameter set has: it is this set's element. */
function agrees(node: Record<string, unknown>, key: string, prefix: readonly string[], from: GeneratedFrom): boolean {
  for (const [k, v] of Object.entries(node)) {
    if (k === key || (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean")) continue;
    const mine = paramAt(from, [...prefix, k]);
    if (mine !== undefined && mine !== String(v)) return false;
  }
  return true;
}

/** `values` of a clusters generator belong to the clusters its selector picks: this set's cluster must be one. */
function selectorAgrees(spec: Record<string, unknown>, path: YamlPath, from: GeneratedFrom): boolean {
  if (path[path.length - 1] !== "values" || path[path.length - 2] !== "clusters") return true;
  let node: unknown = { spec };
  for (const p of path.slice(0, -1)) node = isRecord(node) ? node[p as string] : Array.isArray(node) ? node[p as number] : undefined;
  const selector = isRecord(node) ? node.selector : undefined;
  if (!isRecord(selector)) return true;
  const label = (k: string) => paramAt(from, from.syntax === "go" ? ["metadata", "labels", k] : [`metadata.labels.${k}`]);
  if (isRecord(selector.matchLabels)) for (const [k, v] of Object.entries(selector.matchLabels)) if (label(k) !== String(v)) return false;
  for (const e of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
    if (!isRecord(e) || typeof e.key !== "string") continue;
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    const l = label(e.key);
    if (e.operator === "In" && (l === undefined || !values.includes(l))) return false;
    if (e.operator === "NotIn" && l !== undefined && values.includes(l)) return false;
  }
  return true;
}
