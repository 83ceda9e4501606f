import { asString, isRecord } from "../../yaml";
import type { LoadedFile, ReadContext } from "../context";
import { basename, dirname, joinInRepo } from "../paths";

export const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"] as const;

export interface PatchTarget {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

/** One patch, whichever field declared it; `field` + `index` say where, for provenance. */
export interface PatchRef {
  field: "patches" | "patchesStrategicMerge" | "patchesJson6902";
  index: number;
  /** Repo-relative path of a patch file, null when it escapes the repo. */
  path?: string | null;
  /** Inline patch text. */
  inline?: string;
  target?: PatchTarget;
}

export interface ImageEntry {
  index: number;
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

export interface ResourceEntry {
  field: "resources" | "bases";
  index: number;
  entry: string;
}

export interface HelmChartEntry {
  index: number;
  name: string;
  repo?: string;
  version?: string;
  /** Values kustomize hands to `helm template`, each a path in the repository (already joined). */
  valuesFile?: string;
  additionalValuesFiles: string[];
  valuesInline?: unknown;
  /** How `valuesInline` combines with `valuesFile`: kustomize's default is `override`. */
  valuesMerge: "override" | "merge" | "replace";
  /** The kustomization document that holds the entry. */
  doc: number;
  /**
   * Where the entry is written when it is not in the kustomization: a `HelmChartInflationGenerator` file
   * listed under `generators:` (the entry is that document, at its root).
   */
  generator?: { file: string; versionKey: string; valuesInlineKey: string };
}

export interface Kustomization {
  dir: string;
  file: string;
  kind: "Kustomization" | "Component";
  resources: ResourceEntry[];
  components: { index: number; entry: string }[];
  patches: PatchRef[];
  images: ImageEntry[];
  helmCharts: HelmChartEntry[];
  namespace?: string;
  /** `namePrefix` / `nameSuffix`: the names the build gives its resources, which later patches may target. */
  namePrefix?: string;
  nameSuffix?: string;
  /** `commonLabels` and every `labels[].pairs`, and `commonAnnotations`: what selectors of later patches see. */
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Problems reading the kustomization itself (parse errors, malformed fields). */
  problems: string[];
  /**
   * Where the fields live inside `file` when it is not a kustomization file of its own: a Flux
   * Kustomization's `spec` (document index and path), so inline patches point at the right place.
   */
  origin?: { doc: number; path: (string | number)[] };
}

/** What reading a kustomization needs: the read context, or a view of it that records its lookups. */
export interface KustomizationSource {
  index: Pick<ReadContext["index"], "findFileIn">;
  load(path: string): LoadedFile;
}

export function findKustomizationFile(ctx: KustomizationSource, dir: string): string | undefined {
  return ctx.index.findFileIn(dir, KUSTOMIZATION_FILES);
}

function strings(value: unknown): { index: number; entry: string }[] {
  if (!Array.isArray(value)) return [];
  const out: { index: number; entry: string }[] = [];
  value.forEach((v, index) => {
    if (typeof v === "string") out.push({ index, entry: v });
  });
  return out;
}

/** Label and annotation values as kustomize writes them: strings (YAML may have read `true` or `1`). */
function stringMap(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[k] = String(v);
  return out;
}

function target(value: unknown): PatchTarget | undefined {
  if (!isRecord(value)) return undefined;
  const t: PatchTarget = {};
  for (const key of ["group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector"] as const) {
    const v = asString(value[key]);
    if (v !== undefined) t[key] = v;
  }
  return t;
}

function isInlinePatch(entry: string): boolean {
  return entry.includes("\n") || !/\.(ya?ml|json)$/.test(entry.trim());
}

/** Read a kustomization (or Component) in `dir`, normalising deprecated fields into the current shape. */
export function readKustomization(ctx: KustomizationSource, dir: string): Kustomization | undefined {
  const file = findKustomizationFile(ctx, dir);
  if (!file) return undefined;
  const loaded = ctx.load(file);
  const problems: string[] = [];
  if (loaded.problem) problems.push(loaded.problem);
  const rawDoc = loaded.docs.find((d) => isRecord(d.value));
  const raw = rawDoc?.value;
  const k: Kustomization = { dir, file, kind: "Kustomization", resources: [], components: [], patches: [], images: [], helmCharts: [], problems };
  if (!isRecord(raw)) return k;
  if (raw.kind === "Component") k.kind = "Component";
  k.namespace = asString(raw.namespace);
  k.namePrefix = asString(raw.namePrefix);
  k.nameSuffix = asString(raw.nameSuffix);
  const labels = { ...stringMap(raw.commonLabels) };
  if (Array.isArray(raw.labels)) for (const l of raw.labels) if (isRecord(l)) Object.assign(labels, stringMap(l.pairs));
  if (Object.keys(labels).length > 0) k.labels = labels;
  const annotations = stringMap(raw.commonAnnotations);
  if (Object.keys(annotations).length > 0) k.annotations = annotations;

  for (const { index, entry } of strings(raw.resources)) k.resources.push({ field: "resources", index, entry });
  for (const { index, entry } of strings(raw.bases)) k.resources.push({ field: "bases", index, entry });
  k.components = strings(raw.components);

  const join = (p: string) => joinInRepo(dir, p);
  for (const { index, entry } of strings(raw.patchesStrategicMerge)) {
    k.patches.push(isInlinePatch(entry) ? { field: "patchesStrategicMerge", index, inline: entry } : { field: "patchesStrategicMerge", index, path: join(entry) });
  }
  if (Array.isArray(raw.patches)) {
    raw.patches.forEach((p: unknown, index) => {
      if (typeof p === "string") {
        // Old kustomize accepted bare file names here.
        k.patches.push({ field: "patches", index, path: join(p) });
        return;
      }
      if (!isRecord(p)) return;
      const ref: PatchRef = { field: "patches", index, target: target(p.target) };
      if (typeof p.path === "string") ref.path = join(p.path);
      else if (typeof p.patch === "string") ref.inline = p.patch;
      else {
        problems.push(`${file}: patches[${index}] has neither path nor patch`);
        return;
      }
      k.patches.push(ref);
    });
  }
  if (Array.isArray(raw.patchesJson6902)) {
    raw.patchesJson6902.forEach((p: unknown, index) => {
      if (!isRecord(p)) return;
      const ref: PatchRef = { field: "patchesJson6902", index, target: target(p.target) };
      if (typeof p.path === "string") ref.path = join(p.path);
      else if (typeof p.patch === "string") ref.inline = p.patch;
      else return;
      k.patches.push(ref);
    });
  }
  if (Array.isArray(raw.images)) {
    raw.images.forEach((img: unknown, index) => {
      if (!isRecord(img)) return;
      const name = asString(img.name);
      if (!name) return;
      k.images.push({ index, name, newName: asString(img.newName), newTag: asString(img.newTag), digest: asString(img.digest) });
    });
  }
  if (Array.isArray(raw.helmCharts)) {
    raw.helmCharts.forEach((c: unknown, index) => {
      const entry = helmChartEntry(c, index, rawDoc?.index ?? 0, join);
      if (entry) k.helmCharts.push(entry);
    });
  }
  // `generators:` files holding a HelmChartInflationGenerator: the same chart entry, written in its own file.
  for (const { entry } of strings(raw.generators)) {
    const file = join(entry);
    if (file === null || !ctx.index.findFileIn(dirname(file), [basename(file)])) continue;
    const loaded = ctx.load(file);
    if (loaded.problem) problems.push(loaded.problem);
    for (const d of loaded.docs) {
      if (!isRecord(d.value) || d.value.kind !== "HelmChartInflationGenerator") continue;
      const chart = helmChartEntry(d.value, k.helmCharts.length, d.index, join);
      const v = d.value;
      if (chart) k.helmCharts.push({ ...chart, generator: { file, versionKey: v.version === undefined && v.chartVersion !== undefined ? "chartVersion" : "version", valuesInlineKey: isRecord(v.valuesLocal) && !isRecord(v.valuesInline) ? "valuesLocal" : "valuesInline" } });
    }
  }
  return k;
}

/** A `helmCharts` entry, or a HelmChartInflationGenerator (which also takes the older chartName/chartVersion/chartRepoUrl/valuesLocal names). */
function helmChartEntry(c: unknown, index: number, doc: number, join: (p: string) => string | null): HelmChartEntry | undefined {
  if (!isRecord(c)) return undefined;
  const name = asString(c.name) ?? asString(c.chartName);
  if (!name) return undefined;
  const valuesFile = asString(c.valuesFile);
  const merge = asString(c.valuesMerge);
  const inline = isRecord(c.valuesInline) ? c.valuesInline : isRecord(c.valuesLocal) ? c.valuesLocal : undefined;
  return {
    index,
    name,
    repo: asString(c.repo) ?? asString(c.chartRepoUrl),
    version: asString(c.version) ?? asString(c.chartVersion),
    ...(valuesFile !== undefined ? { valuesFile: join(valuesFile) ?? undefined } : {}),
    additionalValuesFiles: strings(c.additionalValuesFiles).flatMap(({ entry }) => join(entry) ?? []),
    ...(inline !== undefined ? { valuesInline: inline } : {}),
    valuesMerge: merge === "merge" || merge === "replace" ? merge : "override",
    doc,
  };
}

const REMOTE = /^(https?:\/\/|git::|git@|ssh:\/\/|file:\/\/|(github|gitlab|bitbucket)\.(com|org)\/)/;

/** A `resources:` entry that kustomize fetches from a remote git repo or URL. */
export function isRemoteResource(entry: string): boolean {
  return REMOTE.test(entry) || /\?(.*&)?(ref|version)=/.test(entry);
}

/**
 * A URL whose revision is a path segment: a GitHub release asset (`…/releases/download/v1.6.1/crds.yaml`),
 * or a raw file at a git ref (`raw.githubusercontent.com/<owner>/<repo>/<ref>/…`, `github.com/<owner>/<repo>/raw/<ref>/…`,
 * GitLab `…/-/raw/<ref>/…`, each also as `refs/heads|tags/<name>`). Groups: prefix, ref, rest.
 */
const PATH_REVISION = [
  /^(https:\/\/github\.com\/[^/]+\/[^/]+\/releases\/download\/)([^/?#]+)(\/[^?#]+)$/,
  /^(https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/(?:refs\/(?:heads|tags)\/)?)([^/?#]+)(\/[^?#]+)$/,
  /^(https:\/\/github\.com\/[^/]+\/[^/]+\/raw\/(?:refs\/(?:heads|tags)\/)?)([^/?#]+)(\/[^?#]+)$/,
  /^(https:\/\/[^/]+\/(?:[^/]+\/)+-\/raw\/(?:refs\/(?:heads|tags)\/)?)([^/?#]+)(\/[^?#]+)$/,
];
const REF_PARAM = /(^|&)(ref|version)=([^&]*)/;

function pathRevision(entry: string): { prefix: string; ref: string; rest: string } | null {
  for (const re of PATH_REVISION) {
    const m = re.exec(entry);
    if (m) return { prefix: m[1] ?? "", ref: decodeURIComponent(m[2] ?? ""), rest: m[3] ?? "" };
  }
  return null;
}

/** The remote's name and the revision it is pinned to: `?ref=`/`?version=`, or the revision segment of its path. */
export function splitRemote(entry: string): { url: string; ref: string | null } {
  const q = entry.indexOf("?");
  if (q < 0) {
    const at = pathRevision(entry);
    if (!at) return { url: entry, ref: null };
    // A branch named in refs/heads/ floats even when its name looks like a word ("release"): keep the prefix.
    const ref = at.prefix.endsWith("refs/heads/") ? `refs/heads/${at.ref}` : at.ref;
    return { url: `${at.prefix.replace(/refs\/(heads|tags)\/$/, "")}*${at.rest}`, ref };
  }
  const params = new URLSearchParams(entry.slice(q + 1));
  return { url: entry.slice(0, q), ref: params.get("ref") ?? params.get("version") };
}

/** `entry` pinned to `ref` instead, the rest of it verbatim; null when it names no revision to replace. */
export function withRemoteRef(entry: string, ref: string): string | null {
  const q = entry.indexOf("?");
  if (q < 0) {
    const at = pathRevision(entry);
    return at ? `${at.prefix}${encodeURIComponent(ref.replace(/^refs\/(heads|tags)\//, ""))}${at.rest}` : null;
  }
  const params = entry.slice(q + 1);
  if (!REF_PARAM.test(params)) return null;
  return `${entry.slice(0, q + 1)}${params.replace(REF_PARAM, (_m, pre: string, key: string) => `${pre}${key}=${encodeURIComponent(ref)}`)}`;
}
