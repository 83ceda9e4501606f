import type { LiveApplication, LiveHealth, LiveSource, LiveSync } from "../types";
import type { Condition, FluxHelmRelease, FluxKustomization, FluxSource, SourceRef } from "./wire";

// Flux objects as Ferry keeps live state: one per Kustomization and HelmRelease, with its source's URL
// (from the GitRepository or OCIRepository it references) so it is placed by repository and folder or
// chart, as Argo CD Applications are; the cluster the source reads is the destination's name.

export interface FluxSources {
  /** `<Kind>/<namespace>/<name>` → source object. */
  get(kind: string, namespace: string, name: string): FluxSource | undefined;
}

const SHA = /([0-9a-f]{40})$/;

/** `main@sha1:<sha>` (Flux 2.x), `main/<sha>` (older) or a bare sha → the commit; anything else as is. */
export function fluxRevision(revision: string | undefined): string | null {
  if (!revision) return null;
  return SHA.exec(revision)?.[1] ?? revision;
}

function condition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * kstatus as Flux writes it: Stalled wins, then Reconciling, then Ready. Ready=False without either is a
 * failed reconciliation the controller retries.
 */
export function fluxState(conditions: Condition[] | undefined, suspended: boolean): { sync: LiveSync; health: LiveHealth; since: string | null } {
  const stalled = condition(conditions, "Stalled");
  const reconciling = condition(conditions, "Reconciling");
  const ready = condition(conditions, "Ready");
  const since = (c: Condition | undefined) => c?.lastTransitionTime ?? null;
  let state: { sync: LiveSync; health: LiveHealth; since: string | null };
  if (stalled?.status === "True") state = { sync: "Stalled", health: "Degraded", since: since(stalled) };
  else if (reconciling?.status === "True") state = { sync: "Reconciling", health: "Progressing", since: since(reconciling) };
  else if (ready?.status === "True") state = { sync: "Ready", health: "Healthy", since: since(ready) };
  else if (ready?.status === "False") state = { sync: "NotReady", health: "Degraded", since: since(ready) };
  else if (ready) state = { sync: "Reconciling", health: "Progressing", since: since(ready) };
  else state = { sync: "Unknown", health: "Unknown", since: null };
  return suspended ? { ...state, health: "Suspended" } : state;
}

function sourceOf(ref: SourceRef | undefined, namespace: string, sources: FluxSources): FluxSource | undefined {
  if (!ref) return undefined;
  return sources.get(ref.kind, ref.namespace ?? namespace, ref.name);
}

function gitRevision(s: FluxSource): string | undefined {
  const ref = s.spec?.ref;
  return ref?.branch ?? ref?.tag ?? ref?.semver ?? ref?.name ?? ref?.commit;
}

/** The chart name an OCI artifact holds: the repository's last path segment. */
function ociChart(url: string): string {
  return url.replace(/\/+$/, "").split("/").pop() ?? url;
}

export function reshapeKustomization(k: FluxKustomization, sources: FluxSources, cluster: string): LiveApplication | undefined {
  const name = k.metadata?.name;
  if (!name) return undefined;
  const namespace = k.metadata?.namespace ?? "";
  const { since, ...state } = fluxState(k.status?.conditions, k.spec?.suspend === true);
  const ref = k.spec?.sourceRef;
  const source = sourceOf(ref, namespace, sources);
  // An OCI artifact is placed by the artifact, not a folder: the reader makes it a cell of its own.
  const live: LiveSource[] = !source?.spec?.url
    ? []
    : ref?.kind === "OCIRepository"
      ? [{ repoURL: source.spec.url, artifact: source.spec.url, path: k.spec?.path || "." }]
      : [{ repoURL: source.spec.url, path: k.spec?.path || ".", targetRevision: ref?.kind === "GitRepository" ? gitRevision(source) : undefined }];
  const ready = condition(k.status?.conditions, "Ready");
  return {
    key: `Kustomization/${namespace}/${name}`,
    name,
    namespace: namespace || null,
    ...state,
    revision: fluxRevision(k.status?.lastAppliedRevision),
    images: [],
    sources: live,
    destination: { name: cluster, namespace: k.spec?.targetNamespace || namespace || undefined },
    // The Ready condition's message names the applied revision, so its transition time moves with each apply.
    appliedAt: ready?.status === "True" && k.status?.lastAppliedRevision ? (ready.lastTransitionTime ?? null) : null,
    healthSince: since,
    resourceVersion: k.metadata?.resourceVersion ?? null,
  };
}

export function reshapeHelmRelease(h: FluxHelmRelease, sources: FluxSources, cluster: string): LiveApplication | undefined {
  const name = h.metadata?.name;
  if (!name) return undefined;
  const namespace = h.metadata?.namespace ?? "";
  const { since, ...state } = fluxState(h.status?.conditions, h.spec?.suspend === true);
  const chart = h.spec?.chart?.spec;
  let live: LiveSource[] = [];
  if (chart?.chart) {
    const source = sourceOf(chart.sourceRef, namespace, sources);
    // A HelmRepository's URL is not read (not one of the watched kinds): the chart name places it.
    const ref = chart.sourceRef;
    live =
      ref?.kind === "GitRepository" && source?.spec?.url
        ? [{ repoURL: source.spec.url, path: chart.chart, targetRevision: gitRevision(source) }]
        : [{ repoURL: ref ? `${ref.kind} ${ref.namespace ?? namespace}/${ref.name}` : "", chart: chart.chart }];
  } else if (h.spec?.chartRef?.kind === "OCIRepository") {
    const url = sourceOf(h.spec.chartRef, namespace, sources)?.spec?.url;
    if (url) live = [{ repoURL: url, chart: ociChart(url) }];
  }
  const current = h.status?.history?.[0];
  return {
    key: `HelmRelease/${namespace}/${name}`,
    name,
    namespace: namespace || null,
    ...state,
    revision: current?.chartVersion ?? h.status?.lastAttemptedRevision ?? null,
    images: [],
    sources: live,
    destination: { name: cluster, namespace: h.spec?.targetNamespace || namespace || undefined },
    appliedAt: current?.status === "deployed" ? (current.lastDeployed ?? null) : null,
    healthSince: since,
    resourceVersion: h.metadata?.resourceVersion ?? null,
  };
}
