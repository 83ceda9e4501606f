import type { Version } from "../../model";
import { asString, type YamlPath } from "../../yaml";
import type { ReadContext } from "../context";
import { isFloatingImageTag } from "../floating";
import { layerValueAt, type ValuesLayer } from "../values-images";

// Umbrella charts give every service one tag: each subchart's values keep `image.tag: ""` and its
// template prints `{{ .Values.image.tag | default .Values.global.imageTag }}`, so an environment's values
// file sets `global.imageTag` alone. The empty tags then run that version, and a promotion edits it where
// the environment sets it (every service that keeps the empty tag moves with it: the plan's impact names them).

/** The keys umbrella charts use for one tag of all their images, most common first. */
const GLOBAL_TAG_PATHS: readonly YamlPath[] = [
  ["global", "imageTag"],
  ["global", "image", "tag"],
  ["global", "tag"],
];

/**
 * Empty image tags replaced by the global tag the values layers set, unless the chart's templates show
 * their tag built without it (they print `.Values.image.tag` and name no global tag). Layers in Helm's
 * order, lowest first; the last that sets the key owns it.
 */
export function withGlobalTagDefault(ctx: ReadContext, chartDir: string, layers: readonly ValuesLayer[], versions: Version[]): Version[] {
  if (!versions.some(isEmptyTag)) return versions;
  const found = globalTag(layers);
  if (!found) return versions;
  const { key, value, layer } = found;
  const keyText = key.join(".");
  return versions.map((v) =>
    isEmptyTag(v) && templatesMayUse(ctx, templatesOf(ctx, chartDir, v), key)
      ? {
          ...v,
          value,
          floating: isFloatingImageTag(value),
          file: layer.file,
          doc: layer.doc,
          path: layer.at ? (layer.whole ? layer.at : [...layer.at, ...key]) : key,
          field: `${keyText} (${v.field} is empty)`,
          ...(layer.embedded ? { embedded: key } : {}),
        }
      : v,
  );
}

/** An image whose tag the values leave empty: the chart's `image.tag`, a subchart's `api.image.tag`, a component's `image.worker.tag`. */
function isEmptyTag(v: Version): boolean {
  return v.kind === "image" && (v.value === "" || v.value === null) && v.digest === undefined && /(^|\.)image\.([\w-]+\.)?tag$/.test(valuesPath(v).join("."));
}

/** The version's path in the values, past an Application's `helm.valuesObject`. */
function valuesPath(v: Version): (string | number)[] {
  const at = v.path.findIndex((k) => k === "valuesObject");
  return at === -1 ? v.path : v.path.slice(at + 1);
}

function globalTag(layers: readonly ValuesLayer[]): { key: YamlPath; value: string; layer: ValuesLayer } | undefined {
  for (const key of GLOBAL_TAG_PATHS) {
    for (const layer of [...layers].reverse()) {
      const raw = layerValueAt(layer, key);
      const value = asString(raw) ?? (typeof raw === "number" ? String(raw) : undefined);
      if (raw === undefined) continue;
      // The last layer to set it decides, even to empty: then no global tag runs.
      if (value === undefined || value === "") break;
      return { key, value, layer };
    }
  }
  return undefined;
}

/**
 * The templates that print `v`: its subchart's (set in `charts/api/values.yaml`, or as `api.image.tag` in
 * the parent's values), else the chart's own.
 */
function templatesOf(ctx: ReadContext, chartDir: string, v: Version): string {
  const charts = `${chartDir === "" ? "" : `${chartDir}/`}charts/`;
  const inSubchart = v.file.startsWith(charts) ? v.file.slice(charts.length).split("/")[0] : undefined;
  const first = String(valuesPath(v)[0] ?? "");
  const sub = inSubchart ?? (first !== "image" && first !== "" && ctx.index.hasDir(`${charts}${first}`) ? first : undefined);
  return sub !== undefined ? `${charts}${sub}/templates` : chartDir === "" ? "templates" : `${chartDir}/templates`;
}

/**
 * Whether those templates may print the global tag: they name it, or none of them prints
 * `.Values.image.tag` (the helper that builds the image is not in view).
 */
function templatesMayUse(ctx: ReadContext, templates: string, key: YamlPath): boolean {
  const texts = ctx.index.filesUnder(templates).map((f) => ctx.index.read(f) ?? "");
  const named = new RegExp(`\\.Values\\.${key.map((k) => String(k).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("\\.")}\\b`);
  if (texts.some((t) => named.test(t))) return true;
  return !texts.some((t) => /\.Values\.image\.tag\b/.test(t));
}
