import jsYaml from "js-yaml";
import { isRecord, parseYamlDocuments, type YamlPath } from "../../yaml";
import { ChartRenderer, type PrintedValue } from "../helm/template-exec";
import { TemplateError } from "../helm/template-parse";
import type { BuiltResource, FieldLocation } from "../kustomize/built-resource";
import { trackedFields } from "../kustomize/tracked-fields";
import { parseImageRef } from "../../image-ref";
import { nameOf } from "./objects";

// Flux Operator's ResourceSet: a list of resources templated with `<< inputs.x >>` and rendered once per
// input. What it generates (HelmReleases, OCIRepositories, Kustomizations) is what the cluster runs, so
// Ferry renders it in place and reads the result; a version printed from an input is shown, and promoted,
// in that input.

const DELIMITERS = ["<<", ">>"] as const;
const MAX_RENDERED = 500;

export function isResourceSet(obj: Record<string, unknown>): boolean {
  return obj.kind === "ResourceSet" && typeof obj.apiVersion === "string" && obj.apiVersion.startsWith("fluxcd.controlplane.io/");
}

/** The resources a ResourceSet generates from its inline inputs; what it cannot render is named in `problems`. */
export function renderResourceSet(set: BuiltResource): { resources: BuiltResource[]; problems: string[] } {
  const spec = isRecord(set.obj.spec) ? set.obj.spec : {};
  const name = nameOf(set.obj);
  const problems: string[] = [];
  if (Array.isArray(spec.inputsFrom) && spec.inputsFrom.length > 0) problems.push(`${set.file}: ResourceSet ${name}: inputsFrom reads providers outside the repository; only its inline inputs are rendered`);
  const inputs = Array.isArray(spec.inputs) && spec.inputs.length > 0 ? spec.inputs : [{}];
  const templates: { text: string; root?: YamlPath }[] = [];
  (Array.isArray(spec.resources) ? spec.resources : []).forEach((r: unknown, j) => {
    if (isRecord(r)) templates.push({ text: jsYaml.dump(r, { lineWidth: -1, noRefs: true }), root: ["spec", "resources", j] });
  });
  if (typeof spec.resourcesTemplate === "string") templates.push({ text: spec.resourcesTemplate });
  const resources: BuiltResource[] = [];
  inputs.forEach((input: unknown, i) => {
    if (!isRecord(input)) return;
    const renderer = new ChartRenderer({}, [], { traced: input, funcs: { inputs: () => input, slugify: ([s]) => String(s ?? "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") } });
    for (const t of templates) {
      let out: ReturnType<ChartRenderer["render"]>;
      try {
        out = renderer.render(t.text, DELIMITERS);
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e;
        problems.push(`${set.file}: ResourceSet ${name}: not rendered: ${e.message}`);
        continue;
      }
      for (const doc of parseYamlDocuments(out.text).documents) {
        if (!isRecord(doc.value) || resources.length >= MAX_RENDERED) continue;
        // Documents of a resourcesTemplate have no single place in the ResourceSet to point at.
        const root = t.root;
        resources.push({ obj: doc.value, file: set.file, doc: set.doc, originalName: nameOf(doc.value), prov: provenance(doc.value, out.printed, set, i, root), ...(root ? { rootPath: root } : {}) });
      }
    }
  });
  return { resources, problems };
}

/** Tracked fields printed from an input point at that input; the others at the template, where they are written. */
function provenance(obj: Record<string, unknown>, printed: readonly PrintedValue[], set: BuiltResource, input: number, root: YamlPath | undefined): Map<string, FieldLocation> {
  const prov = new Map<string, FieldLocation>();
  for (const f of trackedFields(obj)) {
    if (typeof f.value !== "string") continue;
    const ref = f.key.includes("image") ? parseImageRef(f.value) : undefined;
    const wanted = new Set([f.value, ref?.tag, ref?.digest].filter((v): v is string => typeof v === "string"));
    const hits = new Map(printed.filter((p) => p.value !== undefined && wanted.has(p.value)).map((p) => [JSON.stringify(p.path), p.path]));
    const path = hits.size === 1 ? [...hits.values()][0] : undefined;
    if (path) {
      const at = ["spec", "inputs", input, ...path];
      prov.set(f.key, { file: set.file, doc: set.doc, path: at, field: `inputs[${input}].${path.join(".")} (ResourceSet ${nameOf(set.obj)})` });
    } else if (root) prov.set(f.key, { file: set.file, doc: set.doc, path: [...root, ...f.path], field: `resources[${String(root[2])}].${f.key} (ResourceSet ${nameOf(set.obj)})` });
  }
  return prov;
}
