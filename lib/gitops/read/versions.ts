import type { Version } from "../model";
import { asString, formatPath, getAtPath, isRecord } from "../yaml";
import { isFloatingChartVersion, isFloatingGitRevision, isFloatingImageTag, isSemverRange } from "./floating";
import { formatImageRef, parseImageRef } from "../image-ref";
import { imageMatches } from "./kustomize/images-transformer";
import type { BuiltResource, FieldLocation, HelmChartRef, RemoteResource, UnbuiltImage } from "./kustomize/built-resource";
import { customResourceImageSlot, deployedContainerSlots } from "./kustomize/tracked-fields";
import { dirname, isUnder } from "./paths";
import type { LocalChartLookup } from "./local-chart-values";
import { layeredValuesImages, valuesImageVersions, type ValuesLayer } from "./values-images";

/** Finds OCIRepositories referenced by a HelmRelease `chartRef` anywhere in the repo. */
export type OciLookup = (name: string, namespace: string | undefined) => BuiltResource | undefined;

export interface VersionContext {
  /** The deployment's env folder: locations outside it are marked as inherited in `field`. */
  deploymentDir: string;
  ociLookup?: OciLookup;
  /** Values files a HelmRelease takes through `spec.valuesFrom`, in order (see flux/values-from.ts). */
  valuesFrom?: (release: Record<string, unknown>) => ValuesLayer[];
  /** The defaults of a HelmRelease's chart kept in this repository (see local-chart-values.ts). */
  localChart?: LocalChartLookup;
}

function locate(loc: FieldLocation, ctx: VersionContext): Pick<Version, "file" | "doc" | "path" | "field"> {
  const inherited = ctx.deploymentDir !== "" && !isUnder(loc.file, ctx.deploymentDir) && loc.file !== ctx.deploymentDir;
  return {
    file: loc.file,
    doc: loc.doc,
    path: loc.path,
    field: inherited ? `${loc.field} (inherited from ${dirname(loc.file) || "."})` : loc.field,
  };
}

function originOf(res: BuiltResource, path: (string | number)[]): FieldLocation {
  return { file: res.file, doc: res.doc, path: [...(res.rootPath ?? []), ...path], field: formatPath(path) };
}

/** Release fields of one resource after the build: container images, chart versions, git refs. */
export function versionsOfResource(res: BuiltResource, ctx: VersionContext): Version[] {
  const out: Version[] = [];
  for (const slot of deployedContainerSlots(res.obj)) {
    const image = asString(slot.container.image);
    if (image !== undefined) out.push(imageVersion(image, res.prov.get(slot.key) ?? { ...originOf(res, slot.path), field: slot.key }, ctx));
  }
  const crImage = customResourceImageSlot(res.obj);
  if (typeof crImage?.value === "string") out.push(imageVersion(crImage.value, res.prov.get(crImage.key) ?? originOf(res, crImage.path), ctx));
  const kind = res.obj.kind;
  if (kind === "HelmRelease") out.push(...helmReleaseVersions(res, ctx));
  if (kind === "GitRepository") {
    const v = gitRepositoryVersion(res, ctx);
    if (v) out.push(v);
  }
  return out;
}

function imageVersion(image: string, loc: FieldLocation, ctx: VersionContext): Version {
  const ref = parseImageRef(image);
  return { kind: "image", name: ref.name, value: ref.tag ?? ref.digest, floating: isFloatingImageTag(ref.tag, ref.digest), ...locate(loc, ctx), ...(ref.digest ? { digest: ref.digest } : {}) };
}

function helmReleaseVersions(res: BuiltResource, ctx: VersionContext): Version[] {
  const out: Version[] = [];
  const spec = isRecord(res.obj.spec) ? res.obj.spec : {};
  const chartSpec = getAtPath(spec, ["chart", "spec"]);
  if (isRecord(chartSpec)) {
    const path = ["spec", "chart", "spec", "version"];
    const version = asString(chartSpec.version) ?? null;
    const loc = res.prov.get(formatPath(path)) ?? originOf(res, path);
    out.push({
      kind: "chart",
      name: asString(chartSpec.chart) ?? String(getAtPath(res.obj, ["metadata", "name"]) ?? "chart"),
      value: version,
      floating: isFloatingChartVersion(version),
      ...locate(loc, ctx),
    });
  }
  const localChart = ctx.localChart?.(res);
  if (localChart?.version) out.push(localChart.version);
  const chartRef = spec.chartRef;
  if (isRecord(chartRef) && chartRef.kind === "OCIRepository" && typeof chartRef.name === "string") {
    const oci = ctx.ociLookup?.(chartRef.name, asString(chartRef.namespace) ?? asString(getAtPath(res.obj, ["metadata", "namespace"])));
    if (oci) {
      const v = ociVersion(oci, ctx);
      if (v) out.push(v);
    } else {
      const path = ["spec", "chartRef"];
      out.push({ kind: "chart", name: `OCIRepository/${chartRef.name}`, value: null, floating: true, ...locate(originOf(res, path), ctx) });
    }
  }
  // Images a post-renderer sets in what the chart rendered win over the values that rendered them.
  const rendered = postRendererImages(res, ctx);
  out.push(...rendered.map((r) => r.version));
  const reference = (v: Version) => formatImageRef({ name: v.name, tag: v.value !== null && v.value !== v.digest ? v.value : null, digest: v.digest ?? null });
  const keep = (v: Version) => !rendered.some((r) => imageMatches(reference(v), r.from));
  // Images in the release's values, at any depth (`image.tag`, app-template's controllers.*.containers.*).
  const releaseName = String(getAtPath(res.obj, ["metadata", "name"]) ?? "image");
  const fromFiles = [...(localChart?.layers ?? []), ...(ctx.valuesFrom?.(res.obj) ?? [])];
  if (fromFiles.length === 0) {
    for (const v of valuesImageVersions(spec.values, { file: res.file, doc: res.doc, prefix: ["spec", "values"], fallbackName: releaseName })) {
      if (!keep(v)) continue;
      const loc = res.prov.get(formatPath(v.path)) ?? originOf(res, v.path);
      out.push({ ...v, ...locate(loc, ctx) });
    }
    return out;
  }
  // The chart's defaults, then valuesFrom, inline values merged over them: the layer that sets a tag last is where it lives.
  const inline: ValuesLayer = { file: res.file, doc: res.doc, values: spec.values };
  const layered = layeredValuesImages([...fromFiles, inline], releaseName);
  for (const v of localChart ? localChart.appVersion(layered) : layered) {
    if (!keep(v)) continue;
    if (v.file === inline.file && v.doc === inline.doc) {
      const path = ["spec", "values", ...v.path];
      out.push({ ...v, ...locate(res.prov.get(formatPath(path)) ?? originOf(res, path), ctx) });
    } else out.push({ ...v, ...locate({ file: v.file, doc: v.doc, path: v.path, field: v.field }, ctx) });
  }
  return out;
}

/** `spec.postRenderers[].kustomize.images`: kustomize's image override, applied to what Helm rendered. */
function postRendererImages(res: BuiltResource, ctx: VersionContext): { from: string; version: Version }[] {
  const out: { from: string; version: Version }[] = [];
  const renderers = getAtPath(res.obj, ["spec", "postRenderers"]);
  if (!Array.isArray(renderers)) return out;
  renderers.forEach((renderer: unknown, i) => {
    const images = getAtPath(renderer, ["kustomize", "images"]);
    if (!Array.isArray(images)) return;
    images.forEach((entry: unknown, j) => {
      const name = isRecord(entry) ? asString(entry.name) : undefined;
      if (!isRecord(entry) || !name) return;
      const tag = asString(entry.newTag) ?? null;
      const digest = asString(entry.digest) ?? null;
      if (tag === null && digest === null) return;
      const path = ["spec", "postRenderers", i, "kustomize", "images", j, tag !== null ? "newTag" : "digest"];
      const loc = res.prov.get(formatPath(path)) ?? originOf(res, path);
      out.push({
        from: name,
        version: { kind: "image", name: asString(entry.newName) ?? parseImageRef(name).name, value: tag ?? digest, floating: isFloatingImageTag(tag, digest), ...locate(loc, ctx), ...(digest ? { digest } : {}) },
      });
    });
  });
  return out;
}

// Precedence as Flux applies it: the first key present wins.
const REF_KEYS: Record<"git" | "chart", readonly string[]> = {
  git: ["commit", "name", "semver", "tag", "branch"],
  chart: ["digest", "semver", "tag"],
};

export function refVersion(res: BuiltResource, ctx: VersionContext, kind: Version["kind"]): Version | undefined {
  const url = asString(getAtPath(res.obj, ["spec", "url"])) ?? String(getAtPath(res.obj, ["metadata", "name"]) ?? "");
  const ref = getAtPath(res.obj, ["spec", "ref"]);
  for (const key of REF_KEYS[kind === "git" ? "git" : "chart"]) {
    const value = isRecord(ref) ? asString(ref[key]) : undefined;
    if (value === undefined) continue;
    const path = ["spec", "ref", key];
    const loc = res.prov.get(formatPath(path)) ?? originOf(res, path);
    const floating =
      key === "branch" || (key === "semver" && isSemverRange(value)) || (key === "tag" && (kind === "git" ? isFloatingGitRevision(value) : value === "latest"));
    return { kind, name: url, value, floating, ...locate(loc, ctx) };
  }
  return { kind, name: url, value: null, floating: true, ...locate(originOf(res, ["spec", "ref"]), ctx) };
}

function gitRepositoryVersion(res: BuiltResource, ctx: VersionContext): Version | undefined {
  return refVersion(res, ctx, "git");
}

function ociVersion(res: BuiltResource, ctx: VersionContext): Version | undefined {
  return refVersion(res, ctx, "chart");
}

export function remoteVersion(r: RemoteResource, ctx: VersionContext): Version {
  return { kind: "git", name: r.url, value: r.ref, floating: isFloatingGitRevision(r.ref), ...locate(r.location, ctx) };
}

/** An image a remote base holds, as the `images:` entry that rewrites it sets it. */
export function unbuiltImageVersion(u: UnbuiltImage, ctx: VersionContext): Version {
  return { kind: "image", name: u.name, value: u.tag ?? u.digest, floating: isFloatingImageTag(u.tag, u.digest), ...(u.digest ? { digest: u.digest } : {}), ...locate(u.location, ctx) };
}

export function helmChartVersion(c: HelmChartRef, ctx: VersionContext): Version {
  return { kind: "chart", name: c.repo ? `${c.repo.replace(/\/+$/, "")}/${c.name}` : c.name, value: c.version, floating: isFloatingChartVersion(c.version), ...locate(c.location, ctx) };
}

/** Images a kustomize `helmCharts` entry's values set, each in the layer that sets it last. */
export function chartValuesImages(c: HelmChartRef, ctx: VersionContext): Version[] {
  return layeredValuesImages(c.values, c.name).map((v) => ({ ...v, ...locate({ file: v.file, doc: v.doc, path: v.path, field: v.field }, ctx) }));
}

/** Drop exact duplicates (the same field reached through two resources). */
export function dedupeVersions(versions: Version[]): Version[] {
  const seen = new Set<string>();
  return versions.filter((v) => {
    const key = `${v.kind}|${v.name}|${v.value}|${v.file}|${v.doc}|${v.path.join("/")}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
