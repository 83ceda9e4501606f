import type { YamlPath } from "../../yaml";
import type { ValuesLayer } from "../values-images";

/** Where a release field's current value is written: what a promotion must edit. */
export interface FieldLocation {
  file: string;
  doc: number;
  path: YamlPath;
  field: string;
}

/** One string per written place (file, document, path): to compare where versions live. */
export function locationKey(loc: Pick<FieldLocation, "file" | "doc" | "path"> & { span?: readonly [number, number] }): string {
  // A value in a template's own text (Version.span) is told apart by where it is written.
  return `${loc.file}#${loc.doc}#${loc.path.join("/")}${loc.span ? `#${loc.span[0]}` : ""}`;
}

/** A resource as it flows through a kustomize build, carrying the origin of each tracked field. */
export interface BuiltResource {
  obj: Record<string, unknown>;
  file: string;
  doc: number;
  originalName: string;
  /**
   * The name kustomize's `namePrefix`/`nameSuffix` gave the object, when they changed it: later patches may
   * target it. The object keeps the name written in the repository, which apps and Flux references go by.
   */
  builtName?: string;
  /** Tracked field key → where its current value comes from. */
  prov: Map<string, FieldLocation>;
  /** Where the object sits inside its document, when it is not the document (a ResourceSet's `spec.resources[i]`). */
  rootPath?: YamlPath;
}

/**
 * Copy for a new layer of the build. The object itself is shared (copy-on-write): strategic merge builds
 * new objects, and the in-place editors (JSON 6902, images) call `ownObject` first. Parsed documents come
 * from a cache shared across reads and must never be mutated.
 */
export function cloneResource(r: BuiltResource): BuiltResource {
  return { ...r, prov: new Map(r.prov) };
}

/** Give `r` its own deep copy of `obj` before an in-place edit. */
export function ownObject(r: BuiltResource): void {
  r.obj = deepClone(r.obj) as Record<string, unknown>;
}

/** Deep copy of plain YAML data (maps, lists, scalars): much cheaper than structuredClone. */
export function deepClone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(deepClone);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = deepClone(v);
    return out;
  }
  return value;
}

/** A remote `resources:` entry (`github.com/org/repo//path?ref=v1`). */
export interface RemoteResource {
  url: string;
  ref: string | null;
  location: FieldLocation;
}

/**
 * An `images:` entry that sets a tag or digest for an image no built resource holds, in a build with a
 * remote resource: the image is the remote base's, which Ferry does not fetch, and kustomize rewrites it there.
 */
export interface UnbuiltImage {
  name: string;
  tag: string | null;
  digest: string | null;
  location: FieldLocation;
}

export interface HelmChartRef {
  name: string;
  repo?: string;
  version: string | null;
  location: FieldLocation;
  /** The values kustomize gives the chart, lowest precedence first (the chart's own defaults are not in the repository). */
  values: ValuesLayer[];
}
