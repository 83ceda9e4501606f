import type { FluxSource } from "./wire";

// Where a Kubernetes follower left off, stored with the rows it wrote (LiveSource.resumeState): each
// kind's resourceVersion, and the Flux source objects as the reshaping reads them (a Kustomization's
// URL comes from its GitRepository), so a restarted follower watches from there instead of listing.

export interface KubernetesResumeState {
  /** The API server the versions are of: another cluster's versions mean nothing (a source pointed elsewhere). */
  server: string;
  /** By plural (`kustomizations`); a kind missing here is listed on start. */
  kinds: Record<string, { resourceVersion: string; objects?: FluxSource[] }>;
}

/** What of a GitRepository or OCIRepository the reshaping reads; its status moves with every fetch and is left out. */
export function slimSource(o: FluxSource): FluxSource {
  return { metadata: { name: o.metadata?.name, namespace: o.metadata?.namespace }, spec: { url: o.spec?.url, ref: o.spec?.ref } };
}

export function parseResumeState(value: unknown): KubernetesResumeState | null {
  if (!value || typeof value !== "object" || !("kinds" in value) || typeof value.kinds !== "object" || value.kinds === null) return null;
  const server = "server" in value && typeof value.server === "string" ? value.server : "";
  const kinds: KubernetesResumeState["kinds"] = {};
  for (const [plural, entry] of Object.entries(value.kinds as Record<string, unknown>)) {
    const e = entry as { resourceVersion?: unknown; objects?: unknown } | null;
    if (typeof e?.resourceVersion !== "string" || !e.resourceVersion) continue;
    kinds[plural] = { resourceVersion: e.resourceVersion, ...(Array.isArray(e.objects) ? { objects: e.objects as FluxSource[] } : {}) };
  }
  return { server, kinds };
}
