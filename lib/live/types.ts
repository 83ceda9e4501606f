// What a live-state source reports about one deployed application, in Ferry's terms. Sources
// (Argo CD today) reshape their own objects into this; nothing here depends on one source's wire format.

/**
 * Argo CD's sync status (does the cluster match what git says?), or Flux's readiness of a Kustomization
 * or HelmRelease (Ready, Reconciling, Stalled, or NotReady: Ready=False, retried).
 */
export type LiveSync = "Synced" | "OutOfSync" | "Unknown" | "Ready" | "Reconciling" | "Stalled" | "NotReady";

/** The states that say the cluster runs what it was last given. */
export const IN_SYNC: ReadonlySet<string> = new Set<LiveSync>(["Synced", "Ready"]);
/** Argo CD's health status of the application's resources, taken as is. */
export type LiveHealth = "Healthy" | "Progressing" | "Degraded" | "Suspended" | "Missing" | "Unknown";

export interface LiveSource {
  /** Git repository or Helm repository URL, as the reconciler has it. */
  repoURL: string;
  /** Folder in a git repository. */
  path?: string;
  /** Chart name in a Helm repository. */
  chart?: string;
  /** OCI artifact a Flux Kustomization applies (`oci://…`, from its OCIRepository). */
  artifact?: string;
  targetRevision?: string;
}

export interface LiveDestination {
  server?: string;
  name?: string;
  namespace?: string;
}

export interface LiveApplication {
  /** Unique within its source: `<namespace>/<name>` of the reconciler object. */
  key: string;
  name: string;
  namespace: string | null;
  sync: LiveSync;
  health: LiveHealth;
  /** The git commit (or chart version) the cluster was last compared with. */
  revision: string | null;
  /** Container images running, from the application's resources (`status.summary.images`). */
  images: string[];
  sources: LiveSource[];
  destination: LiveDestination;
  /** When the last sync operation finished: when the revision was applied. */
  appliedAt: string | null;
  /** When the health became what it is, where the source reports it (Argo CD `status.health.lastTransitionTime`). */
  healthSince?: string | null;
  /** Kubernetes resourceVersion of the object, when the source reports it. */
  resourceVersion: string | null;
}

export type LiveEvent = { type: "upsert"; application: LiveApplication } | { type: "delete"; key: string };
