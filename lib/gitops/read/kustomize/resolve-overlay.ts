import { formatPath, parseYamlDocuments, isRecord, type YamlPath } from "../../yaml";
import type { ValuesLayer } from "../values-images";
import type { RepoError } from "../../model";
import type { LoadedFile, ReadContext } from "../context";
import { isUnder, joinInRepo } from "../paths";
import { cloneResource, ownObject, type BuiltResource, type FieldLocation, type HelmChartRef, type RemoteResource, type UnbuiltImage } from "./built-resource";
import { addUnbuiltImages, applyImages } from "./images-transformer";
import { applyJsonPatch, isJsonPatch, pointerTokens } from "./json6902";
import type { BuildStep, KustomizeBuildCache, RecordedBuild } from "./build-cache";
import { isRemoteResource, readKustomization, splitRemote, type HelmChartEntry, type Kustomization, type KustomizationSource, type PatchRef } from "./kustomization";
import { strategicMerge } from "./strategic-merge";
import { applyNamesAndLabels } from "./names-and-labels";
import { builtId, cannotMatch, matchesTarget, resourceId } from "./targets";
import { trackedFields, trackedPatchFields } from "./tracked-fields";

export interface BuildResult {
  resources: BuiltResource[];
  remotes: RemoteResource[];
  /** Images set by `images:` entries for a remote resource's containers (see UnbuiltImage). */
  unbuiltImages: UnbuiltImage[];
  charts: HelmChartRef[];
  errors: string[];
  /** Every file the build read: kustomizations, resources, patches. */
  files: string[];
  /** `namespace:` of the top kustomization. */
  namespace?: string;
}

const MAX_DEPTH = 50;


/**
 * Resolves kustomize builds the way `kustomize build` would, for release fields only: resources (and the
 * deprecated `bases`), components, strategic-merge and JSON 6902 patches (including the deprecated fields),
 * then the `images:` transformer. Built directories are memoised per read: many overlays share one base.
 */
export class KustomizeResolver {
  private readonly memo = new Map<string, BuildResult>();
  // With a cache (and content keys to check it by): the steps of the builds in progress, innermost
  // last; every build this read used, for the cache; and which cached entries still hold.
  private readonly recording: BuildStep[][] = [];
  private readonly used = new Map<string, RecordedBuild>();
  private readonly stillValid = new Map<string, boolean>();
  private readonly stats = { reused: 0, built: 0 };
  private readonly source: KustomizationSource;

  constructor(
    private readonly ctx: ReadContext,
    private readonly cache?: KustomizeBuildCache,
  ) {
    this.source = {
      index: { findFileIn: (dir, names) => this.findFileIn(dir, names) },
      load: (path) => this.load(path),
    };
  }

  /** Build `dir`. The result is memoised and shared: read it, never mutate it. */
  build(dir: string): BuildResult {
    return this.buildShared(dir, []);
  }

  /**
   * Build a kustomization that is not a file of its own (what Flux generates for a folder without one,
   * plus a Flux Kustomization's own components and patches). Not memoised: the folders it includes are.
   */
  buildSynthetic(k: Kustomization): BuildResult {
    const result: BuildResult = { resources: [], remotes: [], unbuiltImages: [], charts: [], errors: [...k.problems], files: [] };
    const stack = [`flux:${k.file}`];
    this.addResources(k, result, stack);
    this.addComponents(k, result, stack);
    this.applyTransforms(k, result);
    return result;
  }

  /** Hands the builds of this read to the cache; call once the read is complete. */
  finish(): void {
    if (this.cache && this.ctx.hasContentKeys) this.cache.replace(this.used, { ...this.stats });
  }

  private buildShared(dir: string, stack: string[]): BuildResult {
    this.step({ kind: "build", dir });
    const memo = this.memo.get(dir);
    if (memo) return memo;
    const cached = this.reusable(dir);
    if (cached) {
      // The replayed steps are the cached build's own, not the caller's: record them nowhere.
      this.recording.push([]);
      try {
        this.replay(cached, stack);
      } finally {
        this.recording.pop();
      }
      this.memo.set(dir, cached.result);
      this.used.set(dir, cached);
      this.stats.reused++;
      return cached.result;
    }
    const steps: BuildStep[] = [];
    this.recording.push(steps);
    let result: BuildResult;
    try {
      result = this.buildFresh(dir, stack);
    } finally {
      this.recording.pop();
    }
    this.memo.set(dir, result);
    this.used.set(dir, { result, steps });
    this.stats.built++;
    return result;
  }

  /** The previous read's build of `dir`, if everything it looked at is unchanged. */
  private reusable(dir: string): RecordedBuild | undefined {
    if (!this.cache || !this.ctx.hasContentKeys) return undefined;
    const entry = this.cache.get(dir);
    if (!entry) return undefined;
    const known = this.stillValid.get(dir);
    if (known !== undefined) return known ? entry : undefined;
    this.stillValid.set(dir, false); // a cycle through `dir` counts as changed
    const index = this.ctx.index;
    const valid = entry.steps.every((step) => {
      switch (step.kind) {
        case "load":
          return this.ctx.contentKeyOf(step.path) === step.key && this.ctx.inChartTemplates(step.path) === step.chartTemplate;
        case "hasFile":
          return index.hasFile(step.path) === step.answer;
        case "hasDir":
          return index.hasDir(step.path) === step.answer;
        case "findFileIn":
          return index.findFileIn(step.dir, step.names) === step.answer;
        case "build":
          return this.memo.has(step.dir) ? this.used.get(step.dir) === this.cache?.get(step.dir) : this.reusable(step.dir) !== undefined;
        default:
          return true;
      }
    });
    this.stillValid.set(dir, valid);
    return valid ? entry : undefined;
  }

  /** Does again what the cached build did besides computing its result, in the same order. */
  private replay(entry: RecordedBuild, stack: string[]): void {
    for (const step of entry.steps) {
      if (step.kind === "load") this.ctx.load(step.path);
      else if (step.kind === "error") this.ctx.errors.push({ ...step.error });
      else if (step.kind === "convention") this.ctx.conventions.add(step.name);
      else if (step.kind === "build") this.buildShared(step.dir, stack); // reusable or memoised: never built here
    }
  }

  private step(step: BuildStep): void {
    if (this.cache) this.recording.at(-1)?.push(step);
  }

  private load(path: string): LoadedFile {
    this.step({ kind: "load", path, key: this.ctx.contentKeyOf(path), chartTemplate: this.ctx.inChartTemplates(path) });
    return this.ctx.load(path);
  }

  private hasFile(path: string): boolean {
    const answer = this.ctx.index.hasFile(path);
    this.step({ kind: "hasFile", path, answer });
    return answer;
  }

  private hasDir(path: string): boolean {
    const answer = this.ctx.index.hasDir(path);
    this.step({ kind: "hasDir", path, answer });
    return answer;
  }

  private findFileIn(dir: string, names: readonly string[]): string | undefined {
    const answer = this.ctx.index.findFileIn(dir, names);
    this.step({ kind: "findFileIn", dir, names, answer });
    return answer;
  }

  private error(error: RepoError): void {
    this.step({ kind: "error", error });
    this.ctx.errors.push(error);
  }

  private convention(name: string): void {
    this.step({ kind: "convention", name });
    this.ctx.conventions.add(name);
  }

  private buildFresh(dir: string, stack: string[]): BuildResult {
    const result: BuildResult = { resources: [], remotes: [], unbuiltImages: [], charts: [], errors: [], files: [] };
    const k = readKustomization(this.source, dir);
    if (!k) {
      result.errors.push(`${dir || "."}: no kustomization file`);
      return result;
    }
    result.files.push(k.file);
    result.errors.push(...k.problems);
    result.namespace = k.namespace;
    const inner = [...stack, dir];
    this.addResources(k, result, inner);
    this.addComponents(k, result, inner);
    this.applyTransforms(k, result);
    return result;
  }

  private addResources(k: Kustomization, result: BuildResult, stack: string[]): void {
    for (const { field, index, entry } of k.resources) {
      if (isRemoteResource(entry)) {
        const { url, ref } = splitRemote(entry);
        // A release asset's tag or a raw file's ref is a path segment, not a `?ref=`: say which, so the field reads true.
        const label = ref === null || entry.includes("?") ? "?ref=" : entry.includes("/releases/download/") ? "release tag" : "path ref";
        result.remotes.push({ url, ref, location: { file: k.file, doc: 0, path: [field, index], field: `${field}[${index}] (${label})` } });
        continue;
      }
      const target = joinInRepo(k.dir, entry);
      if (target === null) {
        const message = `${field} entry "${entry}" escapes the repository root; refused`;
        result.errors.push(`${k.file}: ${message}`);
        this.error({ file: k.file, message });
        continue;
      }
      if (this.hasFile(target)) {
        this.addFile(target, result);
      } else if (this.hasDir(target)) {
        this.addDir(k.file, target, result, stack);
      } else {
        result.errors.push(`${k.file}: ${field} entry "${entry}" not found`);
      }
    }
  }

  private addDir(from: string, target: string, result: BuildResult, stack: string[]): void {
    if (stack.includes(target)) {
      const cycle = [...stack.slice(stack.indexOf(target)), target].map((d) => d || ".").join(" → ");
      const message = `kustomize resources cycle: ${cycle}`;
      result.errors.push(`${from}: ${message}`);
      this.error({ file: from, message });
      return;
    }
    if (stack.length >= MAX_DEPTH) {
      result.errors.push(`${from}: kustomize resources nested deeper than ${MAX_DEPTH} levels; stopped`);
      return;
    }
    const sub = this.buildShared(target, stack);
    const copy = cloneResult(sub);
    result.resources.push(...copy.resources);
    result.remotes.push(...copy.remotes);
    result.unbuiltImages.push(...copy.unbuiltImages);
    result.charts.push(...copy.charts);
    result.errors.push(...copy.errors);
    result.files.push(...copy.files);
  }

  private addFile(path: string, result: BuildResult): void {
    const loaded = this.load(path);
    result.files.push(path);
    if (loaded.problem) result.errors.push(loaded.problem);
    for (const d of loaded.docs) {
      if (!isRecord(d.value) || typeof d.value.kind !== "string") continue;
      const obj = d.value;
      const prov = new Map<string, FieldLocation>();
      for (const f of trackedFields(obj)) prov.set(f.key, { file: path, doc: d.index, path: f.path, field: f.key });
      result.resources.push({ obj, file: path, doc: d.index, originalName: resourceId(obj).name, prov });
    }
  }

  private addComponents(k: Kustomization, result: BuildResult, stack: string[]): void {
    for (const { index, entry } of k.components) {
      const dir = joinInRepo(k.dir, entry);
      if (dir === null) {
        result.errors.push(`${k.file}: components[${index}] "${entry}" escapes the repository root; refused`);
        continue;
      }
      if (stack.includes(dir)) {
        result.errors.push(`${k.file}: kustomize components cycle through ${dir}`);
        continue;
      }
      const comp = readKustomization(this.source, dir);
      if (!comp) {
        result.errors.push(`${k.file}: component "${entry}" not found`);
        continue;
      }
      this.convention("kustomize-components");
      result.files.push(comp.file);
      result.errors.push(...comp.problems);
      // A component adds its resources to the parent's, then transforms everything accumulated so far.
      this.addResources(comp, result, [...stack, dir]);
      this.addComponents(comp, result, [...stack, dir]);
      this.applyTransforms(comp, result);
    }
  }

  /**
   * Kustomize's order of built-in transformers: strategic-merge patches and `patches`, then names and
   * labels, then `patchesJson6902` (which so sees this kustomization's prefix and labels), then images.
   */
  private applyTransforms(k: Kustomization, result: BuildResult): void {
    const patches = (field: PatchRef["field"]) => {
      for (const patch of k.patches.filter((p) => p.field === field)) this.applyPatch(k, patch, result);
    };
    patches("patchesStrategicMerge");
    patches("patches");
    applyNamesAndLabels(k, result.resources);
    patches("patchesJson6902");
    const matched = applyImages(k, result.resources);
    // With a remote resource in the build, an entry that rewrote nothing here sets the remote's image.
    if (result.remotes.length > 0) addUnbuiltImages(k, matched, result.unbuiltImages);
    for (const c of k.helmCharts) {
      const g = c.generator;
      if (g) result.files.push(g.file);
      result.charts.push({
        name: c.name,
        repo: c.repo,
        version: c.version ?? null,
        location: g
          ? { file: g.file, doc: c.doc, path: [g.versionKey], field: g.versionKey }
          : { file: k.file, doc: c.doc, path: ["helmCharts", c.index, "version"], field: `helmCharts[name=${c.name}].version` },
        values: this.chartValues(k, c, result),
      });
    }
  }

  /**
   * What kustomize passes to `helm template`: `valuesFile` and `valuesInline` combined by `valuesMerge`
   * into one file, then each of `additionalValuesFiles` with `-f`.
   */
  private chartValues(k: Kustomization, c: HelmChartEntry, result: BuildResult): ValuesLayer[] {
    const fromFile = (file: string): ValuesLayer[] => {
      if (!this.hasFile(file)) {
        result.errors.push(`${k.file}: helmCharts[name=${c.name}] values file ${file} not found`);
        return [];
      }
      result.files.push(file);
      const loaded = this.load(file);
      if (loaded.problem) result.errors.push(loaded.problem);
      const doc = loaded.docs[0];
      return doc ? [{ file, doc: doc.index, values: doc.value }] : [];
    };
    const file = c.valuesFile !== undefined && c.valuesMerge !== "replace" ? fromFile(c.valuesFile) : [];
    const g = c.generator;
    const inline: ValuesLayer[] =
      c.valuesInline === undefined
        ? []
        : g
          ? [{ file: g.file, doc: c.doc, values: c.valuesInline, at: [g.valuesInlineKey], field: (p) => `${g.valuesInlineKey}.${formatPath(p)}` }]
          : [{ file: k.file, doc: c.doc, values: c.valuesInline, at: ["helmCharts", c.index, "valuesInline"], field: (p) => `helmCharts[name=${c.name}].valuesInline.${formatPath(p)}` }];
    const combined = c.valuesMerge === "merge" ? [...inline, ...file] : [...file, ...inline];
    return [...combined, ...c.additionalValuesFiles.flatMap(fromFile)];
  }

  private applyPatch(k: Kustomization, patch: PatchRef, result: BuildResult): void {
    const label = `${patch.field}[${patch.index}]`;
    let docs: { index: number; value: unknown }[];
    let file: string;
    let basePath: YamlPath;
    if (patch.inline !== undefined) {
      const parsed = parseYamlDocuments(patch.inline);
      if (parsed.errors[0]) {
        result.errors.push(`${k.file}: ${label} inline patch: ${parsed.errors[0].message}`);
        return;
      }
      docs = parsed.documents;
      file = k.file;
      basePath = [...(k.origin?.path ?? []), ...(patch.field === "patchesStrategicMerge" ? [patch.field, patch.index] : [patch.field, patch.index, "patch"])];
    } else {
      if (patch.path === null || patch.path === undefined) {
        const message = `${label} path escapes the repository root; refused`;
        result.errors.push(`${k.file}: ${message}`);
        this.error({ file: k.file, message });
        return;
      }
      if (!this.hasFile(patch.path)) {
        result.errors.push(`${k.file}: ${label} patch file ${patch.path} not found`);
        return;
      }
      const loaded = this.load(patch.path);
      result.files.push(patch.path);
      if (loaded.problem) result.errors.push(loaded.problem);
      docs = loaded.docs;
      file = patch.path;
      basePath = [];
    }
    const inline = patch.inline !== undefined;
    for (const d of docs) {
      if (d.value === null || d.value === undefined) continue;
      const where = (p: YamlPath, key: string): FieldLocation =>
        inline
          ? { file, doc: k.origin?.doc ?? 0, path: basePath, field: `${formatLabel(basePath)} (inline patch) sets ${key}` }
          : { file, doc: d.index, path: p, field: key };
      if (isJsonPatch(d.value) || patch.field === "patchesJson6902") {
        if (!isJsonPatch(d.value)) {
          result.errors.push(`${file}: ${label} is not a JSON 6902 patch`);
          continue;
        }
        this.applyJson6902(k, label, patch, d.value, (opIndex, rest, key) => where([...basePath, opIndex, "value", ...rest], key), result);
      } else {
        this.applyStrategic(k, label, patch, d.value, (p, key) => where([...basePath, ...p], key), result, file);
      }
    }
  }

  private applyStrategic(
    k: Kustomization,
    label: string,
    patch: PatchRef,
    doc: unknown,
    where: (path: YamlPath, key: string) => FieldLocation,
    result: BuildResult,
    file: string,
  ): void {
    if (!isRecord(doc)) return;
    const id = resourceId(doc);
    const target = patch.target ?? { kind: id.kind || undefined, name: id.name || undefined };
    if (!patch.target && !id.name) {
      result.errors.push(`${file}: ${label} strategic-merge patch has no metadata.name`);
      return;
    }
    const wanted = escapeLiteral(target, !patch.target);
    const matches = result.resources.filter((r) => !cannotMatch(target, r) && matchesTarget(builtId(r), wanted));
    if (matches.length === 0) {
      if (!patch.target) result.errors.push(`${file}: ${label} patch matches no resource (${id.kind}/${id.name}) in ${k.dir || "."}`);
      return;
    }
    for (const r of matches) {
      let patchDoc: unknown = doc;
      if (isRecord(doc.metadata)) {
        // The patch's own name/kind never renames the resource: with an explicit target they may be
        // anything, and without one the patch may name it by the name a base's namePrefix gave it.
        patchDoc = { ...doc, metadata: { ...doc.metadata, name: resourceId(r.obj).name }, kind: r.obj.kind };
      }
      const merged = strategicMerge(r.obj, patchDoc);
      r.obj = isRecord(merged) ? merged : r.obj;
      for (const f of trackedPatchFields(doc, r.obj)) r.prov.set(f.key, where(f.path, f.key));
    }
  }

  private applyJson6902(
    k: Kustomization,
    label: string,
    patch: PatchRef,
    ops: { op: string; path: string; from?: string; value?: unknown }[],
    where: (opIndex: number, rest: YamlPath, key: string) => FieldLocation,
    result: BuildResult,
  ): void {
    if (!patch.target) {
      result.errors.push(`${k.file}: ${label} JSON 6902 patch without target`);
      return;
    }
    const target = patch.target;
    const matches = result.resources.filter((r) => !cannotMatch(target, r) && matchesTarget(builtId(r), target));
    for (const r of matches) {
      ownObject(r);
      ops.forEach((op, opIndex) => {
        const errs = applyJsonPatch(r.obj, [op]);
        for (const e of errs) result.errors.push(`${k.file}: ${label} ${e}`);
        if (errs.length > 0 || op.op === "remove" || op.op === "test") return;
        const tokens = pointerTokens(op.path);
        for (const f of trackedFields(r.obj)) {
          const prefix = f.path.slice(0, tokens.length).map(String);
          if (f.path.length < tokens.length || prefix.some((p, i) => p !== (tokens[i] === "-" ? p : tokens[i]))) continue;
          r.prov.set(f.key, where(opIndex, f.path.slice(tokens.length), f.key));
        }
      });
    }
  }
}

function formatLabel(path: YamlPath): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/** Names from a patch's own metadata are literal, not regexes. */
function escapeLiteral<T extends { kind?: string; name?: string }>(t: T, literal: boolean): T {
  if (!literal) return t;
  const esc = (s: string | undefined) => (s === undefined ? undefined : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return { ...t, kind: esc(t.kind), name: esc(t.name) };
}

function cloneResult(r: BuildResult): BuildResult {
  return {
    resources: r.resources.map(cloneResource),
    remotes: r.remotes.map((x) => ({ ...x })),
    unbuiltImages: r.unbuiltImages.map((x) => ({ ...x })),
    charts: r.charts.map((x) => ({ ...x })),
    errors: [...r.errors],
    files: [...r.files],
    namespace: r.namespace,
  };
}

export function filesOfBuildUnder(result: BuildResult, dir: string): string[] {
  return result.files.filter((f) => isUnder(f, dir));
}
