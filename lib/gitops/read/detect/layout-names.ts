// Folder names that carry layout meaning rather than app or env names.

export const BASE_DIR_NAMES = new Set(["base", "bases", "_base"]);
/** Parents whose children are shared bases of a stage (`stages/prod`), not envs. */
export const STAGE_PARENT_NAMES = new Set(["stages"]);
export const ENV_PARENT_NAMES = new Set(["overlays", "envs", "environments", "env"]);
/** Folders that hold an app's manifests in an app repo (`k8s/staging`) and never name the app. */
export const MANIFEST_DIR_NAMES = new Set(["k8s", ".k8s", "deploy", "deployment", "deployments", "manifests", "kubernetes", "kustomize", "gitops", "helm"]);
/** Folders that hold an app's Helm chart (`team-b/chart`) and never name the app. */
export const CHART_DIR_NAMES = new Set(["chart", "charts", "helm-chart"]);

/** A folder that only packages an app (its manifests or chart): the folder above it names the app. */
export function isPackagingDirName(name: string): boolean {
  return MANIFEST_DIR_NAMES.has(name) || CHART_DIR_NAMES.has(name);
}

export const DEPLOYABLE_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "Pod", "ReplicaSet", "Rollout", "HelmRelease", "DeploymentConfig"]);

/**
 * What a layer of a cluster holds (`apps`, `infrastructure`: the folder and Flux Kustomization names of
 * the Flux examples every repository starts from), never which app: a folder or Kustomization named so
 * applies apps rather than being one.
 */
export const LAYER_NAMES = new Set(["apps", "applications", "workloads", "services", "infrastructure", "infra", "controllers", "configs", "tenants", "teams", "operators", "platform"]);
