export const dynamic = "force-dynamic";

// Liveness: the process runs and answers HTTP. Deliberately no database: a Postgres outage must make
// replicas unready (no traffic), not get healthy processes restarted by the orchestrator.
const startedAt = Date.now();

export function GET() {
  return Response.json({ status: "ok", uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) });
}
