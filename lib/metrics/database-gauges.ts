import type { PrismaClient } from "@/lib/db/generated/client";
import { metrics } from "./registry";
import { log } from "@/lib/observability/log";

// Gauges read from the database at scrape time. pg-boss keeps its jobs in the `pgboss` schema of the
// same database; before the first job was ever queued the schema does not exist, which is depth 0.
const ACTIVE_STATES = ["created", "retry", "active"];

export async function refreshDatabaseGauges(prisma: PrismaClient): Promise<void> {
  const m = metrics();
  try {
    const [schema] = await prisma.$queryRaw<{ exists: boolean }[]>`SELECT to_regclass('pgboss.job') IS NOT NULL AS exists`;
    m.jobQueueDepth.reset();
    if (schema?.exists) {
      const rows = await prisma.$queryRawUnsafe<{ name: string; state: string; count: number }[]>(
        `SELECT name, state::text AS state, count(*)::int AS count FROM pgboss.job WHERE state::text = ANY($1::text[]) GROUP BY name, state`,
        ACTIVE_STATES,
      );
      for (const row of rows) m.jobQueueDepth.set({ queue: row.name, state: row.state }, row.count);
    }
    const changes = await prisma.changeRequest.groupBy({ by: ["state"], _count: { _all: true } });
    m.changeRequests.reset();
    for (const row of changes) m.changeRequests.set({ state: row.state }, row._count._all);
    m.databaseUp.set(1);
  } catch (error) {
    // A scrape during an outage still answers (process metrics, counters) and says the database is down.
    m.databaseUp.set(0);
    log("warn", "database gauges not refreshed", { error: error instanceof Error ? error.message.split("\n").filter(Boolean).at(-1) : String(error) });
  }
}
