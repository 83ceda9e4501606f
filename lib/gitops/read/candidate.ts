import type { Destination, Version } from "../model";

/** A deployment found by one detector, before de-duplication and team attribution. */
export interface Candidate {
  app: string;
  env: string;
  /** Env folder (or the file holding an Argo CD Application / values file). */
  path: string;
  /** App.path: the app's folder, or the base folder for global-env layouts. */
  appDir: string;
  versions: Version[];
  errors: string[];
  files: string[];
  destination?: Destination;
  /** Team implied by the wiring (Argo CD `spec.project`). */
  team?: string;
  /** The app's folders only package it (`k8s/overlays/<env>` at the top): the name is the repository's, a fallback. */
  namedAfterRepository?: boolean;
  /** Which detector produced it, for conventions and notes. */
  source: "flux" | "kustomize" | "plain" | "helm-values" | "helmfile" | "fleet" | "argocd" | "configured";
}
