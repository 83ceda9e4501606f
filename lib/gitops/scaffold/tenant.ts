import type { FileTree, RepoModel } from "../model";
import { tenantLocation } from "./facts";
import { renderPlan, type ScaffoldPlan } from "./plan";
import { checkFilePickup, filePickupNotes, type FilePickupCheck } from "./file-pickup";
import { detectTenantPreset, PRESET_NAMES, type PresetName } from "./presets";
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

  const render = (preset: PresetName, force: boolean, notes: string[] = []) =>
    renderPlan({
      tree,
      kind: "tenant",
      preset,
      forcePreset: force,
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
      notes,
      requestedBy: input.requestedBy,
      onExisting: (path) => existing(input.repository, r.name, path),
    });
  const withPickup = (plan: ScaffoldPlan): { plan: ScaffoldPlan; check?: FilePickupCheck } =>
    plan.status === "changes" ? { plan, check: checkFilePickup(tree, plan.changeSet, input.platformRepoURL) } : { plan };

  // The plan says which reconciler applies each new file; a preset none of whose files anything in the
  // repository would apply (Argo CD objects in a Flux repository) is not written.
  const first = tenantPreset(input);
  const tried = withPickup(render(first, r.preset !== undefined));
  if (tried.plan.status !== "changes" || !tried.check) return tried.plan;
  const fits = (check: FilePickupCheck) => check.files.length === 0 || check.missing.length < check.files.length;
  if (fits(tried.check)) return render(first, r.preset !== undefined, filePickupNotes(tried.check));
  const problem = (label: string, check: FilePickupCheck) =>
    `${label} writes files that no Argo CD or Flux object of ${input.repository} would apply (${check.missing.map((m) => m.path).join(", ")}): the repository's tenants are applied by its own reconcilers, and none of them takes these in.`;
  if (tried.plan.templates.origin === "repository") return render(first, false, [`Warning: ${problem(`The repository's templates (${tried.plan.templates.label})`, tried.check)}`, ...filePickupNotes(tried.check)]);
  if (r.preset !== undefined) return { status: "refused", reason: `${problem(`The ${first} preset`, tried.check)} Choose another preset, or add templates in .ferry/templates/tenant/.` };
  for (const other of PRESET_NAMES.filter((p) => p !== first)) {
    const alt = withPickup(render(other, true));
    if (alt.plan.status === "changes" && alt.check && fits(alt.check)) {
      return render(other, true, [`The ${first} preset this repository looked like would not be applied by anything in it; the ${other} preset is what its reconcilers take in.`, ...filePickupNotes(alt.check)]);
    }
  }
  return { status: "refused", reason: `${problem(`The ${first} preset`, tried.check)} No built-in preset fits; add templates in .ferry/templates/tenant/ that follow the repository's layout.` };
}

function existing(repository: string, name: string, path: string): ScaffoldPlan {
  return {
    status: "refused",
    reason: `Tenant ${name} already exists in ${repository}: ${path}. Change it there instead of onboarding it again.`,
    fieldErrors: { name: `Tenant ${name} already exists (${repository}: ${path}).` },
    location: { repository, path },
  };
}
