import type { FileTree, RepoModel } from "../../model";
import { PRESET_FILES } from "./generated";

export type PresetName = keyof typeof PRESET_FILES;
export type ScaffoldKind = "tenant" | "app";

export const PRESET_NAMES = Object.keys(PRESET_FILES) as PresetName[];

export const PRESET_LABELS: Record<PresetName, { tenant: string; app: string }> = {
  argocd: { tenant: "Argo CD: AppProject, app of apps, namespaces and role bindings", app: "Env folders with plain manifests, one Argo CD Application per environment" },
  flux: { tenant: "Flux multi-tenancy: tenants/base/<name> and per-environment overlays", app: "Kustomize base + overlays, one Flux Kustomization per environment" },
  appset: { tenant: "ApplicationSet files generator: tenants/<name>/tenant-values.yaml", app: "Kustomize base + overlays (found by an ApplicationSet directory generator)" },
};

export function isPresetName(value: string): value is PresetName {
  return Object.prototype.hasOwnProperty.call(PRESET_FILES, value);
}

/** A preset's templates for one kind, as a file tree relative to the template root. */
export function presetTemplates(preset: PresetName, kind: ScaffoldKind): FileTree {
  return new Map(Object.entries(PRESET_FILES[preset][kind]));
}

/** The platform repository's tenant convention, from what is already there. */
export function detectTenantPreset(tree: FileTree, model: RepoModel): PresetName {
  const paths = [...tree.keys()];
  if (paths.some((p) => p.endsWith("/tenant-values.yaml"))) return "appset";
  if ([...tree.values()].some((c) => c.includes("kind: ApplicationSet") && c.includes("tenant-values"))) return "appset";
  if (paths.some((p) => p.startsWith("tenants/base/"))) return "flux";
  const c = new Set(model.conventions);
  const flux = c.has("flux-kustomization") || c.has("flux-clusters") || c.has("flux-helmrelease");
  const argo = c.has("argocd-applications") || c.has("argocd-applicationsets") || paths.some((p) => p.startsWith("argocd/projects/"));
  // A Flux repository gets Flux tenants: Argo CD objects there would be applied by nobody.
  if (flux && !argo) return "flux";
  if (argo) return "argocd";
  return flux ? "flux" : "argocd";
}

/** An app repository's layout and wiring convention. */
export function detectAppPreset(model: RepoModel): PresetName {
  const c = new Set(model.conventions);
  if (c.has("kustomize-overlays") && (c.has("flux-kustomization") || c.has("flux-helmrelease"))) return "flux";
  if (c.has("env-per-app-folders")) return "argocd";
  if (c.has("kustomize-overlays")) return c.has("argocd-applicationsets") || c.has("argocd-applications") ? "appset" : "flux";
  return c.has("flux-kustomization") ? "flux" : "argocd";
}

/** Repository-owned templates (`.ferry/templates/<kind>/**`), relative to that folder; empty when none. */
export function repositoryTemplates(tree: FileTree, kind: ScaffoldKind): FileTree {
  const prefix = `.ferry/templates/${kind}/`;
  const out = new Map<string, string>();
  for (const [path, content] of tree) if (path.startsWith(prefix)) out.set(path.slice(prefix.length), content);
  return out;
}
