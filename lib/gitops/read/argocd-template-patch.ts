import { isRecord } from "../yaml";
import { renderTemplateYaml, type TemplateParams, type TemplateSyntax } from "./argocd-template";

/**
 * What an Application's unrendered template holds where its templatePatch wrote a value that is not one
 * `{{ }}` placeholder: the value is written inside the patch's text, where no edit can reach it.
 */
export const SET_BY_TEMPLATE_PATCH = "{{ templatePatch }}";

export type Patched = { ok: true; app: Record<string, unknown>; templated: Record<string, unknown> } | { ok: false; reason: string };

/**
 * Argo CD's `spec.templatePatch`: a string rendered with the element's parameters (Go templates with
 * control actions, `{{- if .autoSync }}`), read as YAML and merged into the rendered Application as a
 * strategic merge patch. Argo CD's Application type declares no merge keys, so mappings merge, lists
 * and scalars replace, and `null` removes a field. `templated` is the unrendered template as the patch
 * leaves it, for finding where a version is written: a field the patch prints whole from one parameter
 * reads as that placeholder, any other field it sets as SET_BY_TEMPLATE_PATCH.
 */
export function applyTemplatePatch(app: Record<string, unknown>, templated: Record<string, unknown>, patch: string, params: TemplateParams, syntax: TemplateSyntax): Patched {
  const rendered = renderTemplateYaml(patch, params, syntax);
  if (!rendered.ok) return rendered;
  return { ok: true, app: mergePatch(app, rendered.template), templated: mergePatch(templated, markWritten(rendered.templated) as Record<string, unknown>) };
}

function markWritten(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(markWritten);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, markWritten(v)]));
  return typeof value === "string" && value.startsWith("{{ .") ? value : value === null ? null : SET_BY_TEMPLATE_PATCH;
}

function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (k === "__proto__") continue;
    if (v === null) delete out[k];
    else {
      const current = out[k];
      out[k] = isRecord(v) && isRecord(current) ? mergePatch(current, v) : v;
    }
  }
  return out;
}
