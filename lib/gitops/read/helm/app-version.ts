import type { Version } from "../../model";
import { asString, isRecord } from "../../yaml";
import type { ReadContext } from "../context";

// `helm create` charts print `{{ .Values.image.tag | default .Chart.AppVersion }}` and ship `tag: ""`:
// an empty tag in the values means the chart's appVersion runs. The version then lives in Chart.yaml,
// and a promotion edits it there (every environment that keeps the empty tag moves with it: the
// plan's impact names them).

const USES_APP_VERSION = /\.Chart\.AppVersion\b/;

/** Empty image tags from a chart's values, replaced by the chart's appVersion where its templates default to it. */
export function withAppVersionDefault(ctx: ReadContext, chartDir: string, versions: Version[]): Version[] {
  if (!versions.some(isEmptyTag)) return versions;
  const chartFile = chartDir === "" ? "Chart.yaml" : `${chartDir}/Chart.yaml`;
  const doc = ctx.load(chartFile).docs[0];
  const raw = isRecord(doc?.value) ? doc.value.appVersion : undefined;
  const appVersion = asString(raw) ?? (typeof raw === "number" ? String(raw) : undefined);
  if (!doc || !appVersion || !templatesUseAppVersion(ctx, chartDir)) return versions;
  return versions.map((v) =>
    isEmptyTag(v) ? { ...v, value: appVersion, floating: false, file: chartFile, doc: doc.index, path: ["appVersion"], field: `appVersion (${v.field.replace(/ \(inherited from [^)]*\)$/, "")} is empty)` } : v,
  );
}

/**
 * The chart's own `image.tag`, or a component's `image.<component>.tag` (a subchart's `redis.image.tag`
 * defaults to the subchart's appVersion, not this chart's).
 */
function isEmptyTag(v: Version): boolean {
  const at = v.path.join(".").replace(/^.*\.valuesObject\./, "");
  return v.kind === "image" && (v.value === "" || v.value === null) && v.digest === undefined && /^image\.([\w-]+\.)?tag$/.test(at);
}

function templatesUseAppVersion(ctx: ReadContext, chartDir: string): boolean {
  const templates = chartDir === "" ? "templates" : `${chartDir}/templates`;
  return ctx.index.filesUnder(templates).some((f) => USES_APP_VERSION.test(ctx.index.read(f) ?? ""));
}
