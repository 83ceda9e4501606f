import { asString, isRecord } from "../../yaml";
import type { LoadedFile, ReadContext } from "../context";
import { joinInRepo } from "../paths";

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
      if (!isRecord(c)) return;
      const name = asString(c.name);
      if (!name) return;
      const valuesFile = asString(c.valuesFile);
      const merge = asString(c.valuesMerge);
      k.helmCharts.push({
        index,
        name,
        repo: asString(c.repo),
        version: asString(c.version),
        ...(valuesFile !== undefined ? { valuesFile: join(valuesFile) ?? undefined } : {}),
        additionalValuesFiles: strings(c.additionalValuesFiles).flatMap(({ entry }) => join(entry) ?? []),
        ...(isRecord(c.valuesInline) ? { valuesInline: c.valuesInline } : {}),
        valuesMerge: merge === "merge" || merge === "replace" ? merge : "override",
        doc: rawDoc?.index ?? 0,
      });
    });
  }
  return k;
}

const REMOTE = /^(https?:\/\/|git::|git@|ssh:\/\/|file:\/\/|(github|gitlab|bitbucket)\.(com|org)\/)/;

/** A `resources:` entry that kustomize fetches from a remote git repo or URL. */
export function isRemoteResource(entry: string): boolean {
  return REMOTE.test(entry) || /\?(.*&)?(ref|version)=/.test(entry);
}

export function splitRemote(entry: string): { url: string; ref: string | null } {
  const q = entry.indexOf("?");
  if (q < 0) return { url: entry, ref: null };
  const params = new URLSearchParams(entry.slice(q + 1));
  return { url: entry.slice(0, q), ref: params.get("ref") ?? params.get("version") };
}
