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

/** Drops records older than `olderThan` (forges stop redelivering after a few days). Returns how many. */
export async function pruneDeliveries(prisma: PrismaClient, olderThan: Date): Promise<number> {
  const { count } = await prisma.webhookDelivery.deleteMany({ where: { receivedAt: { lt: olderThan } } });
  return count;
}

function storedId(key: DeliveryKey): string {
  return `${key.provider}:${key.id.slice(0, 200)}`;
}
