import { isScalar, parseDocument, type Document } from "yaml";
import { minimatch } from "minimatch";
import { isRecord, type YamlPath } from "../../yaml";
import type { ReadContext } from "../context";
import { ChartRenderer, type PrintedValue } from "../helm/template-exec";
import { TemplateError } from "../helm/template-parse";
import { mergeValues, type ValuesPath } from "../helm/template-values";
import { dirname, joinInRepo } from "../paths";
import { helmfileFuncs } from "./funcs";

/** One layer of an environment's values: a file, or a map written inline in a helmfile. */
export interface EnvLayer {
  file: string;
  doc: number;
  values: unknown;
  /** Where an inline map sits in `file`'s document; absent: the document is the values. */
  at?: YamlPath;
  /** The file is a template (`.gotmpl`): its values are what it renders to, and it is edited by hand. */
  rendered?: boolean;
  /** Where these values sit in the values of the helmfile that passed them down (shown in fields). */
  shown?: YamlPath;
  /** For a rendered file: where a scalar of its values was printed from. */
  trace?: (path: YamlPath) => Origin;
}

/** Where a scalar of a rendered helmfile came from. */
export type Origin =
  /** Printed from the environment's values at `path`. */
  | { from: "values"; path: ValuesPath }
  /**
   * Written in the helmfile: the raw document holds it at `path` (when the raw file parses), and its text is
   * `[start, end)` of the file (`span`, when no action printed any of it).
   */
  | { from: "literal"; path?: YamlPath; span?: [number, number] }
  /** Built by the template from several pieces, or by a function: not one place to edit. */
  | { from: "template" };

export interface Release {
  /** The helmfile that declares it. */
  file: string;
  /** The folder its relative paths start from: the helmfile's, or for a `bases:` file the including helmfile's. */
  dir: string;
  /** Its part (`---`-separated document) in that file. */
  doc: number;
  value: Record<string, unknown>;
  /** Where a field of the release came from; `field` is relative to the release. */
  origin(field: YamlPath): Origin;
  /** The environment's values as the part saw them, with their layers (last wins). */
  env: EnvState;
}

export interface EnvState {
  name: string;
  layers: EnvLayer[];
  values: Record<string, unknown>;
}

export interface HelmfileState {
  releases: Release[];
  /** Files read for this state: the helmfile, its bases, values files of its environments. */
  files: Set<string>;
  problems: string[];
  /** Every environment declared by this helmfile or its bases. */
  environments: Set<string>;
}

const MAX_DEPTH = 8;
export const DEFAULT_ENV = "default";
const PROBE_ENV = "ferry-probe-environment";

/** helmfile's `missingFileHandler`: `Error` (the default) stops; `Warn`, `Info`, `Debug` carry on. */
export function isLenient(handler: unknown): boolean {
  return typeof handler === "string" && /^(warn|info|debug)$/i.test(handler);
}

/**
 * A helmfile as helmfile reads it for one environment: split into `---` parts before rendering, each part
 * rendered with the environment's values as the parts before it left them, `bases:` first, then the
 * releases of `helmfiles:` it includes.
 */
export class HelmfileLoader {
  constructor(private readonly ctx: ReadContext) {}

  load(file: string, envName: string, inherited: EnvLayer[] = [], depth = 0): HelmfileState {
    const state: HelmfileState = { releases: [], files: new Set([file]), problems: [], environments: new Set() };
    const env: EnvState = { name: envName, layers: [...inherited], values: mergeValues(inherited.map((l) => l.values)) };
    this.loadInto(state, file, env, depth, dirname(file));
    return state;
  }

  /**
   * The environments a helmfile declares whatever environment it is rendered for: a key written as
   * `{{ .Environment.Name }}:` names the one being rendered, not one more.
   */
  environments(file: string): { names: string[]; asDefault: HelmfileState } {
    const asDefault = this.load(file, DEFAULT_ENV);
    const asOther = this.load(file, PROBE_ENV);
    return { names: [...asDefault.environments].filter((n) => asOther.environments.has(n)), asDefault };
  }

  /** Paths in a `bases:` file are relative to the helmfile that loads it (`dir`), as helmfile resolves them. */
  private loadInto(state: HelmfileState, file: string, env: EnvState, depth: number, dir: string): void {
    if (depth > MAX_DEPTH) {
      state.problems.push(`${file}: helmfiles nest deeper than ${MAX_DEPTH}; not read further`);
      return;
    }
    const text = this.ctx.index.read(file);
    if (text === undefined) {
      state.problems.push(`${file}: not found`);
      return;
    }
    state.files.add(file);
    const raw = parseRawParts(text);
    splitParts(text).forEach(({ text: partText, offset }, doc) => {
      let rendered: RenderedPart;
      try {
        rendered = this.renderPart(partText, dir, env, offset);
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e;
        state.problems.push(`${file}: part ${doc + 1} could not be rendered: ${e.message}`);
        return;
      }
      const part = rendered.doc.toJS({ maxAliasCount: 100 }) as unknown;
      if (rendered.doc.errors.length > 0 || !isRecord(part)) {
        if (rendered.doc.errors.length > 0) state.problems.push(`${file}: part ${doc + 1} is not valid YAML once rendered (${rendered.doc.errors[0]?.message.split("\n")[0] ?? ""})`);
        return;
      }
      for (const base of stringList(part.bases)) {
        const target = joinInRepo(dir, base);
        if (target === null || base.startsWith("/")) state.problems.push(`${file}: base ${base} is outside the repository; not read`);
        else this.loadInto(state, target, env, depth + 1, dir);
      }
      this.readEnvironments(state, file, dir, doc, part, env, raw[doc]);
      const templates = isRecord(part.templates) ? part.templates : {};
      (Array.isArray(part.releases) ? part.releases : []).forEach((r, i) => {
        if (!isRecord(r)) return;
        const value = withInherited(r, templates);
        if (value.namespace === undefined && typeof part.namespace === "string") value.namespace = part.namespace;
        state.releases.push({
          file,
          dir,
          doc,
          value,
          env: { ...env, layers: [...env.layers] },
          origin: (field) => originOf(rendered, ["releases", i, ...field], raw[doc], r.name),
        });
      });
      for (const entry of Array.isArray(part.helmfiles) ? part.helmfiles : []) this.loadChildren(state, dir, entry, env, depth);
    });
  }

  /** `environments.<env>.values` (and the top-level `values:` every environment starts from), in order. */
  private readEnvironments(state: HelmfileState, file: string, dir: string, doc: number, part: Record<string, unknown>, env: EnvState, raw: unknown): void {
    const add = (entries: unknown, at: YamlPath, lenient: boolean) => {
      (Array.isArray(entries) ? entries : []).forEach((entry, j) => {
        const layer = this.valuesLayer(state, dir, entry, { file, doc, at: [...at, j] }, env, raw, lenient);
        if (!layer) return;
        env.layers.push(layer);
        env.values = mergeValues([env.values, layer.values]);
      });
    };
    add(part.values, ["values"], false);
    const envs = isRecord(part.environments) ? part.environments : {};
    for (const name of Object.keys(envs)) state.environments.add(name);
    const mine = envs[env.name];
    if (isRecord(mine)) add(mine.values, ["environments", env.name, "values"], isLenient(mine.missingFileHandler));
  }

  private valuesLayer(state: HelmfileState, dir: string, entry: unknown, inline: { file: string; doc: number; at: YamlPath }, env: EnvState, raw: unknown, lenient: boolean): EnvLayer | undefined {
    if (isRecord(entry)) {
      const literal = raw !== undefined && isRecord(getRaw(raw, inline.at));
      return literal ? { file: inline.file, doc: inline.doc, values: entry, at: inline.at } : { file: inline.file, doc: inline.doc, values: entry, at: inline.at, rendered: true };
    }
    if (typeof entry !== "string") return undefined;
    return this.valuesFile(state, dir, entry, env, lenient);
  }

  /**
   * A values file named by a helmfile: YAML, or a `.gotmpl` rendered with the environment as it stands. A
   * `.gotmpl` without a template action renders to its own text: it is plain YAML, read and edited as such.
   */
  valuesFile(state: { files: Set<string>; problems: string[] }, dir: string, entry: string, env: EnvState, lenient = false): EnvLayer | undefined {
    // An absolute path is a file on the host helmfile runs on (`/etc/helmfile-defaults/…`), never in the repository.
    if (entry.startsWith("/") || /^(https?|git|s3|gs):/.test(entry)) return undefined;
    const file = joinInRepo(dir, entry);
    if (file === null) {
      if (!lenient) state.problems.push(`${entry}: values file named by a helmfile in ${dir || "the root"} is outside the repository`);
      return undefined;
    }
    const text = this.ctx.index.read(file);
    if (text === undefined) {
      if (!lenient) state.problems.push(`${file}: values file named by a helmfile is not in the repository`);
      return undefined;
    }
    state.files.add(file);
    if (!file.endsWith(".gotmpl")) {
      const parsed = this.ctx.load(file);
      if (parsed.problem) state.problems.push(parsed.problem);
      return { file, doc: 0, values: parsed.docs[0]?.value ?? {} };
    }
    try {
      const out = this.renderPart(text, dirname(file), env);
      if (!text.includes("{{")) {
        const invalid = out.doc.errors[0];
        if (invalid) state.problems.push(`${file}: not valid YAML (${invalid.message.split("\n")[0] ?? ""})`);
        return { file, doc: 0, values: (out.doc.toJS() as unknown) ?? {} };
      }
      return { file, doc: 0, values: out.doc.toJS() as unknown, rendered: true, trace: (path) => originOf(out, path, undefined, undefined) };
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      state.problems.push(`${file}: could not be rendered: ${e.message}`);
      return undefined;
    }
  }

  private loadChildren(state: HelmfileState, dir: string, entry: unknown, env: EnvState, depth: number): void {
    const pattern = typeof entry === "string" ? entry : isRecord(entry) && typeof entry.path === "string" ? entry.path : undefined;
    if (!pattern || /^(git|https?):/.test(pattern)) return;
    const target = joinInRepo(dir, pattern);
    if (target === null) return;
    const matches = /[*?[{]/.test(target) ? this.ctx.index.paths.filter((p) => minimatch(p, target)) : [target];
    // A sub-helmfile sees only the values its entry passes (`values:`), in the same environment.
    const passed: EnvLayer[] = [];
    if (isRecord(entry))
      for (const v of Array.isArray(entry.values) ? entry.values : []) {
        if (isRecord(v)) passed.push(...projectedLayers(env, v));
        else if (typeof v === "string") {
          const layer = this.valuesFile(state, dir, v, env);
          if (layer) passed.push(layer);
        }
      }
    if (matches.length === 0) state.problems.push(`${pattern}: no helmfile in the repository matches this helmfiles: entry`);
    for (const child of matches.sort()) {
      const sub = this.load(child, env.name, passed, depth + 1);
      state.releases.push(...sub.releases);
      state.problems.push(...sub.problems);
      for (const f of sub.files) state.files.add(f);
    }
  }

  /** `offset`: where `text` starts in its file, so that the template's own text can be found there. */
  private renderPart(text: string, dir: string, env: EnvState, offset = 0): RenderedPart {
    const read = (path: string) => {
      const file = joinInRepo(dir, path);
      return file === null ? undefined : this.ctx.index.read(file);
    };
    const root = { Environment: { Name: env.name, Values: env.values, KubeContext: "" }, Values: env.values, StateValues: env.values, Namespace: "" };
    const renderer = new ChartRenderer(root, [], { traced: env.values, funcs: helmfileFuncs(read) });
    const out = text.includes("{{") ? renderer.render(text, undefined, { sources: true }) : { text, printed: [], sources: [{ start: 0, end: text.length, src: 0 }] };
    const sources = (out.sources ?? []).map((s) => ({ ...s, src: s.src + offset }));
    return { text: out.text, printed: out.printed, sources, doc: parseDocument(out.text, { prettyErrors: false, logLevel: "error", merge: true }) };
  }
}

interface RenderedPart {
  text: string;
  printed: PrintedValue[];
  /** The template's own text in the output, and where it is in the file (see Rendered.sources). */
  sources: { start: number; end: number; src: number }[];
  doc: Document.Parsed;
}

/** helmfile splits on `---` lines before it renders anything; each part with where it starts in the file. */
function splitParts(text: string): { text: string; offset: number }[] {
  const parts: { text: string; offset: number }[] = [];
  let from = 0;
  for (const m of text.matchAll(/^---[ \t]*(?:#.*)?$/gm)) {
    parts.push({ text: text.slice(from, m.index), offset: from });
    from = m.index + m[0].length;
  }
  parts.push({ text: text.slice(from), offset: from });
  return parts.filter((p, i, all) => i === 0 || i < all.length - 1 || p.text.trim() !== "");
}

/** The raw parts as YAML, where they parse (no template where YAML structure is). */
function parseRawParts(text: string): unknown[] {
  return splitParts(text).map(({ text: p }) => {
    const doc = parseDocument(p, { prettyErrors: false, logLevel: "silent", merge: true });
    return doc.errors.length === 0 ? (doc.toJS() as unknown) : undefined;
  });
}

function getRaw(root: unknown, path: YamlPath): unknown {
  let cur = root;
  for (const step of path) {
    if (typeof step === "number") cur = Array.isArray(cur) ? cur[step] : undefined;
    else cur = isRecord(cur) ? cur[step] : undefined;
  }
  return cur;
}

function originOf(part: RenderedPart, path: YamlPath, raw: unknown, releaseName: unknown): Origin {
  const node = part.doc.getIn(path, true);
  if (!isScalar(node) || !node.range) return { from: "template" };
  const [start, end] = node.range;
  const inside = part.printed.filter((p) => p.start >= start && p.end <= end);
  if (inside.length === 1 && inside[0]?.value !== undefined && String(node.value) === inside[0].value) return { from: "values", path: inside[0].path };
  if (inside.length > 0) return { from: "template" };
  const at = rawPath(raw, path, releaseName, node.value);
  if (at) return { from: "literal", path: at };
  // The raw file is no YAML (templated names, `{{ if }}` lines): the scalar is template text all the same.
  const own = part.sources.find((s) => s.start <= start && end <= s.end);
  return own ? { from: "literal", span: [own.src + start - own.start, own.src + end - own.start] } : { from: "literal" };
}

/** The same field in the raw part: by position, or by the release's name when templates moved things. */
function rawPath(raw: unknown, path: YamlPath, releaseName: unknown, value: unknown): YamlPath | undefined {
  const same = getRaw(raw, path);
  if (same !== undefined && String(same) === String(value)) return path;
  if (path[0] !== "releases" || !isRecord(raw) || !Array.isArray(raw.releases)) return undefined;
  const i = raw.releases.findIndex((r) => isRecord(r) && r.name === releaseName);
  if (i < 0) return undefined;
  const moved = ["releases", i, ...path.slice(2)];
  const there = getRaw(raw, moved);
  return there !== undefined && String(there) === String(value) ? moved : undefined;
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** `inherit: [{template: x}]` (and the older `<<: *anchor`, merged by the YAML parser): the template's fields under the release's. */
function withInherited(release: Record<string, unknown>, templates: Record<string, unknown>): Record<string, unknown> {
  const inherit = Array.isArray(release.inherit) ? release.inherit : [];
  let out: Record<string, unknown> = {};
  let values: unknown[] = [];
  for (const i of inherit) {
    const t = isRecord(i) && typeof i.template === "string" ? templates[i.template] : undefined;
    if (!isRecord(t)) continue;
    out = { ...out, ...t };
    if (Array.isArray(t.values)) values = [...values, ...t.values];
  }
  out = { ...out, ...release };
  if (values.length > 0) out.values = [...values, ...(Array.isArray(release.values) ? release.values : [])];
  return out;
}

/**
 * Values a helmfile passes to a sub-helmfile as a map it printed from its own (`{{ toYaml .Values.x }}`):
 * the same subtree of each of its layers, so a version in the sub-helmfile is still edited where it is written.
 */
function projectedLayers(env: EnvState, passed: Record<string, unknown>): EnvLayer[] {
  const prefix = subtreePath(env.values, passed, [], 0);
  if (prefix === undefined) return [{ file: "", doc: 0, values: passed, rendered: true }];
  return env.layers.flatMap((l) => {
    const sub = getRaw(l.values, prefix);
    return isRecord(sub) ? [{ ...l, values: sub, at: [...(l.at ?? []), ...prefix], shown: [...(l.shown ?? []), ...prefix] }] : [];
  });
}

function subtreePath(node: unknown, want: Record<string, unknown>, at: YamlPath, depth: number): YamlPath | undefined {
  if (!isRecord(node) || depth > 4) return undefined;
  if (sameValues(node, want)) return at;
  for (const [k, v] of Object.entries(node)) {
    const found = subtreePath(v, want, [...at, k], depth + 1);
    if (found) return found;
  }
  return undefined;
}

function sameValues(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValues(x, b[i]));
  if (isRecord(a) || isRecord(b)) {
    if (!isRecord(a) || !isRecord(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameValues(a[k], b[k]));
  }
  return String(a) === String(b);
}
