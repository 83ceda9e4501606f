import { getPrisma } from "@/lib/db/client";
import { refreshDatabaseGauges } from "@/lib/metrics/database-gauges";
import { metrics } from "@/lib/metrics/registry";

export const dynamic = "force-dynamic";

/**
 * GET /metrics — Prometheus text format (see lib/metrics). Public like /api/health: counts and
 * repository names, never URLs, tokens or contents; restrict who reaches it with the NetworkPolicy.
 */
export async function GET(): Promise<Response> {
  let prisma;
  try {
    prisma = getPrisma();
  } catch {
    prisma = undefined;
  }
  if (prisma) await refreshDatabaseGauges(prisma);
  else metrics().databaseUp.set(0);
  const { registry } = metrics();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
}
