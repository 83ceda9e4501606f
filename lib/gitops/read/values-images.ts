import type { Version } from "../model";
import { asString, formatPath, getAtPath, isRecord, type YamlPath } from "../yaml";
import { parseImageRef, type ImageRef } from "../image-ref";
import { isFloatingImageTag } from "./floating";

/**
 * An image set in Helm values: `image: {repository, tag}` at any depth, as charts and app-template write it, or a
 * component's own `{repository, tag}`; `{repository, digest}` with no `tag` is the image pinned by digest alone.
 */
export interface ValuesImage {
  /** Path of the scalar that pins the image inside the values: its `tag`, or its `digest` when it has no tag. */
  path: YamlPath;
  /** Repository (with registry when given), or the key above `image` when the chart names none. */
  name: string | undefined;
  tag: string | null;
  digest?: string;
}

const MAX_DEPTH = 10;
const TAG_BESIDE_IMAGE = ["tag", "imageTag", "version"] as const;
/** Keys other than `image` that hold an image: `imageOverride`, `sidecarImage` (not `imagePullPolicy`, `imageTag`). */
const IMAGE_KEY = /^(image[A-Z]\w*|[a-z]\w*Image)$/;
const IMAGE_NAME = /^[a-z0-9][a-z0-9._\-/:]*$/i;

/**
 * A map that pins an image: it has a `tag`, or no `tag` and a non-empty `digest` (app-template's
 * `image: {repository, digest}`, what Kargo's Digest strategy writes). An empty `digest: ""` beside no tag is
 * a chart's default that pins nothing, as before.
 */
function pinsImage(map: Record<string, unknown>): boolean {
  return "tag" in map || digestOnly(map);
}

function digestOnly(map: Record<string, unknown>): boolean {
  return !("tag" in map) && typeof map.digest === "string" && map.digest.trim() !== "";
}

/**
 * Every `image` map with a `tag` (or only a `digest`) in a values document: `image.tag`,
 * `<subchart>.image.tag`, and nested shapes such as app-template's `controllers.<c>.containers.<n>.image`.
 * A `tag` of `1.2.3@sha256:…` is the tag pinned by a digest.
 */
export function imagesInValues(values: unknown): ValuesImage[] {
  const out: ValuesImage[] = [];
  // Maps already read as an image under a key that names one (`sidecarImage`, `images.<component>`), which
  // the walk still visits: not read a second time as a component's `{repository, tag}`.
  const taken = new Set<Record<string, unknown>>();
  const push = (map: Record<string, unknown>, at: YamlPath, sharedRegistry: string | undefined, fallbackName: string | undefined) => {
    taken.add(map);
    out.push(imageMap(map, at, sharedRegistry, fallbackName));
  };
  const walk = (node: unknown, path: YamlPath, depth: number) => {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, [...path, i], depth + 1));
      return;
    }
    if (!isRecord(node)) return;
    const parent = path.at(-1);
    const image = node.image;
    if (isRecord(image) && pinsImage(image)) push(image, [...path, "image"], undefined, typeof parent === "string" ? parent : undefined);
    // The same map under a key named for it (`imageOverride`, `sidecarImage`, `initImage`).
    for (const [key, inner] of Object.entries(node)) {
      if (key !== "image" && IMAGE_KEY.test(key) && isRecord(inner) && ("tag" in inner || "digest" in inner)) push(inner, [...path, key], undefined, typeof parent === "string" ? parent : undefined);
    }
    // One `image` (or `images`) map per component (`image: {registry, api: {repository, tag}, web: {…}}`): each is an image.
    for (const key of ["image", "images"] as const) {
      const components = node[key];
      if (!isRecord(components) || pinsImage(components)) continue;
      for (const [component, inner] of Object.entries(components)) {
        if (isRecord(inner) && pinsImage(inner)) push(inner, [...path, key, component], asString(components.registry), component);
      }
    }
    // A component's own `{repository, tag}` with no `image` key (podinfo's `redis: {enabled, repository, tag}`).
    if (!taken.has(node) && componentImage(node)) push(node, path, undefined, typeof parent === "string" ? parent : undefined);
    // The repository in `image` and the tag beside it (`{image: org/api, version: 1.4.2}`, `imageTag:`), as
    // charts that print `{{ .image }}:{{ .version }}` write their values.
    const besideKey = typeof image === "string" ? TAG_BESIDE_IMAGE.find((k) => typeof node[k] === "string" || typeof node[k] === "number") : undefined;
    if (typeof image === "string" && besideKey && !pinnedImageRef(image) && IMAGE_NAME.test(image)) {
      out.push({ path: [...path, besideKey], name: image, tag: String(node[besideKey]) });
    }
    // A whole reference in one string (`image: repo:1.2`, `sidecarImage: repo@sha256:…`, `image.name: "repo:1.2"`),
    // as hand-written charts template it with `image: {{ .Values.x.image }}`; only with a tag or digest, so
    // a bare name that a chart completes elsewhere is not taken for an unpinned image.
    const refs: [YamlPath, unknown][] = [...Object.entries(node).filter(([k]) => k === "image" || /[a-z]Image$/.test(k)).map(([k, v]): [YamlPath, unknown] => [[...path, k], v])];
    if (isRecord(image) && !pinsImage(image)) refs.push([[...path, "image", "name"], image.name]);
    for (const [at, raw] of refs) {
      const ref = typeof raw === "string" ? pinnedImageRef(raw) : null;
      if (ref) out.push({ path: at, name: ref.name, tag: ref.tag, ...(ref.digest ? { digest: ref.digest } : {}) });
    }
    for (const [key, value] of Object.entries(node)) if (key !== "image") walk(value, [...path, key], depth + 1);
  };
  walk(values, [], 0);
  return out;
}

/**
 * An `{registry?, repository|name, tag, digest?}` map at `at`; a tag of `1.2.3@sha256:…` is the tag pinned by a
 * digest. With a digest and no tag the version is the digest, located at `digest` (the field a promotion edits).
 * With both, the tag stays the version and the digest moves with it: Kubernetes pulls `repo:tag@digest` by the
 * digest, and the promotion writes both.
 */
function imageMap(image: Record<string, unknown>, at: YamlPath, sharedRegistry: string | undefined, fallbackName: string | undefined): ValuesImage {
  const raw = scalarText(image.tag);
  const pin = raw?.indexOf("@") ?? -1;
  const tag = raw !== null && pin >= 0 ? raw.slice(0, pin) || null : raw;
  const digest = raw !== null && pin >= 0 ? raw.slice(pin + 1) : asString(image.digest);
  const repo = asString(image.repository) ?? asString(image.name);
  const registry = asString(image.registry) ?? sharedRegistry;
  return { path: [...at, digestOnly(image) ? "digest" : "tag"], name: repo ? (registry ? `${registry}/${repo}` : repo) : fallbackName, tag, ...(digest ? { digest } : {}) };
}

/**
 * `{repository, tag}` (or `{repository, digest}`) as a component's image: the repository an image name (no scheme,
 * so not a chart repository `https://…`/`oci://…` nor a git URL; no tag of its own) and the tag (or digest) a
 * non-empty scalar. Not
 * beside `chart` (a chart's `{chart, repository, version|tag}`) nor `image` (the image is that key's).
 */
function componentImage(node: Record<string, unknown>): boolean {
  const repository = asString(node.repository);
  const pin = scalarText(node.tag) ?? (digestOnly(node) ? asString(node.digest) : null);
  if (!repository || !pin || "image" in node || "chart" in node) return false;
  if (repository.includes("://") || repository.includes("{{") || repository.endsWith(".git") || !IMAGE_NAME.test(repository)) return false;
  const ref = parseImageRef(repository);
  return ref.name === repository && ref.tag === null;
}

/** A tag as written: YAML reads `tag: 7` or `tag: 1.6` as a number. */
function scalarText(value: unknown): string | null {
  return asString(value) ?? (typeof value === "number" ? String(value) : null);
}

function pinnedImageRef(raw: string): ImageRef | null {
  if (raw.includes("{{") || raw.includes("${") || /\s/.test(raw.trim())) return null;
  const ref = parseImageRef(raw);
  if (!ref.name || !/^[a-z0-9][a-z0-9._\-/:]*$/i.test(ref.name)) return null;
  return ref.tag !== null || ref.digest !== null ? ref : null;
}

/** As versions located at `file`/`doc`, under `prefix` (e.g. `spec.values` of a HelmRelease). */
export function valuesImageVersions(values: unknown, at: { file: string; doc: number; prefix: YamlPath; fallbackName: string; field?: (path: YamlPath) => string }): Version[] {
  return imagesInValues(values).map((img) => {
    const path = [...at.prefix, ...img.path];
    return {
      kind: "image",
      name: img.name ?? at.fallbackName,
      value: img.tag ?? img.digest ?? null,
      floating: isFloatingImageTag(img.tag, img.digest),
      file: at.file,
      doc: at.doc,
      path,
      field: at.field ? at.field(path) : path.map((p) => (typeof p === "number" ? `[${p}]` : p)).join(".").replace(/\.\[/g, "["),
      ...(img.digest ? { digest: img.digest } : {}),
    } satisfies Version;
  });
}

export interface ValuesLayer {
  file: string;
  doc: number;
  values: unknown;
  /** Where `values` sits in the document (an Application's `helm.valuesObject`); absent: the root. */
  at?: YamlPath;
  /**
   * The layer is written as one value (a `helm.parameters` entry, or YAML inside a string): what it
   * sets is located at `at` itself.
   */
  whole?: boolean;
  /** With `whole`: the string at `at` is YAML whose text holds the values, edited inside (see Version.embedded). */
  embedded?: boolean;
  /** The field shown for what this layer sets at `path` (inside the values). */
  field?: (path: YamlPath) => string;
  /**
   * Where the values sit in the merged values (a subchart's own values.yaml under its key in the parent
   * chart's); what the layer sets is located without this prefix, at the root of its file.
   */
  under?: YamlPath;
}

/** What a layer sets at `path` of the merged values. */
export function layerValueAt(layer: ValuesLayer, path: YamlPath): unknown {
  const under = layer.under ?? [];
  if (path.length < under.length || under.some((k, i) => path[i] !== k)) return undefined;
  return getAtPath(layer.values, path.slice(under.length));
}

/**
 * Helm values files layered in order (chart defaults, then each `-f`), merged as Helm merges them (maps
 * key by key, anything else replaced). Each image's tag is located in the last file that sets it: the
 * value that renders, and the file a promotion must edit.
 */
export function layeredValuesImages(layers: readonly ValuesLayer[], fallbackName: string, field?: (file: string, path: YamlPath) => string): Version[] {
  const present = layers.filter((l) => isRecord(l.values));
  if (present.length === 0) return [];
  const merged = present.reduce<unknown>((acc, l) => mergeValues(acc, (l.under ?? []).reduceRight<unknown>((inner, k) => ({ [k]: inner }), l.values)), {});
  return imagesInValues(merged).flatMap((img) => {
    const owner = [...present].reverse().find((l) => layerValueAt(l, img.path) !== undefined);
    if (!owner) return [];
    const path = img.path.slice(owner.under?.length ?? 0);
    return [
      {
        kind: "image",
        name: img.name ?? fallbackName,
        value: img.tag ?? img.digest ?? null,
        floating: isFloatingImageTag(img.tag, img.digest),
        file: owner.file,
        doc: owner.doc,
        path: owner.at ? (owner.whole ? owner.at : [...owner.at, ...path]) : path,
        field: owner.field ? owner.field(path) : field ? field(owner.file, path) : formatPath(path),
        ...(img.digest ? { digest: img.digest } : {}),
        ...(owner.embedded ? { embedded: path } : {}),
      } satisfies Version,
    ];
  });
}

function mergeValues(base: unknown, over: unknown): unknown {
  if (!isRecord(base) || !isRecord(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? mergeValues(base[k], v) : v;
  return out;
}
