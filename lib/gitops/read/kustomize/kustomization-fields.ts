import type { RepoError } from "../../model";
import { isRecord } from "../../yaml";
import type { ReadContext } from "../context";
import { basename } from "../paths";
import { KUSTOMIZATION_FILES } from "./kustomization";

// The fields of kustomize's Kustomization type (api/types/kustomization.go, kustomize v5). kustomize decodes
// the file with unknown fields disallowed and, like Go's JSON decoding, matches names ignoring case.
const KNOWN_FIELDS = new Set(
  [
    "apiVersion", "kind", "metadata", "openapi", "namePrefix", "nameSuffix", "namespace", "commonLabels", "labels", "commonAnnotations",
    "patchesStrategicMerge", "patchesJson6902", "patches", "images", "imageTags", "replacements", "replicas", "vars", "sortOptions",
    "resources", "components", "crds", "bases", "configMapGenerator", "secretGenerator", "helmGlobals", "helmCharts",
    "helmChartInflationGenerator", "generatorOptions", "configurations", "generators", "transformers", "validators", "buildMetadata",
  ].map((f) => f.toLowerCase()),
);

// Lists whose entries kustomize decodes as objects: a bare string there fails the whole build.
const OBJECT_LISTS = ["patches", "patchesJson6902", "images", "replicas"];

/**
 * Kustomizations `kubectl kustomize` refuses to build: an unknown field (`pathes:`), or a bare string where
 * kustomize wants an object (`patches: [file.yaml]`). Ferry still reads what they mean, so the rest of the
 * repository is shown, and reports each such file as an error of the repository: Flux or Argo CD fail on it.
 */
export function rejectedKustomizations(ctx: ReadContext): RepoError[] {
  const out: RepoError[] = [];
  for (const file of ctx.index.paths) {
    if (!(KUSTOMIZATION_FILES as readonly string[]).includes(basename(file))) continue;
    const k = ctx.load(file).docs.find((d) => isRecord(d.value))?.value;
    if (!isRecord(k)) continue;
    // A Flux Kustomization kept in a file of that name is not kustomize's.
    if (typeof k.apiVersion === "string" && !k.apiVersion.startsWith("kustomize.config.k8s.io/")) continue;
    const unknown = Object.keys(k).filter((key) => !KNOWN_FIELDS.has(key.toLowerCase()));
    if (unknown.length > 0) {
      out.push({ file, message: `kustomize rejects this kustomization: unknown field${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} (a typo? it is ignored here, so what it names is not applied)` });
    }
    for (const field of OBJECT_LISTS) {
      const list = Object.entries(k).find(([key]) => key.toLowerCase() === field.toLowerCase())?.[1];
      if (!Array.isArray(list)) continue;
      const bare = list.flatMap((entry: unknown, i) => (typeof entry === "string" ? [`${field}[${i}]`] : []));
      if (bare.length > 0) out.push({ file, message: `kustomize rejects this kustomization: ${bare.join(", ")} ${bare.length > 1 ? "are plain strings" : "is a plain string"}, where kustomize wants an object (${field === "patches" ? "`- path: <file>`" : "a mapping"})` });
    }
  }
  return out;
}
