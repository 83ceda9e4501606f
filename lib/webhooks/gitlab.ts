import { createHash, timingSafeEqual } from "node:crypto";
import type { PrismaClient } from "@/lib/db/client";
import { describeDatabaseError } from "@/lib/db/describe-error";
import { forgetDelivery, recordDelivery } from "./deliveries";
import { planGitLabDelivery, type DeliveryPlan } from "./gitlab-events";
import { secretNotConfigured } from "./secret";
import { log } from "@/lib/observability/log";

// GitLab webhook deliveries (POST /api/webhooks/gitlab), testable without Next. GitLab sends the
// configured secret token as X-Gitlab-Token (no signature), so the token is compared in constant
// time; a delivery is recorded under its id before any work is queued, so a replay or a manual
// "Resend request" does the work once. The reply comes as soon as jobs are queued: syncing and
// refreshing happen in the worker.

export interface GitLabWebhookDeps {
  prisma: PrismaClient;
  /** FERRY_GITLAB_WEBHOOK_TOKEN; without it every delivery gets 503 (the portal is not configured). */
  secret: string | undefined;
  enqueueRepositorySync(repository: string): Promise<void>;
  enqueueChangeRefresh(repository: string, number: number): Promise<void>;
  /** FERRY_GITLAB_URL, when set: project paths are read relative to it. */
  apiUrl?: string;
}

export interface WebhookDelivery {
  headers: Headers;
  body: string;
}

export interface WebhookReply {
  status: number;
  body: Record<string, unknown>;
}

/** Largest payload accepted; GitLab's push payloads list at most 20 commits. */
export const MAX_GITLAB_PAYLOAD_BYTES = 5 * 1024 * 1024;

export async function handleGitLabWebhook(delivery: WebhookDelivery, deps: GitLabWebhookDeps): Promise<WebhookReply> {
  if (!deps.secret) return secretNotConfigured("gitlab");
  if (!tokenMatches(delivery.headers.get("x-gitlab-token"), deps.secret)) return { status: 401, body: { error: "Missing or invalid X-Gitlab-Token." } };
  if (Buffer.byteLength(delivery.body) > MAX_GITLAB_PAYLOAD_BYTES) return { status: 413, body: { error: "Payload too large." } };

  const event = delivery.headers.get("x-gitlab-event") ?? "";
  let payload: unknown;
  try {
    payload = JSON.parse(delivery.body);
  } catch {
    return { status: 400, body: { error: "The body is not JSON." } };
  }

  let plan: DeliveryPlan;
  try {
    const rows = await deps.prisma.repository.findMany({ where: { provider: "gitlab", archivedAt: null }, select: { name: true, url: true, defaultBranch: true } });
    plan = planGitLabDelivery(event, payload, rows, deps.apiUrl);
  } catch (error) {
    return unavailable(error);
  }
  if (plan.syncs.length === 0 && plan.refreshes.length === 0) return { status: 202, body: { status: "ignored", reason: plan.ignored ?? "nothing to do" } };

  const key = { id: deliveryId(delivery), provider: "gitlab" as const };
  try {
    const recorded = await recordDelivery(deps.prisma, { ...key, event, repository: plan.repositories[0] ?? null });
    if (recorded === "duplicate") return { status: 200, body: { status: "duplicate" } };
  } catch (error) {
    return unavailable(error);
  }
  try {
    for (const repository of plan.syncs) await deps.enqueueRepositorySync(repository);
    for (const { repository, number } of plan.refreshes) await deps.enqueueChangeRefresh(repository, number);
  } catch (error) {
    // Nothing (or not everything) was queued: forget the id so a resend is not taken for a replay.
    await forgetDelivery(deps.prisma, key).catch(() => undefined);
    return unavailable(error);
  }
  return { status: 202, body: { status: "queued", syncs: plan.syncs, refreshes: plan.refreshes } };
}

/**
 * Constant-time comparison of the received token with the configured one. Comparing SHA-256
 * digests gives equal-length inputs to timingSafeEqual, so neither the content nor the length of
 * the secret leaks through timing.
 */
export function tokenMatches(received: string | null, secret: string): boolean {
  if (received === null || received.length === 0) return false;
  const a = createHash("sha256").update(received, "utf8").digest();
  const b = createHash("sha256").update(secret, "utf8").digest();
  return timingSafeEqual(a, b);
}

/**
 * The delivery's id for dedupe: Idempotency-Key (GitLab 17.4+, the same on every retry of one
 * delivery), else X-Gitlab-Event-UUID, else a digest of the body (an old GitLab sends neither).
 */
export function deliveryId(delivery: WebhookDelivery): string {
  const key = delivery.headers.get("idempotency-key")?.trim();
  if (key) return key;
  const uuid = delivery.headers.get("x-gitlab-event-uuid")?.trim();
  if (uuid) return uuid;
  return `sha256:${createHash("sha256").update(delivery.body).digest("hex")}`;
}

function unavailable(error: unknown): WebhookReply {
  // The database (or the job queue in it) is down. GitLab records the 503 on the webhook's "Recent
  // events" page, where it can be resent; the periodic sync catches up on pushes meanwhile.
  log("warn", "webhook delivery not processed", { forge: "gitlab", error: describeDatabaseError(error) });
  return { status: 503, body: { error: "The portal cannot process webhooks right now; resend the delivery later." } };
}
