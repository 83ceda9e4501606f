import { parseImageRef } from "../image-ref";
import type { FileTree, Version } from "../model";
import { ReadContext } from "../read/context";
import { locationKey } from "../read/kustomize/built-resource";
import { KUSTOMIZATION_FILES } from "../read/kustomize/kustomization";
import { KustomizeResolver, type BuildResult } from "../read/kustomize/resolve-overlay";
import { trackedFields } from "../read/kustomize/tracked-fields";
import { basename, dirname, joinInRepo } from "../read/paths";
import { TreeIndex } from "../read/tree-index";
import { isRecord, type YamlPath } from "../yaml";

/**
 * What an `images:` entry in one kustomization can change: the fields its build's images transformer
 * rewrites, traced back to the file and field that set each of them.
 */
export interface ImagesReach {
  /** The transformer rewrites the field `v` sets (in a resource of the build, or a chart it inflates). */
  reaches(v: Version): boolean;
  /** Some field the transformer rewrites runs image `name`, whatever its tag. */
  runs(name: string): boolean;
  /** Files the build reads: its kustomizations, resources and patches. */
  builds(file: string): boolean;
  /** Kinds of the resources the build outputs (a HelmRelease's values are where a Flux env overrides a chart's). */
  kinds: ReadonlySet<string>;
}

// The transformer's legacy filter rewrites the `image` of every item of these lists, at any depth and in
// any kind but a CustomResourceDefinition; `ephemeralContainers` are left as written (kubectl kustomize v5.5).
const REWRITTEN_LISTS = new Set(["containers", "initContainers"]);

function inRewrittenList(path: YamlPath): boolean {
  const n = path.length;
  return n >= 3 && path[n - 1] === "image" && typeof path[n - 2] === "number" && REWRITTEN_LISTS.has(String(path[n - 3]));
}

interface ImageFieldSpec {
  segments: string[];
  kind?: string;
  group?: string;
  version?: string;
}

/**
 * The `images:` field specs the build's kustomizations add through `configurations:` (a custom resource's
 * `spec/image`). Kustomize merges every kustomization's configurations into the one its transformers use,
 * so a base's apply to the overlay's `images:` too.
 */
function configuredImageFields(ctx: ReadContext, build: BuildResult): ImageFieldSpec[] {
  const out: ImageFieldSpec[] = [];
  for (const file of new Set(build.files)) {
    if (!(KUSTOMIZATION_FILES as readonly string[]).includes(basename(file))) continue;
    for (const doc of ctx.load(file).docs) {
      const configs = isRecord(doc.value) ? doc.value.configurations : undefined;
      for (const entry of Array.isArray(configs) ? configs : []) {
        const config = typeof entry === "string" ? joinInRepo(dirname(file), entry) : null;
        if (config === null) continue;
        for (const cdoc of ctx.load(config).docs) {
          const images = isRecord(cdoc.value) ? cdoc.value.images : undefined;
          for (const spec of Array.isArray(images) ? images : []) {
            if (!isRecord(spec) || typeof spec.path !== "string") continue;
            const str = (k: string) => (typeof spec[k] === "string" ? (spec[k] as string) : undefined);
            out.push({ segments: spec.path.split("/").filter(Boolean), kind: str("kind"), group: str("group"), version: str("version") });
          }
        }
      }
    }
  }
  return out;
}

function specApplies(spec: ImageFieldSpec, obj: Record<string, unknown>, path: YamlPath): boolean {
  const apiVersion = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  const slash = apiVersion.indexOf("/");
  const [group, version] = slash >= 0 ? [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)] : ["", apiVersion];
  if ((spec.kind !== undefined && spec.kind !== obj.kind) || (spec.group !== undefined && spec.group !== group) || (spec.version !== undefined && spec.version !== version)) return false;
  let i = 0;
  for (const seg of spec.segments) {
    const list = seg.endsWith("[]");
    if (path[i] !== (list ? seg.slice(0, -2) : seg)) return false;
    i += list ? (typeof path[i + 1] === "number" ? 2 : Infinity) : 1;
  }
  return i === path.length;
}

const startsWith = (path: readonly (string | number)[], prefix: readonly (string | number)[]) => prefix.every((p, i) => path[i] === p);

// One resolver per tree: a bulk promotion plans many cells against the same base, and builds share bases.
const resolvers = new WeakMap<FileTree, { ctx: ReadContext; resolver: KustomizeResolver }>();

/** What the `images:` of the kustomization in `dir` reaches, from `kustomize build dir` as Ferry's reader models it. */
export function imagesReach(tree: FileTree, dir: string): ImagesReach {
  let r = resolvers.get(tree);
  if (!r) {
    const ctx = new ReadContext(new TreeIndex(tree), undefined, {});
    r = { ctx, resolver: new KustomizeResolver(ctx) };
    resolvers.set(tree, r);
  }
  const build = r.resolver.build(dir);
  const specs = configuredImageFields(r.ctx, build);
  const reached = new Set<string>();
  const names = new Set<string>();
  const kinds = new Set<string>();
  for (const res of build.resources) {
    if (typeof res.obj.kind === "string") kinds.add(res.obj.kind);
    if (res.obj.kind === "CustomResourceDefinition") continue;
    for (const f of trackedFields(res.obj)) {
      if (typeof f.value !== "string" || !(inRewrittenList(f.path) || specs.some((s) => specApplies(s, res.obj, f.path)))) continue;
      names.add(parseImageRef(f.value).name);
      const at = res.prov.get(f.key);
      if (at) reached.add(locationKey(at));
    }
  }
  // A chart kustomize inflates (`helmCharts:`) is transformed like any resource: its values' images reach
  // the rendered containers, which the transformer rewrites.
  const chartValues = build.charts.flatMap((c) => c.values);
  const files = new Set(build.files);
  return {
    reaches: (v) => reached.has(locationKey(v)) || chartValues.some((l) => l.file === v.file && l.doc === v.doc && startsWith(v.path, l.at ?? [])),
    runs: (name) => names.has(name),
    builds: (file) => files.has(file),
    kinds,
  };
}
