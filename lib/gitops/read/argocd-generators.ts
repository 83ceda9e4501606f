// Argo CD ApplicationSet generators evaluated against the repository tree, following Argo CD's own
// generator code (applicationset/generators/*.go): list, git directories/files, clusters (over the
// cluster secrets declared in the repository), matrix, merge, and post selectors. Generators whose input
// is not in the repository (clusters without declared cluster secrets, scmProvider, pullRequest,
// clusterDecisionResource, plugin) cannot be evaluated: they produce a note and no parameter sets, and
// so does a matrix or merge with such a child, rather than applications Argo CD would not create. One
// exception: a top-level clusters generator whose template deploys the same thing on every cluster is
// read once over an unknown cluster (`unknownCluster`).

import { Minimatch, type MinimatchOptions } from "minimatch";
import { isRecord, parseYamlDocuments } from "../yaml";
import { repoUrlKey } from "../repo-url";
import { renderTemplate, renderTemplateString, sanitizeName, type TemplateSyntax } from "./argocd-template";
import { basename, dirname, segments } from "./paths";

/** One set of template parameters, as a generator yields it. */
export type ParamSet = Record<string, unknown>;

/** What evaluation needs from the read: the tree and a parser for files-generator matches. */
export interface GeneratorTree {
  /** Every directory of the repository ("" is the root). */
  dirs(): readonly string[];
  /** Every file path of the repository. */
  files(): readonly string[];
  /** The parsed content of a JSON or YAML file (first document): null when empty, undefined when it cannot be read. */
  load(path: string): unknown;
  /** Cluster secrets declared in the repository (see argocd-clusters.ts); none means the clusters generator cannot be evaluated. */
  clusters?(): readonly ClusterSecret[];
  /**
   * The repository's ApplicationSets select clusters by an environment label: the caller infers one
   * stand-in cluster per environment (argocd-cluster-selectors.ts), which says more than one unknown
   * cluster does, so a clusters generator is not read over an unknown cluster (`unknownCluster`).
   */
  clustersByEnvironment?: boolean;
  /** The URLs this repository is known by (`repoUrlKey`s, argocd-own-repo.ts); undefined when nothing tells. */
  ownRepoUrls?(): readonly string[] | undefined;
}

/** A cluster Argo CD knows from a Secret labelled `argocd.argoproj.io/secret-type: cluster`. */
export interface ClusterSecret {
  name: string;
  server: string;
  project?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Argo CD's own cluster: listed by a clusters generator without a selector unless a secret declares it. */
const LOCAL_CLUSTER: ClusterSecret = { name: "in-cluster", server: "https://kubernetes.default.svc", labels: {}, annotations: {} };

export interface GeneratorRun {
  /** Parameter sets of one top-level generator, with the template they render (the generator's own template filled from `spec.template`). */
  results: { params: ParamSet[]; template: Record<string, unknown> | undefined }[];
  /** Tenants found by files generators over tenant folders (each match is a team, not an app). */
  teams: string[];
  /** Why a generator was not (fully) evaluated; the caller prefixes file and ApplicationSet. */
  notes: string[];
  /** Generators whose input Argo CD itself rejects (a malformed list element, clashing matrix keys). */
  rejected: string[];
}

/**
 * Reasons that are Argo CD's own validation errors (the ApplicationSet is refused), as opposed to what
 * Ferry cannot see from the repository (clusters registered in Argo CD, another repository, a size limit).
 */
const REJECTED_BY_ARGO = /is not a (mapping|string|list)|is not a YAML list|no generator given|several generators|nested more than one level|with different values/;

/** Kinds Argo CD knows whose input lives outside the repository, and where it lives instead. */
const OUTSIDE_REPO: Record<string, string> = {
  clusters: "it lists the clusters registered in Argo CD (cluster secrets), which are not in the repository",
  scmProvider: "it lists the repositories of an SCM organisation, which are not in the repository",
  pullRequest: "it lists the open pull requests of a forge, which are not in the repository",
  clusterDecisionResource: "it reads a decision resource in the cluster, which is not in the repository",
  plugin: "its parameters come from a plugin service, not from the repository",
};
const COMBINATIONS = new Set(["matrix", "merge"]);

/** Bound on parameter sets per generator: a matrix multiplies, and a hostile repo must not hang a read. */
export const MAX_PARAM_SETS = 5000;

type Outcome = { ok: true; params: ParamSet[] } | { ok: false; reason: string };

interface Run {
  tree: GeneratorTree;
  syntax: TemplateSyntax;
  teams: string[];
  /** Things worth a note that do not stop evaluation (unresolved `{{ }}` in an interpolated child). */
  warnings: string[];
  /** Outcome per rendered generator: a matrix re-evaluates its second child for every set of the first. */
  memo: Map<string, Outcome>;
  /** Characters of generator specs rendered so far, against MAX_RENDERED. */
  rendered: number;
}

/** Bound on rendering a matrix's second child once per set of the first (sets × child size). */
const MAX_RENDERED = 20_000_000;

/** Evaluate `spec.generators` of an ApplicationSet. Never throws on malformed input: it yields notes. */
export function evaluateGenerators(spec: Record<string, unknown>, tree: GeneratorTree): GeneratorRun {
  const run: Run = { tree, syntax: spec.goTemplate === true ? "go" : "fast", teams: [], warnings: [], memo: new Map(), rendered: 0 };
  const out: GeneratorRun = { results: [], teams: run.teams, notes: [], rejected: [] };
  const baseTemplate = isRecord(spec.template) ? spec.template : undefined;
  if (spec.generators !== undefined && !Array.isArray(spec.generators)) {
    out.notes.push("spec.generators is not a list");
    return out;
  }
  const generators: unknown[] = Array.isArray(spec.generators) ? spec.generators : [];
  generators.forEach((entry, i) => {
    // At the top Argo CD evaluates every generator of an entry, each with the entry's selector
    // (inside matrix and merge that is an error instead).
    const split = isRecord(entry) && kindsOf(entry).length > 1 ? kindsOf(entry).map((k) => ({ [k]: entry[k], selector: entry.selector })) : [entry];
    for (const g of split) {
      const label = generators.length > 1 || split.length > 1 ? `generator ${i + 1} (${kindLabel(g)})` : `${kindLabel(g)} generator`;
      const unknown = unknownCluster(g, generatorTemplate(g, baseTemplate), run);
      if (unknown) {
        out.results.push(unknown);
        out.notes.push(`${label}: the repository declares no cluster secret; the template is read once for the clusters registered in Argo CD, whose names and servers are not known here`);
        continue;
      }
      const outcome = evaluate(g, 0, undefined, run);
      if (!outcome.ok) {
        out.notes.push(`${label} not evaluated: ${outcome.reason}`);
        if (REJECTED_BY_ARGO.test(outcome.reason)) out.rejected.push(`${label}: ${outcome.reason}`);
      }
      else out.results.push({ params: outcome.params, template: generatorTemplate(g, baseTemplate) });
    }
  });
  out.notes.push(...new Set(run.warnings));
  return out;
}

function kindsOf(g: Record<string, unknown>): string[] {
  return Object.keys(g).filter((k) => k !== "selector");
}

function kindLabel(g: unknown): string {
  if (!isRecord(g)) return "malformed";
  const kinds = kindsOf(g);
  return kinds.length === 0 ? "empty" : kinds.join("+");
}

/**
 * A top-level generator may carry its own `template`, which wins over `spec.template` field by field
 * (Argo CD merges the two); children of matrix and merge cannot (Argo CD ignores theirs).
 */
function generatorTemplate(g: unknown, base: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!isRecord(g)) return base;
  const kind = kindsOf(g)[0];
  const own = kind ? (g[kind] as Record<string, unknown> | undefined) : undefined;
  const template = isRecord(own) && isRecord(own.template) ? own.template : undefined;
  if (!template || Object.keys(template).length === 0) return base;
  return base ? fillFrom(template, base) : template;
}

/** `mergo.Merge(dst, src)`: fields empty in `dst` are taken from `src`, nested mappings recursively. */
function fillFrom(dst: Record<string, unknown>, src: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...dst };
  for (const [k, v] of Object.entries(src)) {
    if (k === "__proto__") continue;
    const mine = out[k];
    if (isRecord(mine) && isRecord(v)) out[k] = fillFrom(mine, v);
    else if (isEmpty(mine)) out[k] = v;
  }
  return out;
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0) || (isRecord(v) && Object.keys(v).length === 0);
}

/**
 * One generator entry. `depth` is 0 at the top, 1 inside a matrix/merge, 2 inside a nested one, where
 * Argo CD accepts only terminal generators. `inherited` are the first matrix child's params, which
 * Argo CD renders into the second child's spec before evaluating it.
 */
function evaluate(g: unknown, depth: number, inherited: ParamSet | undefined, run: Run): Outcome {
  if (!isRecord(g)) return { ok: false, reason: "a generator must be a mapping" };
  const kinds = kindsOf(g);
  if (kinds.length === 0) return { ok: false, reason: "no generator given" };
  // Inside matrix and merge Argo CD reports an error for an entry with several generators.
  if (kinds.length > 1) return { ok: false, reason: `one entry holds several generators (${kinds.join(", ")}); Argo CD needs one per entry` };
  const kind = kinds[0] ?? "";
  let body = g[kind];
  if (inherited && Object.keys(inherited).length > 0) {
    run.rendered += JSON.stringify(body ?? null).length;
    if (run.rendered > MAX_RENDERED) return { ok: false, reason: "too large to evaluate (matrix child rendered for too many parameter sets)" };
    const unresolved: string[] = [];
    body = renderTemplate(body, inherited, unresolved, run.syntax);
    if (unresolved.length > 0) run.warnings.push(`${kind} generator: could not evaluate ${[...new Set(unresolved)].join(", ")} from the previous matrix child`);
  }
  const memoKey = JSON.stringify([depth, kind, body, g.selector ?? null]);
  const seen = run.memo.get(memoKey);
  if (seen) return seen;
  const outcome = evaluateKind(kind, body, g.selector, depth, run);
  run.memo.set(memoKey, outcome);
  return outcome;
}

function evaluateKind(kind: string, body: unknown, selector: unknown, depth: number, run: Run): Outcome {
  let outcome: Outcome;
  if (COMBINATIONS.has(kind)) {
    if (depth >= 2) return { ok: false, reason: `${kind} nested more than one level deep (Argo CD allows matrix and merge to be nested only once)` };
    outcome = kind === "matrix" ? matrix(body, depth, run) : merge(body, depth, run);
  } else if (kind === "list") outcome = list(body, run);
  else if (kind === "git") outcome = git(body, run);
  else if (kind === "clusters" && (run.tree.clusters?.().length ?? 0) > 0) outcome = clusters(body, run);
  else if (Object.hasOwn(OUTSIDE_REPO, kind)) return { ok: false, reason: OUTSIDE_REPO[kind] ?? "" };
  else return { ok: false, reason: `unknown generator ${kind}` };
  if (!outcome.ok || selector === undefined) return outcome;
  // The post selector is read from the entry as written: Argo CD does not render `{{ }}` into it.
  return applySelector(selector, outcome.params);
}

function list(body: unknown, run: Run): Outcome {
  if (!isRecord(body)) return { ok: false, reason: "list generator is not a mapping" };
  const elements: unknown[] = [];
  if (body.elements !== undefined) {
    if (!Array.isArray(body.elements)) return { ok: false, reason: "list elements is not a list" };
    elements.push(...body.elements);
  }
  const params: ParamSet[] = [];
  for (const [i, e] of elements.entries()) {
    if (!isRecord(e)) return { ok: false, reason: `list element ${i + 1} is not a mapping` };
    if (run.syntax === "go") {
      params.push(e);
      continue;
    }
    // Without goTemplate Argo CD takes string values only; `values` is a map flattened to `values.<key>`.
    const p: ParamSet = {};
    for (const [k, v] of Object.entries(e)) {
      if (k === "values") {
        if (!isRecord(v)) return { ok: false, reason: `list element ${i + 1}: values is not a mapping` };
        for (const [vk, vv] of Object.entries(v)) {
          if (typeof vv !== "string") return { ok: false, reason: `list element ${i + 1}: values.${vk} is not a string (Argo CD needs strings without goTemplate)` };
          setParam(p, `values.${vk}`, vv);
        }
      } else if (typeof v !== "string") return { ok: false, reason: `list element ${i + 1}: ${k} is not a string (Argo CD needs strings without goTemplate)` };
      else setParam(p, k, v);
    }
    params.push(p);
  }
  // `elementsYaml` (a YAML list in a string) is appended as parsed, as Argo CD does.
  if (typeof body.elementsYaml === "string" && body.elementsYaml.trim() !== "") {
    const parsed = parseYamlDocuments(body.elementsYaml);
    const value = parsed.documents[0]?.value;
    if (parsed.errors.length > 0 || !Array.isArray(value) || !value.every(isRecord)) return { ok: false, reason: "list elementsYaml is not a YAML list of mappings" };
    params.push(...value);
  }
  return bounded(params);
}

function git(body: unknown, run: Run): Outcome {
  if (!isRecord(body)) return { ok: false, reason: "git generator is not a mapping" };
  // Argo CD lists the folders and files of the generator's repoURL: another repository's are not here,
  // and this repository's folders of the same name are not what it deploys.
  const own = run.tree.ownRepoUrls?.();
  const url = typeof body.repoURL === "string" ? body.repoURL : undefined;
  if (own && url && !url.includes("{{") && !own.includes(repoUrlKey(url))) return { ok: false, reason: `it reads ${url}, another repository than this one` };
  const prefix = typeof body.pathParamPrefix === "string" ? body.pathParamPrefix : "";
  const values = isRecord(body.values) ? body.values : undefined;
  let params: ParamSet[];
  // Argo CD looks at directories first and only then at files.
  if (Array.isArray(body.directories) && body.directories.length > 0) {
    const { include, exclude } = patterns(body.directories, GO_PATH_MATCH);
    params = run.tree
      .dirs()
      .filter((d) => d !== "" && !segments(d).some((s) => s.startsWith(".")))
      .filter((d) => include.some((m) => m.match(d)) && !exclude.some((m) => m.match(d)))
      .map((d) => directoryParams(d, prefix, run.syntax));
  } else if (Array.isArray(body.files) && body.files.length > 0) {
    const { include, exclude } = patterns(body.files, {});
    params = [];
    for (const path of run.tree.files()) {
      if (!include.some((m) => m.match(path)) || exclude.some((m) => m.match(path))) continue;
      const dir = dirname(path);
      if (basename(path) === "tenant-values.yaml" || segments(dir).includes("tenants")) {
        // Files generator over tenants: each match is a tenant (team), not an app.
        if (basename(dir)) run.teams.push(basename(dir));
        continue;
      }
      const content = run.tree.load(path);
      if (content === undefined) return { ok: false, reason: `${path} cannot be read` };
      const objects = content === null ? [{}] : isRecord(content) ? [content] : Array.isArray(content) && content.every(isRecord) ? content : undefined;
      if (!objects) return { ok: false, reason: `${path} is not a mapping or a list of mappings` };
      for (const o of objects) params.push(fileParams(o, path, prefix, run.syntax));
      if (params.length > MAX_PARAM_SETS) return tooMany();
    }
  } else return { ok: false, reason: "git generator has neither directories nor files" };
  if (values) for (const p of params) appendValues(p, values, run.syntax);
  return bounded(params);
}

/**
 * Go's `path.Match`, which the directory generator uses: `*` and `?` never cross `/`, and `**` is just `*`.
 * (Files patterns keep minimatch's globstar, like Argo CD's doublestar file globbing.)
 */
const GO_PATH_MATCH: MinimatchOptions = { noglobstar: true, nobrace: true, noext: true, nonegate: true, nocomment: true, dot: true };

/** Include and exclude patterns of `directories` / `files`, compiled once per generator. */
function patterns(items: unknown[], options: MinimatchOptions): { include: Minimatch[]; exclude: Minimatch[] } {
  const include: Minimatch[] = [];
  const exclude: Minimatch[] = [];
  for (const item of items) {
    if (!isRecord(item) || typeof item.path !== "string") continue;
    (item.exclude === true ? exclude : include).push(new Minimatch(item.path.replace(/^\.\//, ""), options));
  }
  return { include, exclude };
}

function pathFields(dir: string): Record<string, unknown> {
  return { path: dir, basename: basename(dir), basenameNormalized: sanitizeName(basename(dir)), segments: dir.split("/") };
}

/** `path`, `path.basename`, `path.basenameNormalized`, `path[n]` (fasttemplate) or `.path.*` (Go), under `pathParamPrefix`. */
function directoryParams(dir: string, prefix: string, syntax: TemplateSyntax): ParamSet {
  const p: ParamSet = {};
  if (syntax === "go") {
    setParam(p, prefix || "path", prefix ? { path: pathFields(dir) } : pathFields(dir));
    return p;
  }
  const name = prefix ? `${prefix}.path` : "path";
  setParam(p, name, dir);
  setParam(p, `${name}.basename`, basename(dir));
  setParam(p, `${name}.basenameNormalized`, sanitizeName(basename(dir)));
  dir.split("/").forEach((s, i) => {
    if (s !== "") setParam(p, `${name}[${i}]`, s);
  });
  return p;
}

/** A files-generator match: the file's keys (flattened to strings without goTemplate) plus the path params of its folder. */
function fileParams(content: Record<string, unknown>, file: string, prefix: string, syntax: TemplateSyntax): ParamSet {
  const dir = dirname(file) || ".";
  const p: ParamSet = {};
  if (syntax === "go") {
    for (const [k, v] of Object.entries(content)) setParam(p, k, v);
    const fields = { ...pathFields(dir), filename: basename(file), filenameNormalized: sanitizeName(basename(file)) };
    setParam(p, prefix || "path", prefix ? { path: fields } : fields);
    return p;
  }
  flattenInto(p, content, "");
  for (const [k, v] of Object.entries(directoryParams(dir, prefix, "fast"))) setParam(p, k, v);
  const name = prefix ? `${prefix}.path` : "path";
  setParam(p, `${name}.filename`, basename(file));
  setParam(p, `${name}.filenameNormalized`, sanitizeName(basename(file)));
  return p;
}

/** Flatten nested mappings and lists to dotted keys with string values, as Argo CD's fasttemplate params are. */
function flattenInto(out: ParamSet, value: unknown, prefix: string): void {
  const entries: [string, unknown][] = isRecord(value) ? Object.entries(value) : Array.isArray(value) ? value.map((v, i) => [String(i), v]) : [];
  for (const [k, v] of entries) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isRecord(v) || Array.isArray(v)) flattenInto(out, v, key);
    else setParam(out, key, v === null || v === undefined ? "<nil>" : String(v));
  }
}

/** A generator's `values`: each rendered with that generator's params, then added as `values.<key>` (or `.values.<key>`). */
function appendValues(p: ParamSet, values: Record<string, unknown>, syntax: TemplateSyntax): void {
  const rendered: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    if (typeof v !== "string") continue;
    rendered[k] = renderTemplateString(v, p, [], syntax);
  }
  if (syntax === "go") setParam(p, "values", rendered);
  else for (const [k, v] of Object.entries(rendered)) setParam(p, `values.${k}`, v);
}

function children(body: unknown, kind: string): { ok: true; list: unknown[] } | { ok: false; reason: string } {
  if (!isRecord(body)) return { ok: false, reason: `${kind} generator is not a mapping` };
  if (!Array.isArray(body.generators)) return { ok: false, reason: `${kind} generator has no generators list` };
  return { ok: true, list: body.generators };
}

/** Argo CD fails the whole matrix or merge when one child fails: the note says which child and why. */
function childFailure(index: number, child: unknown, reason: string): Outcome {
  return { ok: false, reason: `child ${index + 1} (${kindLabel(child)}) cannot be evaluated: ${reason}` };
}

function matrix(body: unknown, depth: number, run: Run): Outcome {
  const c = children(body, "matrix");
  if (!c.ok) return c;
  if (c.list.length !== 2) return { ok: false, reason: `a matrix needs exactly two child generators, found ${c.list.length}` };
  const [first, second] = c.list;
  const left = evaluate(first, depth + 1, undefined, run);
  if (!left.ok) return childFailure(0, first, left.reason);
  if (left.params.length === 0) {
    // Still evaluate the second child once: a child that cannot be evaluated must say so.
    const right = evaluate(second, depth + 1, undefined, run);
    return right.ok ? { ok: true, params: [] } : childFailure(1, second, right.reason);
  }
  const out: ParamSet[] = [];
  for (const a of left.params) {
    const right = evaluate(second, depth + 1, a, run);
    if (!right.ok) return childFailure(1, second, right.reason);
    for (const b of right.params) {
      if (run.syntax === "go") {
        // mergo into an empty map, first the second child's params, then the first's with override: the first child wins.
        out.push(deepMerge(deepMerge({}, b), a));
      } else {
        // CombineStringMaps: one key with two different values is an error for the whole matrix.
        const combined: ParamSet = { ...a };
        for (const [k, v] of Object.entries(b)) {
          if (Object.hasOwn(combined, k) && String(combined[k]) !== String(v)) return { ok: false, reason: `both children set ${k} with different values (${String(combined[k])}, ${String(v)}); use pathParamPrefix or goTemplate` };
          setParam(combined, k, v);
        }
        out.push(combined);
      }
      if (out.length > MAX_PARAM_SETS) return tooMany();
    }
  }
  return { ok: true, params: out };
}

function merge(body: unknown, depth: number, run: Run): Outcome {
  const c = children(body, "merge");
  if (!c.ok) return c;
  if (c.list.length < 2) return { ok: false, reason: `a merge needs at least two child generators, found ${c.list.length}` };
  const rawKeys: unknown = isRecord(body) ? body.mergeKeys : undefined;
  const keys = Array.isArray(rawKeys) ? [...new Set(rawKeys.filter((k): k is string => typeof k === "string"))].sort() : [];
  if (keys.length === 0) return { ok: false, reason: "a merge needs mergeKeys" };
  const sets: ParamSet[][] = [];
  for (const [i, child] of c.list.entries()) {
    const r = evaluate(child, depth + 1, undefined, run);
    if (!r.ok) return childFailure(i, child, r.reason);
    sets.push(r.params);
  }
  const keyOf = (p: ParamSet) => JSON.stringify(keys.map((k) => (Object.hasOwn(p, k) ? (p[k] ?? null) : null)));
  // The base may repeat a key (several clusters of one env); every later generator must be unique by key.
  const merged = (sets[0] ?? []).map((p) => ({ ...p }));
  for (const [i, overrides] of sets.slice(1).entries()) {
    const byKey = new Map<string, ParamSet>();
    for (const o of overrides) {
      const k = keyOf(o);
      if (byKey.has(k)) return { ok: false, reason: `child ${i + 2} of the merge yields two parameter sets with the same mergeKeys ${k}` };
      byKey.set(k, o);
    }
    merged.forEach((base, j) => {
      const o = byKey.get(keyOf(base));
      if (!o) return;
      if (run.syntax === "go") merged[j] = deepMerge(base, o);
      else for (const [k, v] of Object.entries(o)) setParam(base, k, v);
    });
  }
  return { ok: true, params: merged };
}

/** mergo.Merge with override: nested mappings merge key by key, `src` wins on everything else. */
function deepMerge(dst: ParamSet, src: ParamSet): ParamSet {
  const out: ParamSet = { ...dst };
  for (const [k, v] of Object.entries(src)) {
    const mine = out[k];
    setParam(out, k, isRecord(mine) && isRecord(v) ? deepMerge(mine, v) : v);
  }
  return out;
}

/**
 * The clusters generator (applicationset/generators/cluster.go) over the cluster secrets declared in the
 * repository: `name`, `nameNormalized`, `server`, `project`, `metadata.labels.*`, `metadata.annotations.*`
 * and the generator's `values` rendered with them. A cluster registered only in Argo CD is not seen; the
 * caller's note says the list is what the repository declares.
 */
function clusters(body: unknown, run: Run): Outcome {
  const spec = body === null || body === undefined ? {} : body;
  if (!isRecord(spec)) return { ok: false, reason: "clusters generator is not a mapping" };
  const declared = run.tree.clusters?.() ?? [];
  const selector = spec.selector;
  const unselective = selector === undefined || selector === null || (isRecord(selector) && Object.keys(selector).every((k) => isEmpty(selector[k])));
  const all = unselective && !declared.some((c) => c.server === LOCAL_CLUSTER.server) ? [LOCAL_CLUSTER, ...declared] : [...declared];
  const tests = labelTests(unselective ? null : selector);
  if (!Array.isArray(tests)) return tests;
  const params: ParamSet[] = [];
  for (const c of all) {
    if (!tests.every((t) => t(new Map(Object.entries(c.labels))))) continue;
    const base: ParamSet = {};
    const fields: Record<string, string> = { name: c.name, nameNormalized: sanitizeName(c.name), server: c.server, project: c.project ?? "" };
    if (run.syntax === "go") {
      Object.assign(base, fields, { metadata: { labels: { ...c.labels }, annotations: { ...c.annotations } } });
    } else {
      for (const [k, v] of Object.entries(fields)) setParam(base, k, v);
      for (const [k, v] of Object.entries(c.labels)) setParam(base, `metadata.labels.${k}`, v);
      for (const [k, v] of Object.entries(c.annotations)) setParam(base, `metadata.annotations.${k}`, v);
    }
    if (isRecord(spec.values)) {
      const values: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(spec.values)) {
        if (typeof v !== "string") continue;
        const unresolved: string[] = [];
        const rendered = renderTemplateString(v, base, unresolved, run.syntax);
        if (run.syntax === "go") values[k] = rendered;
        else setParam(base, `values.${k}`, rendered);
      }
      if (run.syntax === "go") base.values = values;
    }
    params.push(base);
  }
  return bounded(params);
}

/**
 * A top-level clusters generator in a repository that declares no cluster secret (cluster secrets hold
 * credentials and are rarely committed). When every source of the template names what it deploys (path,
 * chart and its version, repoURL, valueFiles) without a cluster parameter, each generated Application
 * deploys the same thing: the template is read once, over one cluster whose name and server are unknown.
 * Its labels are the ones the selector requires; the generator's `values` render with them. Cluster
 * parameters are taken out of the Application's name (`kafka-{{name}}` → `kafka`) and destination, and a
 * folder's targetRevision set from them (a branch per cluster) is an unknown revision, not one to
 * report: no environment or version is named after a cluster nobody knows. Sources that depend on the
 * cluster: undefined.
 */
function unknownCluster(g: unknown, template: Record<string, unknown> | undefined, run: Run): { params: ParamSet[]; template: Record<string, unknown> } | undefined {
  if (!isRecord(g) || kindsOf(g).join() !== "clusters" || !template) return undefined;
  const declared = run.tree.clusters?.() ?? [];
  if (declared.length > 0 || run.tree.clustersByEnvironment) return undefined;
  const spec = g.clusters === null || g.clusters === undefined ? {} : g.clusters;
  if (!isRecord(spec)) return undefined;
  const required = isRecord(spec.selector) && isRecord(spec.selector.matchLabels) ? spec.selector.matchLabels : {};
  const labels = Object.fromEntries(Object.entries(required).filter(([k]) => k !== "__proto__").map(([k, v]) => [k, String(v)]));
  const params: ParamSet = {};
  if (run.syntax === "go") params.metadata = { labels };
  else for (const [k, v] of Object.entries(labels)) setParam(params, `metadata.labels.${k}`, v);
  if (isRecord(spec.values)) {
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(spec.values)) if (typeof v === "string" && k !== "__proto__") values[k] = renderTemplateString(v, params, [], run.syntax);
    if (run.syntax === "go") params.values = values;
    else for (const [k, v] of Object.entries(values)) setParam(params, `values.${k}`, v);
  }
  if (g.selector !== undefined) {
    const selected = applySelector(g.selector, [params]);
    if (!selected.ok || selected.params.length === 0) return undefined;
  }
  const dependsOnCluster = (text: unknown) => {
    if (typeof text !== "string") return false;
    const unresolved: string[] = [];
    renderTemplateString(text, params, unresolved, run.syntax);
    return unresolved.length > 0;
  };
  const spec0 = isRecord(template.spec) ? template.spec : {};
  const sources = [spec0.source, ...(Array.isArray(spec0.sources) ? spec0.sources : [])].filter(isRecord);
  const deploys = sources.some((s) => typeof s.path === "string" || typeof s.chart === "string");
  const valueFiles = (s: Record<string, unknown>) => (isRecord(s.helm) && Array.isArray(s.helm.valueFiles) ? s.helm.valueFiles : []);
  // A chart's targetRevision is the version it deploys; a folder's is a branch, read here from the checkout.
  const fixed = (s: Record<string, unknown>) => [s.path, s.chart, s.repoURL, ...valueFiles(s), ...(typeof s.chart === "string" ? [s.targetRevision] : [])];
  if (!deploys || sources.some((s) => fixed(s).some(dependsOnCluster))) return undefined;
  return { params: [params], template: withoutClusterParams(template, dependsOnCluster, run.syntax) };
}

/** The template with what only the unknown cluster could fill taken out: see `unknownCluster`. */
function withoutClusterParams(template: Record<string, unknown>, dependsOnCluster: (text: unknown) => boolean, syntax: TemplateSyntax): Record<string, unknown> {
  const out = structuredClone(template);
  // `shop-{{name}}` → `shop`, `{{name}}-shop` → `shop`, `a-{{name}}-b` → `a-b`.
  const strip = (text: string) =>
    text
      .replace(syntax === "go" ? /\{\{[\s\S]*?\}\}/g : /\{\{[^{}]*\}\}/g, (m) => (dependsOnCluster(m) ? "\u0000" : m))
      .replace(/[-_.]?\u0000/g, "")
      .replace(/^[-_.]+|[-_.]+$/g, "");
  // A name that is nothing but the cluster stays as written: the caller then reads no Application from it.
  if (isRecord(out.metadata) && typeof out.metadata.name === "string") out.metadata.name = strip(out.metadata.name) || out.metadata.name;
  const spec = isRecord(out.spec) ? out.spec : {};
  if (isRecord(spec.destination)) {
    const d = spec.destination;
    if (dependsOnCluster(d.name)) delete d.name;
    if (dependsOnCluster(d.server)) delete d.server;
    if (typeof d.namespace === "string" && dependsOnCluster(d.namespace)) {
      const namespace = strip(d.namespace);
      if (namespace) d.namespace = namespace;
      else delete d.namespace;
    }
  }
  for (const s of [spec.source, ...(Array.isArray(spec.sources) ? spec.sources : [])]) if (isRecord(s) && dependsOnCluster(s.targetRevision)) delete s.targetRevision;
  return out;
}

type LabelTest = (labels: Map<string, string>) => boolean;

/** A Kubernetes label selector as tests over a label map, or why it is not one. */
function labelTests(selector: unknown): LabelTest[] | { ok: false; reason: string } {
  if (selector === null || selector === undefined) return [];
  if (!isRecord(selector)) return { ok: false, reason: "selector is not a mapping" };
  const tests: LabelTest[] = [];
  if (selector.matchLabels !== undefined && selector.matchLabels !== null) {
    if (!isRecord(selector.matchLabels)) return { ok: false, reason: "selector matchLabels is not a mapping" };
    for (const [k, v] of Object.entries(selector.matchLabels)) tests.push((l) => l.get(k) === String(v));
  }
  if (selector.matchExpressions !== undefined && selector.matchExpressions !== null) {
    if (!Array.isArray(selector.matchExpressions)) return { ok: false, reason: "selector matchExpressions is not a list" };
    for (const e of selector.matchExpressions) {
      if (!isRecord(e) || typeof e.key !== "string" || typeof e.operator !== "string") return { ok: false, reason: "selector matchExpressions entry needs key and operator" };
      const key = e.key;
      const values = Array.isArray(e.values) ? e.values.map(String) : [];
      switch (e.operator) {
        case "In":
          tests.push((l) => l.has(key) && values.includes(l.get(key) ?? ""));
          break;
        case "NotIn":
          tests.push((l) => !l.has(key) || !values.includes(l.get(key) ?? ""));
          break;
        case "Exists":
          tests.push((l) => l.has(key));
          break;
        case "DoesNotExist":
          tests.push((l) => !l.has(key));
          break;
        default:
          return { ok: false, reason: `selector operator ${e.operator} is not a label selector operator` };
      }
    }
  }
  return tests;
}

/** A Kubernetes label selector over the string-valued top-level params (Argo CD's post selector). */
function applySelector(selector: unknown, params: ParamSet[]): Outcome {
  if (selector === null) return { ok: true, params };
  const tests = labelTests(selector);
  if (!Array.isArray(tests)) return tests;
  return {
    ok: true,
    params: params.filter((p) => {
      const labels = new Map(Object.entries(p).filter((e): e is [string, string] => typeof e[1] === "string"));
      return tests.every((t) => t(labels));
    }),
  };
}

function tooMany(): Outcome {
  return { ok: false, reason: `more than ${MAX_PARAM_SETS} parameter sets` };
}

function bounded(params: ParamSet[]): Outcome {
  return params.length > MAX_PARAM_SETS ? tooMany() : { ok: true, params };
}

/** Keys come from repository files: never let `__proto__` reach an object's prototype. */
function setParam(p: ParamSet, key: string, value: unknown): void {
  if (key === "__proto__") return;
  p[key] = value;
}
