// The Kubernetes objects a Kubernetes live source reads, at the API versions the published CRDs serve
// (../shared/specs/flux-crds, argocd-crds). Exactly these kinds are in the documented read-only ClusterRole.

export interface WatchedKind {
  kind: "Kustomization" | "HelmRelease" | "GitRepository" | "OCIRepository" | "Application";
  group: string;
  version: string;
  plural: string;
}

export const WATCHED_KINDS: readonly WatchedKind[] = [
  { kind: "Kustomization", group: "kustomize.toolkit.fluxcd.io", version: "v1", plural: "kustomizations" },
  { kind: "HelmRelease", group: "helm.toolkit.fluxcd.io", version: "v2", plural: "helmreleases" },
  { kind: "GitRepository", group: "source.toolkit.fluxcd.io", version: "v1", plural: "gitrepositories" },
  { kind: "OCIRepository", group: "source.toolkit.fluxcd.io", version: "v1", plural: "ocirepositories" },
  { kind: "Application", group: "argoproj.io", version: "v1alpha1", plural: "applications" },
];

/** `/apis/<group>/<version>/<plural>`: every namespace's objects of one kind. */
export function kindPath(k: WatchedKind): string {
  return `/apis/${k.group}/${k.version}/${k.plural}`;
}
