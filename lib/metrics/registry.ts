import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * Ferry's Prometheus metrics, served at /metrics by every process (web replicas and the worker; the
 * ServiceMonitor scrapes each pod and Prometheus sums them). Counters count what this process did:
 * syncs run where the job queue runs them (the worker), webhook deliveries where they arrive (web).
 * Gauges read from the database (queue depth, change requests) are the same in every process.
 *
 * Kept on globalThis: Next.js may load this module once per route bundle (and again on every dev
 * reload), while there must be one registry per process.
 */
export interface FerryMetrics {
  registry: Registry;
  syncDuration: Histogram<"repository" | "status">;
  syncFailures: Counter<"repository">;
  webhookDeliveries: Counter<"forge" | "status">;
  forgeRequests: Counter<"forge" | "status">;
  forgeRateLimitRemaining: Gauge<"forge">;
  kubernetesLists: Counter<"source" | "kind" | "reason">;
  jobQueueDepth: Gauge<"queue" | "state">;
  changeRequests: Gauge<"state">;
  databaseUp: Gauge;
}

const globalForMetrics = globalThis as typeof globalThis & { __ferryMetrics?: FerryMetrics };

export function metrics(): FerryMetrics {
  globalForMetrics.__ferryMetrics ??= createMetrics();
  return globalForMetrics.__ferryMetrics;
}

function createMetrics(): FerryMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "ferry_" });
  const registers = [registry];
  return {
    registry,
    syncDuration: new Histogram({
      name: "ferry_sync_duration_seconds",
      help: "Time one repository sync took, by repository and outcome (synced, unchanged, locked, archived, error)",
      labelNames: ["repository", "status"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    }),
    syncFailures: new Counter({ name: "ferry_sync_failures_total", help: "Repository syncs that failed, by repository", labelNames: ["repository"], registers }),
    webhookDeliveries: new Counter({
      name: "ferry_webhook_deliveries_total",
      help: "Webhook deliveries answered, by forge and HTTP status (202 accepted, 200 duplicate or ping, 401 bad signature, 413 too large, 503 not processed)",
      labelNames: ["forge", "status"],
      registers,
    }),
    forgeRequests: new Counter({
      name: "ferry_forge_requests_total",
      help: "HTTP requests to a forge's API, by forge and HTTP status (timeout: no answer in FERRY_FORGE_TIMEOUT_SECONDS; error: no HTTP answer)",
      labelNames: ["forge", "status"],
      registers,
    }),
    forgeRateLimitRemaining: new Gauge({
      name: "ferry_forge_rate_limit_remaining",
      help: "Requests left in the forge's rate-limit window, as its last answer said (GitHub x-ratelimit-remaining, GitLab ratelimit-remaining)",
      labelNames: ["forge"],
      registers,
    }),
    kubernetesLists: new Counter({
      name: "ferry_live_kubernetes_lists_total",
      help: "Lists of one kind by a Kubernetes live source, by source, kind and reason (no-stored-version: nothing to resume from; expired: the stored or last resourceVersion got 410 Gone; source-changed: a source's URL changed while the kind was resumed from a version alone)",
      labelNames: ["source", "kind", "reason"],
      registers,
    }),
    jobQueueDepth: new Gauge({ name: "ferry_job_queue_depth", help: "Background jobs waiting or running, by queue and state (read from pg-boss at scrape time)", labelNames: ["queue", "state"], registers }),
    changeRequests: new Gauge({ name: "ferry_change_requests", help: "Change requests by state", labelNames: ["state"], registers }),
    databaseUp: new Gauge({ name: "ferry_database_up", help: "1 when the database answered the last scrape's queries, else 0", registers }),
  };
}

/** Records one sync's outcome (see lib/sync/sync-now.ts). */
export function recordSync(result: { repository: string; status: string; durationMs: number }): void {
  const m = metrics();
  m.syncDuration.observe({ repository: result.repository, status: result.status }, result.durationMs / 1000);
  if (result.status === "error") m.syncFailures.inc({ repository: result.repository });
}

/** Records one webhook delivery's answer (the webhook routes). */
export function recordWebhookDelivery(forge: "github" | "gitlab", status: number): void {
  metrics().webhookDeliveries.inc({ forge, status: String(status) });
}

export type KubernetesListReason = "no-stored-version" | "expired" | "source-changed";

/** Records one list of a kind by a Kubernetes live source (lib/live/kubernetes/follow-kubernetes.ts). */
export function recordKubernetesList(source: string, kind: string, reason: KubernetesListReason): void {
  metrics().kubernetesLists.inc({ source, kind, reason });
}
