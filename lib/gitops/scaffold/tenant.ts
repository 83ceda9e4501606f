import type { FileTree, RepoModel } from "../model";
import { tenantLocation } from "./facts";
import { renderPlan, type ScaffoldPlan } from "./plan";
import { detectTenantPreset, type PresetName } from "./presets";
import { tenantRequestErrors, type TenantRequest } from "./request";

export interface TenantPlanInput {
  /** The platform repository (where tenants are declared). */
  repository: string;
  tree: FileTree;
  model: RepoModel;
  request: TenantRequest;
  /** URL manifests use for the platform repository, and its branch. */
  platformRepoURL: string;
  platformBranch: string;
  /** URL and branch of the repository holding the tenant's apps. */
  appsRepoURL: string;
  appsBranch: string;
  symlinks?: ReadonlySet<string>;
  requestedBy?: string;
}

/** Deterministic branch: onboarding the same tenant again updates the one open change request. */
export function tenantBranch(name: string): string {
  return `ferry/tenant/${name}`;
}

export function tenantPreset(input: Pick<TenantPlanInput, "tree" | "model" | "request">): PresetName {
  return input.request.preset ?? detectTenantPreset(input.tree, input.model);
}

/** Plans the one change request that onboards a tenant in the platform repository's convention. */
export function planTenant(input: TenantPlanInput): ScaffoldPlan {
  const { request: r, tree, model } = input;
  const fieldErrors = tenantRequestErrors(r);
  if (Object.keys(fieldErrors).length > 0) return { status: "refused", reason: Object.values(fieldErrors)[0]!, fieldErrors };

  const where = tenantLocation(tree, model, r.name);
  if (where) return existing(input.repository, r.name, where);

  const preset = tenantPreset(input);
  return renderPlan({
    tree,
    kind: "tenant",
    preset,
    forcePreset: r.preset !== undefined,
    context: {
      name: r.name,
      displayName: r.displayName,
      owners: r.owners,
      environments: r.environments.map((e) => ({ name: e.name, cluster: e.cluster, namespace: e.namespace })),
      apps: { repository: r.apps.repository, path: r.apps.path, repoURL: input.appsRepoURL, branch: input.appsBranch },
      platformRepoURL: input.platformRepoURL,
      platformBranch: input.platformBranch,
    },
    symlinks: input.symlinks,
    branch: tenantBranch(r.name),
    title: `Onboard tenant ${r.name}`,
    summary: `Onboards team **${r.displayName}** (\`${r.name}\`) with ${r.environments.map((e) => `${e.name} (\`${e.namespace}\` on ${e.cluster})`).join(", ")}. Owners: ${r.owners.join(", ")}. Apps live in \`${r.apps.repository}\` under \`${r.apps.path}/\`.`,
    notes: [],
    requestedBy: input.requestedBy,
    onExisting: (path) => existing(input.repository, r.name, path),
  });
}

function existing(repository: string, name: string, path: string): ScaffoldPlan {
  return {
    status: "refused",
    reason: `Tenant ${name} already exists in ${repository}: ${path}. Change it there instead of onboarding it again.`,
    fieldErrors: { name: `Tenant ${name} already exists (${repository}: ${path}).` },
    location: { repository, path },
  };
}
