import type { LiveApplication, LiveHealth, LiveSource, LiveSync } from "../types";
import type { WireApplication, WireSource } from "./wire";

const SYNC: ReadonlySet<string> = new Set<LiveSync>(["Synced", "OutOfSync", "Unknown"]);
const HEALTH: ReadonlySet<string> = new Set<LiveHealth>(["Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown"]);

/** Credentials in a repository URL (`https://user:token@host/…`) are never stored or shown. */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, "$1");
}

function source(s: WireSource | undefined): LiveSource | undefined {
  if (!s?.repoURL || s.ref) return undefined;
  return { repoURL: withoutCredentials(s.repoURL), path: s.path || undefined, chart: s.chart || undefined, targetRevision: s.targetRevision || undefined };
}

/** An Argo CD Application as Ferry keeps it; undefined when it has no name (nothing to key it by). */
export function reshapeApplication(app: WireApplication): LiveApplication | undefined {
  const name = app.metadata?.name;
  if (!name) return undefined;
  const namespace = app.metadata?.namespace || null;
  const spec = app.spec ?? {};
  // A `ref` source only lends values files to the others; a hydrated app deploys its dry source's content.
  const sources = [spec.source, ...(spec.sources ?? []), spec.source || spec.sources?.length ? undefined : spec.sourceHydrator?.drySource]
    .map(source)
    .filter((s): s is LiveSource => s !== undefined);
  const status = app.status ?? {};
  const sync = status.sync?.status ?? "";
  const health = status.health?.status ?? "";
  const succeeded = status.operationState?.phase === "Succeeded";
  return {
    key: `${namespace ?? ""}/${name}`,
    name,
    namespace,
    sync: SYNC.has(sync) ? (sync as LiveSync) : "Unknown",
    health: HEALTH.has(health) ? (health as LiveHealth) : "Unknown",
    revision: status.sync?.revision || status.sync?.revisions?.find((r) => r) || null,
    images: [...new Set(status.summary?.images ?? [])].sort(),
    sources,
    destination: { server: spec.destination?.server || undefined, name: spec.destination?.name || undefined, namespace: spec.destination?.namespace || undefined },
    appliedAt: succeeded ? (status.operationState?.finishedAt ?? null) : null,
    healthSince: status.health?.lastTransitionTime || null,
    resourceVersion: app.metadata?.resourceVersion || null,
  };
}
