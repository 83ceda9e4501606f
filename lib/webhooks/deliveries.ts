import type { PrismaClient } from "@/lib/db/client";

// Webhook dedupe shared by every forge. Forges deliver at least once and let admins redeliver by hand,
// always with the same delivery id (GitHub `X-GitHub-Delivery`, GitLab `X-Gitlab-Event-UUID`), so the
// first insert of an id wins and every later one is acknowledged without doing the work twice.

export type WebhookProvider = "github" | "gitlab";

export interface DeliveryInput {
  /** The forge's delivery id (a UUID on GitHub and GitLab). */
  id: string;
  provider: WebhookProvider;
  /** Event name, e.g. "push", "pull_request", "Merge Request Hook". */
  event: string;
  /** Configured repository name, when the delivery maps to one. */
  repository?: string | null;
}

type DeliveryKey = Pick<DeliveryInput, "id" | "provider">;

/**
 * Records a delivery; "duplicate" when this id was seen before (a replay or a manual redelivery).
 * The stored id is namespaced by provider so two forges can never collide on an id.
 * Throws when the database is unreachable: the caller answers 503 so the forge tries again.
 */
export async function recordDelivery(prisma: PrismaClient, input: DeliveryInput): Promise<"new" | "duplicate"> {
  // INSERT … ON CONFLICT DO NOTHING: no error-type sniffing, and safe when two replicas race on one id.
  const { count } = await prisma.webhookDelivery.createMany({
    data: [{ id: storedId(input), provider: input.provider, event: input.event.slice(0, 200), repository: input.repository ?? null }],
    skipDuplicates: true,
  });
  return count === 1 ? "new" : "duplicate";
}

/**
 * Forgets a recorded delivery, for when its work could not be queued: the forge redelivers with the
 * same id, and that redelivery must not be mistaken for a duplicate of work that never happened.
 */
export async function forgetDelivery(prisma: PrismaClient, key: DeliveryKey): Promise<void> {
  await prisma.webhookDelivery.deleteMany({ where: { id: storedId(key) } });
}

/**
 * How long a delivery id is remembered. GitHub lets an admin redeliver deliveries of the past 3 days;
 * GitLab lists a webhook's recent events (each with "Resend request") for up to a week. 14 days is
 * safely longer than both, and a resend that arrives even later only repeats work that is idempotent
 * anyway (a sync of an unchanged head, a refresh of a change request). Rows are a few dozen bytes.
 * A fixed constant: no other retention is configurable either.
 */
export const DELIVERY_RETENTION_MS = 14 * 24 * 60 * 60 * 1000;

/** Drops records older than `olderThan` (forges stop redelivering after a few days). Returns how many. */
export async function pruneDeliveries(prisma: PrismaClient, olderThan: Date): Promise<number> {
  const { count } = await prisma.webhookDelivery.deleteMany({ where: { receivedAt: { lt: olderThan } } });
  return count;
}

/** Drops the records that are past DELIVERY_RETENTION_MS at `now`; for the periodic prune job. */
export function pruneExpiredDeliveries(prisma: PrismaClient, now: Date = new Date()): Promise<number> {
  return pruneDeliveries(prisma, new Date(now.getTime() - DELIVERY_RETENTION_MS));
}

function storedId(key: DeliveryKey): string {
  return `${key.provider}:${key.id.slice(0, 200)}`;
}
